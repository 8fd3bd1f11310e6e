"""Forms for motions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from network.cities.rules import is_language_tag
from network.common.enums import choices
from network.common.forms import NoControlCharacters, strip
from network.motions.models import MotionKind
from network.votes.models import Secrecy


class MotionForm(FlaskForm):
    """Propose a motion."""

    title = StringField(
        _l("Title"),
        filters=[strip],
        validators=[DataRequired(), Length(max=200), NoControlCharacters()],
    )
    language = StringField(
        _l("Language of the motion"),
        filters=[strip],
        validators=[Length(max=16)],
        description=_l(
            "The language code of the title and text you write, e.g. en, ko, fr or es. "
            "This original text is authoritative; translations can be added later."
        ),
    )
    kind = SelectField(_l("Kind"), choices=choices(MotionKind), validators=[DataRequired()])
    text = TextAreaField(
        _l("Text"),
        filters=[strip],
        validators=[DataRequired(), Length(max=20000), NoControlCharacters()],
        description=_l("Markdown: *emphasis*, **strong**, lists, links. No HTML."),
    )
    city = SelectField(
        _l("City concerned"),
        validate_choice=False,
        description=_l("For an admission or a suspension only."),
    )
    charter_version = SelectField(
        _l("Charter draft"), validate_choice=False, description=_l("For a charter amendment only.")
    )

    def validate_language(self, field: StringField) -> None:
        """Accept a language code Babel knows (left empty: the interface language)."""
        if field.data and not is_language_tag(field.data):
            raise ValidationError(_l("“%(tag)s” is not a language code.", tag=field.data))


class MotionTextForm(Form):
    """A motion's title and text in one more language (a column of the translations form)."""

    language = StringField(
        _l("Language code"), filters=[strip], validators=[Length(max=16)]
    )  # no Optional(): validate_language must run
    title = StringField(
        _l("Title"), filters=[strip], validators=[Length(max=200), NoControlCharacters()]
    )
    text = TextAreaField(
        _l("Text"), filters=[strip], validators=[Length(max=20000), NoControlCharacters()]
    )

    def is_blank(self) -> bool:
        """Tell whether the column was left empty (a translation left empty is removed)."""
        return not any((self.language.data, self.title.data, self.text.data))

    def validate_language(self, field: StringField) -> None:
        """Require a known language, a title and a text whenever the column is used."""
        if self.is_blank():
            return
        if not field.data or not is_language_tag(field.data):
            raise ValidationError(_l("“%(tag)s” is not a language code.", tag=field.data or ""))
        if not self.title.data or not self.text.data:
            raise ValidationError(_l("Give the title and the text in this language."))


class MotionTranslationsForm(FlaskForm):
    """The translations of a motion, one column per language."""

    texts = FieldList(FormField(MotionTextForm), min_entries=1, max_entries=8)


class MotionVoteForm(FlaskForm):
    """Put a seconded motion to the vote."""

    secrecy = SelectField(
        _l("Ballot"),
        choices=choices(Secrecy),
        default=Secrecy.recorded.value,
        validators=[DataRequired()],
    )
    closes_at = DateTimeLocalField(
        _l("Closes at (UTC)"),
        validators=[Optional()],
        description=_l("Leave empty to close it by hand."),
    )
