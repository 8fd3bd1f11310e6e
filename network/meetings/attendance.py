"""Attendance at a meeting: who is present, who represents them, and the quorum in the room.

The secretariat records, while a meeting is convened or in session, which member cities
are present (in the room or online) and which of their delegates represent them; each
save is one audit entry listing what changed. Decisions taken in the room take their
quorum from it: the cities present, and the absent cities whose proxy a city present
holds (meetings/proxies.py), against the charter's quorum of the member cities.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from network.audit.services import record
from network.auth.models import Role, User
from network.charter.queries import rules_in_force
from network.cities.models import City, MembershipStatus
from network.common.errors import Conflict, InvalidInput
from network.db import db
from network.meetings.attendance_rules import SessionQuorum, counted_proxies, session_quorum
from network.meetings.models import (
    Attendance,
    AttendanceDelegate,
    AttendanceMode,
    Meeting,
    MeetingStatus,
    Proxy,
)

# While attendance can be recorded: before the meeting opens and during it.
EDITABLE = frozenset({MeetingStatus.convened, MeetingStatus.in_session})
# From when the public page lists who attended.
PUBLISHED = frozenset(
    {MeetingStatus.in_session, MeetingStatus.adjourned, MeetingStatus.minutes_approved}
)


@dataclass(frozen=True)
class Presence:
    """What the secretariat says of one city: how it attends and who represents it."""

    mode: AttendanceMode
    delegate_ids: tuple[int, ...] = ()


def is_editable(meeting: Meeting) -> bool:
    """Tell whether the meeting's attendance may still be changed."""
    return meeting.status in EDITABLE


def is_published(meeting: Meeting) -> bool:
    """Tell whether the meeting's public page lists its attendance."""
    return meeting.status in PUBLISHED


def lock_meeting(meeting: Meeting, *, shared: bool) -> Meeting:
    """Lock the meeting's row and re-read it (shared to use a proxy, exclusive to change).

    Attendance, grants and revocations take it exclusively, a ballot by proxy shares
    it: a proxy is never used while its giver is being recorded present, nor two
    proxies granted to one holder past the charter's limit (SQLite serialises writers).
    """
    return db.session.execute(
        sa.select(Meeting)
        .where(Meeting.id == meeting.id)
        .with_for_update(read=shared)
        .execution_options(populate_existing=True)
    ).scalar_one()


def attendance_of(meeting: Meeting) -> list[Attendance]:
    """Return the cities present at a meeting, by name, with their delegates."""
    return list(
        db.session.scalars(
            sa.select(Attendance)
            .join(City, City.id == Attendance.city_id)
            .where(Attendance.meeting_id == meeting.id)
            .order_by(City.name, City.id)
            .options(
                selectinload(Attendance.city).selectinload(City.texts),
                selectinload(Attendance.delegates).selectinload(AttendanceDelegate.user),
            )
        )
    )


def present_city_ids(meeting: Meeting) -> set[int]:
    """Return the ids of the cities recorded present."""
    return set(
        db.session.scalars(sa.select(Attendance.city_id).where(Attendance.meeting_id == meeting.id))
    )


def proxies_in_force(meeting: Meeting) -> dict[int, int]:
    """Return giving city id → holding city id of the meeting's proxies not revoked."""
    rows = db.session.execute(
        sa.select(Proxy.giver_id, Proxy.holder_id).where(
            Proxy.meeting_id == meeting.id, Proxy.revoked_at.is_(None)
        )
    )
    return dict(rows.tuples().all())


def member_ids() -> set[int]:
    """Return the ids of the member cities in good standing."""
    return set(db.session.scalars(sa.select(City.id).where(City.status == MembershipStatus.member)))


def quorum_of(meeting: Meeting) -> SessionQuorum:
    """Count who is present or represented at a meeting against the charter's quorum now."""
    rules, _source, _version = rules_in_force()
    return session_quorum(
        members=member_ids(),
        present=present_city_ids(meeting),
        proxies=proxies_in_force(meeting),
        fraction=rules.quorum,
    )


