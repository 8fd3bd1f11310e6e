"""Forms for attendance (one row per member city) and for giving a city's proxy."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectField, SelectMultipleField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from network.auth.models import User
from network.cities.models import City
from network.common.errors import InvalidInput
from network.meetings.attendance import Presence
from network.meetings.models import AttendanceMode

ABSENT = ""


class AttendanceForm(FlaskForm):
    """The attendance of the cities listed: one mode and delegates field per city.

    ``cities`` lists the ids of the cities the page showed, so a save changes only them
    (a city admitted meanwhile is left as it was) and an empty submission changes nothing.
    """

    cities = HiddenField(validators=[DataRequired(), Length(max=200_000)])
    city_ids: Sequence[int] = ()

    def shown_ids(self) -> list[int] | None:
        """Return the ids of the cities the page showed, or None if the list was tampered."""
        try:
            ids = [int(part) for part in (self.cities.data or "").split(",") if part]
        except ValueError:
            return None
        known = set(self.city_ids)
        return ids if ids and all(city_id in known for city_id in ids) else None

    def presences(self, ids: Sequence[int]) -> dict[int, Presence | None]:
        """Return what the form says of each city shown: absent, or how and by whom.

        The service checks that each representative is a delegate of the city.

        :raises InvalidInput: for a representative that is not an account's number.
        """
        result: dict[int, Presence | None] = {}
        for city_id in ids:
            mode = self[f"mode_{city_id}"].data or ABSENT
            if mode == ABSENT:
                result[city_id] = None
                continue
            chosen = self[f"delegates_{city_id}"].data or []
            if not all(value.isdigit() and len(value) < 10 for value in chosen):
                raise InvalidInput(_("Choose the representatives from the list."))
            result[city_id] = Presence(
                mode=AttendanceMode(mode), delegate_ids=tuple(int(value) for value in chosen)
            )
        return result


MODE_CHOICES = [
    SelectChoice(ABSENT, _l("Absent")),
    SelectChoice(AttendanceMode.in_room.value, _l("In the room")),
    SelectChoice(AttendanceMode.online.value, _l("Online")),
]


def attendance_form(cities: Sequence[City], delegates: dict[int, list[User]]) -> AttendanceForm:
    """Build the attendance form for these cities and their delegates."""

    class Form(AttendanceForm):
        city_ids = [city.id for city in cities]

    for city in cities:
        setattr(
            Form,
            f"mode_{city.id}",
            SelectField(_l("How %(city)s attends", city=city.name), choices=MODE_CHOICES),
        )
        setattr(
            Form,
            f"delegates_{city.id}",
            SelectMultipleField(
                _l("Represented by"),
                choices=[SelectChoice(str(user.id), user.name) for user in delegates[city.id]],
                # Checked by the service, which says which city a stray delegate is not of.
                validate_choice=False,
                widget=ListWidget(prefix_label=False),
                option_widget=CheckboxInput(),
            ),
        )
    return Form()


class ProxyForm(FlaskForm):
    """Give one's city's proxy for a meeting to another member city."""

    holder = SelectField(
        _l("Give our proxy to"),
        validate_choice=False,
        validators=[DataRequired(message=_l("Choose the city that will hold the proxy."))],
        description=_l(
            "A member city that will be present. Its delegates vote for your city in the "
            "meeting's votes; you can revoke the proxy until the meeting opens."
        ),
    )
