"""Forms for the city registry."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from network.cities import rules
from network.cities.models import MembershipStatus, Region
from network.common.enums import choices
from network.common.forms import NoControlCharacters, strip


class CityTextForm(Form):
    """A city's name and profile in one language (a row of the city form)."""

    language = StringField(
        _l("Language code"),
        filters=[strip],
        validators=[Length(max=16)],  # no Optional(): validate_language must run
        description=_l("For example ko, de, ja, fr."),
    )
    name = StringField(
        _l("Name in this language"),
        filters=[strip],
        validators=[Optional(), Length(max=120), NoControlCharacters()],
    )
    profile = TextAreaField(
        _l("Profile in this language"),
        validators=[Optional(), Length(max=2000), NoControlCharacters()],
    )

    def validate_language(self, field: StringField) -> None:
        """Require a known language code whenever the row has a name or profile."""
        code = (field.data or "").strip()
        if not code:
            if (self.name.data or "").strip() or (self.profile.data or "").strip():
                raise ValidationError(_l("Give the language of this name or profile."))
            return
        if not rules.is_language_tag(code):
            raise ValidationError(_l("“%(tag)s” is not a language code.", tag=code))

    def is_blank(self) -> bool:
        """Tell whether the row was left empty."""
        return not any(
            (field.data or "").strip() for field in (self.language, self.name, self.profile)
        )


class CityForm(FlaskForm):
    """Add or edit a city."""

    name = StringField(
        _l("English name"),
        filters=[strip],
        validators=[DataRequired(), Length(max=120), NoControlCharacters()],
    )
    country = SelectField(_l("Country"), validate_choice=False, validators=[DataRequired()])
    region = SelectField(_l("Region"), choices=choices(Region), validators=[DataRequired()])
    website = URLField(
        _l("Website"),
        filters=[strip],
        validators=[
            Optional(),
            Length(max=255),
            URL(require_tld=True, message=_l("Give a full address starting with https://")),
            Regexp(r"^https?://", message=_l("Give a full address starting with https://")),
        ],
    )
    texts = FieldList(
        FormField(CityTextForm),
        label=_l("Names and profiles in other languages"),
        min_entries=1,
        max_entries=12,
    )

    def validate_country(self, field: SelectField) -> None:
        """Accept only ISO 3166-1 alpha-2 codes."""
        if not rules.is_country_code(field.data or ""):
            raise ValidationError(
                _l("“%(code)s” is not an ISO 3166-1 country code.", code=field.data)
            )


class NewCityForm(CityForm):
    """Add a city: also its address and the date of its application."""

    slug = StringField(
        _l("Address (slug)"),
        filters=[strip],
        validators=[Optional(), Length(max=rules.SLUG_MAX_LENGTH)],
        description=_l(
            "Used in links, e.g. new-york. Left empty, it is made from the name. "
            "It cannot be changed later."
        ),
    )
    applied_on = DateField(_l("Application date"), validators=[InputRequired()])

    def validate_slug(self, field: StringField) -> None:
        """Check the slug's shape when one is given."""
        if field.data and not rules.is_valid_slug(field.data):
            raise ValidationError(
                _l("Use lowercase letters, digits and single hyphens, up to 64 characters.")
            )


class StatusForm(FlaskForm):
    """Move a city to another membership status."""

    status = SelectField(_l("New status"), validators=[DataRequired()])
    effective_on = DateField(_l("Effective date"), validators=[InputRequired()])
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(), Length(max=1000), NoControlCharacters()],
        description=_l("For example: the resolution or letter that decided it."),
    )

    def set_targets(self, current: MembershipStatus) -> None:
        """Offer only the statuses the city may move to from ``current``."""
        from network.common.enums import label

        self.status.choices = [
            SelectChoice(s.value, label(s)) for s in rules.allowed_targets(current)
        ]
