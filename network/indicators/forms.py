"""Forms of indicators: a definition, a collection to open, a city's value."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from network.cities.rules import is_language_tag
from network.common.enums import choices
from network.common.forms import NoControlCharacters, strip
from network.indicators import rules
from network.indicators.models import Direction, Unit
from network.practices.models import Pillar

# The languages an indicator's editor offers at first, English (required) first.
EDITOR_LANGUAGES = ("en", "ko", "fr", "es")


def upper(value: str | None) -> str | None:
    """Trim and capitalise a code typed in lower case (a WTForms filter)."""
    return value.strip().upper() if isinstance(value, str) else value


class PlainNumber:
    """Refuse text that is not a number written plainly (``rules.parse_amount``)."""

    def __call__(self, form: FlaskForm, field: StringField) -> None:
        """Raise when the field holds something other than a plain number."""
        if field.data and rules.parse_amount(field.data) is None:
            raise ValidationError(
                _l("Write a number with a point for decimals, e.g. 12.5, or leave it empty.")
            )


class IndicatorTextForm(Form):
    """An indicator's name and definition in one language (a column of the editor)."""

    language = StringField(_l("Language code"), filters=[strip], validators=[Length(max=16)])
    name = StringField(
        _l("Name"),
        filters=[strip],
        validators=[Length(max=rules.NAME_MAX_LENGTH), NoControlCharacters()],
    )
    definition = TextAreaField(
        _l("Definition"),
        filters=[strip],
        validators=[Length(max=rules.DEFINITION_MAX_LENGTH), NoControlCharacters()],
        description=_l("What is measured and how, in a few sentences."),
    )

    def is_blank(self) -> bool:
        """Tell whether the column was left without a name or a definition."""
        return not (self.name.data or self.definition.data)

    def validate_language(self, field: StringField) -> None:
        """Require a known language, a name and a definition whenever the column is used."""
        if self.is_blank():
            return
        if not field.data or not is_language_tag(field.data):
            raise ValidationError(_l("“%(tag)s” is not a language code.", tag=field.data or ""))
        if not self.name.data or not self.definition.data:
            raise ValidationError(_l("Give the name and the definition in this language."))


class IndicatorForm(FlaskForm):
    """Define an indicator, or change its definition."""

    code = StringField(
        _l("Code"),
        filters=[strip],
        validators=[DataRequired(), Length(max=64)],
        description=_l("Used in links and in the open data, e.g. real-living-wage."),
    )
    pillar = SelectField(_l("Pillar of decent work"), choices=choices(Pillar))
    unit = SelectField(_l("Unit"), choices=choices(Unit))
    currency = StringField(
        _l("Currency"),
        filters=[upper],
        validators=[Length(max=3)],
        description=_l("For an amount per hour only: its three-letter code, e.g. GBP."),
    )
    direction = SelectField(_l("Which values are better"), choices=choices(Direction))
    min_value = StringField(
        _l("Lowest valid value"),
        filters=[strip],
        validators=[Length(max=32), PlainNumber()],
        description=_l("Optional. Values below it are refused."),
    )
    max_value = StringField(
        _l("Highest valid value"),
        filters=[strip],
        validators=[Length(max=32), PlainNumber()],
        description=_l("Optional. Values above it are refused."),
    )
    texts = FieldList(FormField(IndicatorTextForm), min_entries=1, max_entries=8)


class CollectionForm(FlaskForm):
    """Open a yearly collection of values."""

    year = IntegerField(
        _l("Year"),
        validators=[InputRequired()],
        description=_l("The year of the collection, e.g. 2025."),
    )
    due_on = DateField(_l("Values due by"), validators=[InputRequired()])


class ValueForm(FlaskForm):
    """A city's value of one indicator for one year, saved as a draft."""

    year = IntegerField(
        _l("Year the value refers to"), validators=[InputRequired()], render_kw={"min": 1950}
    )
    amount = StringField(
        _l("Value"),
        filters=[strip],
        validators=[DataRequired(), Length(max=32)],
        description=_l("A number, with a point for decimals, e.g. 12.5."),
    )
    source = StringField(
        _l("Source"),
        filters=[strip],
        validators=[DataRequired(), Length(max=rules.SOURCE_MAX_LENGTH), NoControlCharacters()],
        description=_l("Who published the figure, and where, e.g. the city's labour survey."),
    )
    source_url = StringField(
        _l("Link to the source"),
        filters=[strip],
        validators=[Optional(), Length(max=500)],
        description=_l("Optional: a web address (http:// or https://)."),
    )
    reason = TextAreaField(
        _l("Why the published value is revised"),
        filters=[strip],
        validators=[Length(max=rules.REASON_MAX_LENGTH), NoControlCharacters()],
        description=_l(
            "Only for a value already published: required then, and published with the new version."
        ),
    )
