"""Reads of meetings."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from network.charter.models import CharterVersion
from network.db import db
from network.meetings.models import Meeting, SessionDecision
from network.resolutions.models import Resolution


def meeting(meeting_id: int) -> Meeting | None:
    """Return a meeting with its agenda and decisions."""
    return db.session.scalar(
        sa.select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(
            selectinload(Meeting.items),
            selectinload(Meeting.decisions).selectinload(SessionDecision.resolution),
        )
    )


def meetings() -> list[Meeting]:
    """Return every meeting, latest first."""
    return list(db.session.scalars(sa.select(Meeting).order_by(Meeting.held_on.desc())))


def next_meeting(today: date) -> Meeting | None:
    """Return the first meeting held today or later, if one is planned."""
    return db.session.scalar(
        sa.select(Meeting)
        .where(Meeting.held_on >= today)
        .order_by(Meeting.held_on, Meeting.id)
        .limit(1)
    )


def meetings_statement() -> sa.Select[tuple[Meeting]]:
    """Select every meeting, latest first (the API's list)."""
    return sa.select(Meeting).order_by(Meeting.held_on.desc(), Meeting.id.desc())


def resolutions_adopted_at(meeting_id: int) -> list[Resolution]:
    """Return the resolutions a meeting adopted, in the order of the register."""
    return list(
        db.session.scalars(
            sa.select(Resolution)
            .where(Resolution.meeting_id == meeting_id)
            .order_by(Resolution.adopted_on, Resolution.year, Resolution.sequence)
        )
    )


def charter_version_numbers(meeting: Meeting) -> dict[int, int]:
    """Return the numbers of the charter versions a meeting's agenda points at, by id."""
    ids = {item.charter_version_id for item in meeting.items if item.charter_version_id}
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(CharterVersion.id, CharterVersion.number).where(CharterVersion.id.in_(ids))
    )
    return dict(rows.tuples().all())
