"""Forms of practices: the editor, the publish and feature buttons."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from network.cities.rules import is_language_tag
from network.common.enums import choices
from network.common.forms import NoControlCharacters, strip
from network.practices.models import Instrument, Pillar, PracticeStatus


class PracticeTextForm(Form):
    """A practice's text in one language (a column of the editor)."""

    language = StringField(_l("Language code"), filters=[strip], validators=[Length(max=16)])
    title = StringField(
        _l("Title"), filters=[strip], validators=[Length(max=300), NoControlCharacters()]
    )
    summary = TextAreaField(
        _l("Summary"),
        filters=[strip],
        validators=[Length(max=2000), NoControlCharacters()],
        description=_l("A few sentences, shown in the library."),
    )
    body = TextAreaField(
        _l("Full text"), filters=[strip], validators=[Length(max=50000), NoControlCharacters()]
    )

    def is_blank(self) -> bool:
        """Tell whether the column was left empty."""
        return not any((self.language.data, self.title.data, self.summary.data, self.body.data))

    def validate_language(self, field: StringField) -> None:
        """Require a known language, a title and a summary whenever the column is used."""
        if self.is_blank():
            return
        if not field.data or not is_language_tag(field.data):
            raise ValidationError(_l("“%(tag)s” is not a language code.", tag=field.data or ""))
        if not self.title.data or not self.summary.data:
            raise ValidationError(_l("Give the title and the summary in this language."))


class PracticeForm(FlaskForm):
    """Draft or change a practice."""

    slug = StringField(
        _l("Address (slug)"),
        filters=[strip],
        validators=[DataRequired(), Length(max=64)],
        description=_l("Used in links, e.g. hamburg-procurement-law."),
    )
    authoritative_language = StringField(
        _l("Authoritative language"),
        filters=[strip],
        validators=[DataRequired(), Length(max=16)],
        description=_l("The language code of the text that prevails, e.g. en or ko."),
    )
    pillars = SelectMultipleField(
        _l("Pillars of decent work"),
        choices=choices(Pillar),
        validators=[DataRequired(_l("Choose at least one pillar of decent work."))],
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
    )
    instrument = SelectField(_l("Instrument"), choices=choices(Instrument))
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice("", _l("Not stated")), *choices(PracticeStatus)],
        validators=[Optional()],
    )
    started_on = DateField(_l("Start date"), validators=[Optional()])
    links = TextAreaField(
        _l("Links"),
        filters=[strip],
        validators=[Length(max=5000), NoControlCharacters()],
        description=_l("One web address per line (http:// or https://)."),
    )
    texts = FieldList(FormField(PracticeTextForm), min_entries=2, max_entries=8)

    def link_list(self) -> list[str]:
        """Return the links, one per line, blank lines left out."""
        return [line.strip() for line in (self.links.data or "").splitlines() if line.strip()]
