"""Forms for elections."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DateTimeLocalField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from network.common.enums import choices
from network.common.forms import NoControlCharacters, strip
from network.elections.models import Office
from network.votes.models import Secrecy


class ElectionForm(FlaskForm):
    """Open an election for an office and a term."""

    office = SelectField(_l("Office"), choices=choices(Office), validators=[DataRequired()])
    term_start = DateField(_l("Term starts"), validators=[InputRequired()])
    term_end = DateField(
        _l("Term ends"),
        validators=[Optional()],
        description=_l("Leave empty for the term the charter sets."),
    )
    nominations_close_at = DateTimeLocalField(
        _l("Nominations close at (UTC)"),
        validators=[Optional()],
        description=_l("Leave empty to close them by hand."),
    )


class NominationForm(FlaskForm):
    """Nominate a member city."""

    city = SelectField(_l("City"), validators=[DataRequired()])


class AnswerForm(FlaskForm):
    """Accept or decline a nomination."""

    answer = SelectField(
        _l("Answer"),
        choices=[SelectChoice("accept", _l("Accept")), SelectChoice("decline", _l("Decline"))],
        validators=[DataRequired()],
    )


class BallotOpeningForm(FlaskForm):
    """Open a round of balloting."""

    secrecy = SelectField(
        _l("Ballot"),
        choices=choices(Secrecy),
        default=Secrecy.secret.value,
        validators=[DataRequired()],
    )
    closes_at = DateTimeLocalField(
        _l("Closes at (UTC)"),
        validators=[Optional()],
        description=_l("Leave empty to close it by hand."),
    )


class DrawForm(FlaskForm):
    """Record a draw by lot: the tied cities in the order their lots came out."""

    order = StringField(
        _l("Order of the draw"),
        filters=[strip],
        validators=[DataRequired(), Length(max=500)],
        description=_l(
            "The tied cities' addresses (slugs), separated by commas, in the order "
            "their lots were drawn; the first drawn is favoured."
        ),
    )
    note = StringField(
        _l("How the lots were drawn"),
        filters=[strip],
        validators=[DataRequired(), Length(max=500), NoControlCharacters()],
    )
