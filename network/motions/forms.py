"""Forms for motions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

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
