"""Reads of meetings."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from network.db import db
from network.meetings.models import Meeting, SessionDecision


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
