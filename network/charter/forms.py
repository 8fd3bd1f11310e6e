"""Forms for drafting the charter, commenting, and putting a draft to the vote."""

from __future__ import annotations

from fractions import Fraction

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from network.charter.rules import (
    CHAIR_METHODS,
    MAX_PROXIES_PER_CITY,
    MAX_QUORUM_DENOMINATOR,
    GovernanceRules,
    RuleKey,
)
from network.cities.rules import is_language_tag
from network.common.enums import choices, label
from network.common.forms import NoControlCharacters, strip
from network.votes.models import Secrecy
from network.votes.tally import APPROVAL_RULES, MajorityRule


def _rule_choices(allowed: frozenset[MajorityRule]) -> list[SelectChoice]:
    return [SelectChoice(rule.value, label(rule)) for rule in MajorityRule if rule in allowed]


class LanguageCode:
    """Accept only language codes Babel knows."""

    def __call__(self, form: Form, field: StringField) -> None:
        """Raise when the code is unknown."""
        if field.data and not is_language_tag(field.data):
            raise ValidationError(_l("“%(tag)s” is not a language code.", tag=field.data))


# The proxy rules as one choice: "0" for none, else the most proxies one city may hold.
NO_PROXIES = "0"


def _proxy_choices() -> list[SelectChoice]:
    return [SelectChoice(NO_PROXIES, _l("Proxies are not allowed"))] + [
        SelectChoice(
            str(n),
            lazy_ngettext(
                "Allowed: a city holds at most %(num)s proxy",
                "Allowed: a city holds at most %(num)s proxies",
                n,
            ),
        )
        for n in range(1, MAX_PROXIES_PER_CITY + 1)
    ]


class DraftForm(FlaskForm):
    """A draft's authoritative language and governance rules."""

    authoritative_language = StringField(
        _l("Authoritative language"),
        filters=[strip],
        validators=[DataRequired(), Length(max=16), LanguageCode()],
        description=_l("The language whose text prevails, e.g. en or ko."),
    )
    quorum = StringField(
        _l("Quorum"),
        filters=[strip],
        validators=[DataRequired(), Length(max=9)],
        description=_l(
            "The share of the electorate that must cast a ballot, as a fraction, e.g. 1/2."
        ),
    )
    ordinary = SelectField(_l("Ordinary motions"), validators=[DataRequired()])
    amendment = SelectField(_l("Adopting or amending the charter"), validators=[DataRequired()])
    admission = SelectField(_l("Admitting a member"), validators=[DataRequired()])
    suspension = SelectField(_l("Suspending a member"), validators=[DataRequired()])
    chair_election = SelectField(_l("Chair election"), validators=[DataRequired()])
    chair_term_years = IntegerField(
        _l("Chair's term (years)"), validators=[InputRequired(), NumberRange(min=1, max=10)]
    )
    # Left out of a submission, the founding rule stays: allowed, at most one.
    proxies = SelectField(
        _l("Proxies at meetings"),
        default="1",
        validators=[DataRequired()],
        description=_l(
            "Whether a member city may give its proxy for a meeting to another member "
            "city, and how many proxies one city may hold."
        ),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for key in (RuleKey.ordinary, RuleKey.amendment, RuleKey.admission, RuleKey.suspension):
            self[key.value].choices = _rule_choices(APPROVAL_RULES)
        self.chair_election.choices = _rule_choices(CHAIR_METHODS)
        self.proxies.choices = _proxy_choices()

    def validate_quorum(self, field: StringField) -> None:
        """Accept a fraction in (0, 1]."""
        try:
            value = Fraction(field.data)
        except (ValueError, ZeroDivisionError):
            raise ValidationError(_l("Write the quorum as a fraction such as 1/2.")) from None
        if value.denominator > MAX_QUORUM_DENOMINATOR:
            raise ValidationError(_l("Write the quorum as a fraction such as 1/2."))
        if not 0 < value <= 1:
            raise ValidationError(_l("The quorum must be more than 0 and at most 1."))

    def governance_rules(self) -> GovernanceRules:
        """Return the rules entered."""
        return GovernanceRules.from_dict(
            {
                "quorum": self.quorum.data,
                "ordinary": self.ordinary.data,
                "amendment": self.amendment.data,
                "admission": self.admission.data,
                "suspension": self.suspension.data,
                "chair_election": self.chair_election.data,
                "chair_term_years": self.chair_term_years.data,
                "proxies_allowed": self.proxies.data != NO_PROXIES,
                "proxies_per_city": max(int(self.proxies.data), 1),
            }
        )

    def fill_from(self, language: str, rules: GovernanceRules) -> None:
        """Show a version's current settings."""
        self.authoritative_language.data = language
        data = rules.to_dict()
        for key in ("quorum", *(k.value for k in RuleKey), "chair_term_years"):
            self[key].data = data[key]
        self.proxies.data = str(rules.proxies_per_city) if rules.proxies_allowed else NO_PROXIES


class ArticleTextForm(Form):
    """An article in one language (a row of the article form)."""

    language = StringField(
        _l("Language code"), filters=[strip], validators=[Length(max=16), LanguageCode()]
    )
    title = StringField(
        _l("Title"), filters=[strip], validators=[Length(max=200), NoControlCharacters()]
    )
    body = TextAreaField(
        _l("Text"), filters=[strip], validators=[Length(max=20000), NoControlCharacters()]
    )

    def is_blank(self) -> bool:
        """Tell whether the row was left empty."""
        return not (self.language.data or self.title.data or self.body.data)

    def validate_language(self, field: StringField) -> None:
        """Require language, title and text together."""
        if self.is_blank():
            return
        if not (field.data and self.title.data and self.body.data):
            raise ValidationError(_l("Give the language, the title and the text."))


class ArticleForm(FlaskForm):
    """An article: its number and its text in each language."""

    number = IntegerField(
        _l("Article number"), validators=[InputRequired(), NumberRange(min=1, max=999)]
    )
    texts = FieldList(FormField(ArticleTextForm), min_entries=2, max_entries=8, label=_l("Texts"))


class CommentForm(FlaskForm):
    """A comment on a draft."""

    article = SelectField(_l("About"), validators=[Optional()])
    body = TextAreaField(
        _l("Comment"),
        filters=[strip],
        validators=[DataRequired(), Length(max=5000), NoControlCharacters()],
    )


class PutToVoteForm(FlaskForm):
    """Open the adoption vote on a draft."""

    secrecy = SelectField(
        _l("Ballot"),
        choices=choices(Secrecy),
        default=Secrecy.recorded.value,
        validators=[DataRequired()],
    )
    opens_at = DateTimeLocalField(
        _l("Opens at (UTC)"),
        validators=[Optional()],
        description=_l("Leave empty to open it now."),
    )
    closes_at = DateTimeLocalField(
        _l("Closes at (UTC)"),
        validators=[Optional()],
        description=_l("Leave empty to close it by hand."),
    )