def delegates_by_city(city_ids: Sequence[int]) -> dict[int, list[User]]:
    """Return each city's delegates (active accounts), by name, for the attendance form."""
    found: dict[int, list[User]] = {city_id: [] for city_id in city_ids}
    if not city_ids:
        return found
    users = db.session.scalars(
        sa.select(User)
        .where(User.role == Role.delegate, User.active.is_(True), User.city_id.in_(city_ids))
        .order_by(User.name, User.id)
    )
    for user in users:
        found[user.city_id].append(user)
    return found


def record_attendance(
    meeting: Meeting,
    presences: Mapping[int, Presence | None],
    *,
    actor: User,
    now: datetime,
) -> list[dict[str, object]]:
    """Record which cities are present and who represents them; one audit entry.

    Cities not named in ``presences`` keep what was recorded for them.

    :param presences: city id → how it attends, or None for a city absent.
    :return: the changes made (city, mode or None, delegates); empty when nothing changed.
    :raises Conflict: when the meeting is adjourned or its minutes approved.
    :raises InvalidInput: for a city that is not a member in good standing, or a
        representative who is not a delegate of that city.
    """
    meeting = lock_meeting(meeting, shared=False)
    if not is_editable(meeting):
        raise Conflict(
            _("Attendance can be changed only while the meeting is convened or in session.")
        )
    cities = {
        city.id: city
        for city in db.session.scalars(sa.select(City).where(City.id.in_(list(presences))))
    }
    for city_id, presence in presences.items():
        city = cities.get(city_id)
        if city is None or (presence is not None and not city.is_in_good_standing):
            raise InvalidInput(
                _("Only member cities in good standing can be recorded present."), field="cities"
            )
    delegates = delegates_by_city(list(cities))
    existing = {
        row.city_id: row
        for row in db.session.scalars(
            sa.select(Attendance)
            .where(Attendance.meeting_id == meeting.id)
            .options(selectinload(Attendance.delegates))
        )
    }
    changes: list[dict[str, object]] = []
    for city_id, presence in sorted(presences.items(), key=lambda item: cities[item[0]].name):
        city, row = cities[city_id], existing.get(city_id)
        if presence is None:
            if row is not None:
                db.session.delete(row)
                changes.append({"city": city.slug, "mode": None, "delegates": []})
            continue
        allowed = {user.id: user for user in delegates[city_id]}
        wanted = sorted(set(presence.delegate_ids))
        if any(user_id not in allowed for user_id in wanted):
            raise InvalidInput(
                _("%(city)s is represented only by its own delegates.", city=city.name),
                field="cities",
            )
        if row is not None and row.mode is presence.mode:
            if sorted(d.user_id for d in row.delegates) == wanted:
                continue
        if row is None:
            row = Attendance(meeting_id=meeting.id, city_id=city_id, mode=presence.mode)
            db.session.add(row)
        row.mode = presence.mode
        row.recorded_at = now
        row.recorded_by_id = actor.id
        kept = [d for d in row.delegates if d.user_id in wanted]
        had = {d.user_id for d in kept}
        row.delegates = kept + [
            AttendanceDelegate(user_id=user_id) for user_id in wanted if user_id not in had
        ]
        changes.append(
            {
                "city": city.slug,
                "mode": presence.mode.value,
                "delegates": [allowed[user_id].name for user_id in wanted],
            }
        )
    if not changes:
        return changes
    db.session.flush()
    record(
        "meeting.attendance_recorded",
        subject=("meeting", meeting.id),
        actor=actor,
        now=now,
        data={"changes": changes, "present": _present_slugs(meeting)},
    )
    return changes


def _present_slugs(meeting: Meeting) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(City.slug)
            .join(Attendance, Attendance.city_id == City.id)
            .where(Attendance.meeting_id == meeting.id)
            .order_by(City.slug)
        )
    )


def represented_city_slugs(meeting: Meeting) -> set[str]:
    """Return the slugs of the member cities present or represented by a proxy that counts."""
    members = member_ids()
    present = present_city_ids(meeting) & members
    counted = counted_proxies(proxies_in_force(meeting), present, members)
    ids = present | set(counted)
    if not ids:
        return set()
    return set(db.session.scalars(sa.select(City.slug).where(City.id.in_(ids))))
