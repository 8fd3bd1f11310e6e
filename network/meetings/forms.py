"""Forms for meetings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from network.common.enums import choices
from network.common.forms import NoControlCharacters, strip
from network.meetings.models import DEFAULT_TIME_ZONE, AgendaKind, DecisionMethod, MeetingMode
from network.meetings.rules import is_time_zone, is_web_address, local_moment
from network.votes.models import Secrecy

# What a browser's date-and-time field sends (with or without seconds).
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


class MeetingForm(FlaskForm):
    """Convene a meeting: its times in its own zone, where it is held, and how."""

    title = StringField(
        _l("Title"),
        filters=[strip],
        validators=[DataRequired(), Length(max=200), NoControlCharacters()],
    )
    time_zone = StringField(
        _l("Time zone"),
        default=DEFAULT_TIME_ZONE,
        filters=[strip],
        validators=[DataRequired(), Length(max=64)],
        description=_l(
            "Where the meeting is held, as a time zone name such as Asia/Seoul, "
            "Europe/Paris or America/New_York. The times below are in this zone."
        ),
    )
    starts_at = DateTimeLocalField(
        _l("Starts"),
        format=LOCAL_FORMATS,
        validators=[InputRequired()],
        description=_l("Date and time in the meeting's time zone."),
    )
    ends_at = DateTimeLocalField(
        _l("Ends"),
        format=LOCAL_FORMATS,
        validators=[InputRequired()],
        description=_l("Date and time in the meeting's time zone."),
    )
    mode = SelectField(
        _l("How cities take part"),
        choices=choices(MeetingMode),
        default=MeetingMode.in_person.value,
        validators=[DataRequired()],
    )
    place = StringField(
        _l("Venue"),
        filters=[strip],
        validators=[Length(max=200), NoControlCharacters()],
        description=_l("Needed unless the meeting is held only online."),
    )
    online_url = StringField(
        _l("Link to follow online"),
        filters=[strip],
        validators=[Length(max=500), NoControlCharacters()],
        description=_l(
            "Needed for a meeting online or in person and online. Shown only to "
            "signed-in people and in their private calendars, never published."
        ),
    )

    def validate_time_zone(self, field: StringField) -> None:
        """Refuse a name that is not an IANA time zone."""
        if not is_time_zone(field.data or ""):
            raise ValidationError(
                _("This is not a time zone. Use a name such as Asia/Seoul or Europe/Paris.")
            )

    def validate_mode(self, field: SelectField) -> None:
        """Refuse a mode that is not one of the list."""
        if field.data not in {mode.value for mode in MeetingMode}:
            raise ValidationError(_("Choose one of the list."))

    def validate(self, extra_validators: Any = None) -> bool:
        """Check the fields, then that they agree: times, venue and link."""
        valid = super().validate(extra_validators)
        zone = self.time_zone.data if not self.time_zone.errors else None
        starts = self._moment(self.starts_at, zone)
        ends = self._moment(self.ends_at, zone)
        if starts is not None and ends is not None and ends <= starts:
            self.ends_at.errors = [*self.ends_at.errors, _("The meeting must end after it starts.")]
        mode = self.mode.data
        if mode in {MeetingMode.online.value, MeetingMode.hybrid.value}:
            if not self.online_url.data:
                self.online_url.errors = [
                    *self.online_url.errors,
                    _("A meeting followed online needs the link to follow it."),
                ]
            elif not is_web_address(self.online_url.data):
                self.online_url.errors = [
                    *self.online_url.errors,
                    _("The link must be a web address starting with https:// or http://."),
                ]
        if mode != MeetingMode.online.value and not self.place.data:
            self.place.errors = [*self.place.errors, _("Say where the meeting is held.")]
        return valid and not any(field.errors for field in self)

    @staticmethod
    def _moment(field: DateTimeLocalField, zone: str | None) -> datetime | None:
        """Return the moment a wall-clock field names in ``zone`` (noting a skipped time)."""
        if zone is None or field.errors or field.data is None:
            return None
        moment = local_moment(field.data, zone)
        if moment is None:
            field.errors = [
                *field.errors,
                _("This time does not exist in that time zone: the clocks change then."),
            ]
        return moment

    def moments(self) -> tuple[datetime, datetime]:
        """Return the start and the end (UTC) of a validated form."""
        starts = local_moment(self.starts_at.data, self.time_zone.data)
        ends = local_moment(self.ends_at.data, self.time_zone.data)
        if starts is None or ends is None:
            raise ValueError("moments() of a form that did not validate")
        return starts, ends


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


class SessionVoteForm(FlaskForm):
    """Open the current item's vote in session: recorded (a roll call) or secret."""

    secrecy = SelectField(
        _l("Ballot"),
        choices=choices(Secrecy),
        default=Secrecy.recorded.value,
        validators=[DataRequired()],
        description=_l(
            "A vote already open on this subject is taken up as it is. Elections are "
            "usually secret."
        ),
    )

    def validate_secrecy(self, field: SelectField) -> None:
        """Refuse a kind of ballot that is not one of the list."""
        if field.data not in {secrecy.value for secrecy in Secrecy}:
            raise ValidationError(_("Choose one of the list."))
