"""Forms for meetings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from network.common.enums import choices
from network.common.forms import NoControlCharacters, strip
from network.meetings.models import AgendaKind, DecisionMethod


class MeetingForm(FlaskForm):
    """Schedule or record a meeting."""

    title = StringField(
        _l("Title"),
        filters=[strip],
        validators=[DataRequired(), Length(max=200), NoControlCharacters()],
    )
    held_on = DateField(_l("Date"), validators=[InputRequired()])
    place = StringField(
        _l("Place"),
        filters=[strip],
        validators=[DataRequired(), Length(max=200), NoControlCharacters()],
    )


class AgendaItemForm(FlaskForm):
    """Add an agenda item."""

    kind = SelectField(_l("Kind"), choices=choices(AgendaKind), validators=[DataRequired()])
    title = StringField(
        _l("Title"),
        filters=[strip],
        validators=[DataRequired(), Length(max=200), NoControlCharacters()],
    )
    motion = SelectField(_l("Motion"), validate_choice=False, validators=[Optional()])


ROLL_CALL_CHOICES = [
    SelectChoice("", _l("Absent")),
    SelectChoice("yes", lazy_pgettext("ballot", "Yes")),
    SelectChoice("no", lazy_pgettext("ballot", "No")),
    SelectChoice("abstain", lazy_pgettext("ballot", "Abstain")),
]


class DecisionForm(FlaskForm):
    """Record a decision taken in the room; the roll call is one field per member city."""

    motion = SelectField(
        _l("Motion decided"),
        validate_choice=False,
        validators=[Optional()],
        description=_l("Leave empty for a decision without a motion."),
    )
    title = StringField(
        _l("Title"), filters=[strip], validators=[Length(max=200), NoControlCharacters()]
    )
    text = TextAreaField(
        _l("Text"), filters=[strip], validators=[Length(max=20000), NoControlCharacters()]
    )
    method = SelectField(
        _l("How it was decided"), choices=choices(DecisionMethod), validators=[DataRequired()]
    )
