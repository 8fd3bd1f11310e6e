"""Attendance and proxies in a meeting's minutes: the record's sections of their own.

The minutes' record (``minutes.record_of``) takes extra sections from
``minutes.RECORD_SECTIONS``; this module adds two, frozen with the record when the
council approves the minutes:

- ``attendance``: each city recorded present, by name, how it attended (in the room or
  online) and the delegates who represented it;
- ``proxies``: each proxy in force, the city that gave it and the city that held it
  (revoked proxies are not part of what happened at the meeting).

A meeting without attendance or proxies adds nothing (the record says only what is
known). Each section is one query of plain rows; ``templates/meetings/_minutes_<name>.html``
shows it.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from network.auth.models import User
from network.cities.models import City
from network.db import db
from network.meetings.minutes import RECORD_SECTIONS
from network.meetings.models import Attendance, AttendanceDelegate, Meeting, Proxy


def attendance_section(meeting: Meeting) -> tuple[str, Any] | None:
    """Return ``("attendance", [...])``: the cities present, by name, with their delegates."""
    rows = db.session.execute(
        sa.select(City.slug, City.name, Attendance.mode, User.name)
        .join(City, City.id == Attendance.city_id)
        .outerjoin(AttendanceDelegate, AttendanceDelegate.attendance_id == Attendance.id)
        .outerjoin(User, User.id == AttendanceDelegate.user_id)
        .where(Attendance.meeting_id == meeting.id)
        .order_by(City.name, City.id, User.name, User.id)
    ).all()
    if not rows:
        return None
    present: dict[str, dict[str, Any]] = {}
    for slug, name, mode, delegate in rows:
        entry = present.setdefault(
            slug, {"city": slug, "city_name": name, "mode": mode.value, "delegates": []}
        )
        if delegate is not None:
            entry["delegates"].append(delegate)
    return "attendance", list(present.values())


def proxies_section(meeting: Meeting) -> tuple[str, Any] | None:
    """Return ``("proxies", [...])``: each proxy in force, who gave it and who held it."""
    giver, holder = aliased(City), aliased(City)
    rows = db.session.execute(
        sa.select(giver.slug, giver.name, holder.slug, holder.name)
        .select_from(Proxy)
        .join(giver, giver.id == Proxy.giver_id)
        .join(holder, holder.id == Proxy.holder_id)
        .where(Proxy.meeting_id == meeting.id, Proxy.revoked_at.is_(None))
        .order_by(giver.name, giver.id)
    ).all()
    if not rows:
        return None
    return "proxies", [
        {"giver": g_slug, "giver_name": g_name, "holder": h_slug, "holder_name": h_name}
        for g_slug, g_name, h_slug, h_name in rows
    ]


def register() -> None:
    """Add the two sections to the minutes' record (once, whoever calls it)."""
    for section in (attendance_section, proxies_section):
        if section not in RECORD_SECTIONS:
            RECORD_SECTIONS.append(section)


register()
