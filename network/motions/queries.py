"""Reads of motions."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from network.cities.models import City
from network.db import db
from network.motions.models import Motion, MotionStatus


def motion(motion_id: int) -> Motion | None:
    """Return a motion with the people and cities around it (named in every language)."""
    return db.session.scalar(
        sa.select(Motion)
        .where(Motion.id == motion_id)
        .options(
            selectinload(Motion.proposer),
            selectinload(Motion.proposer_city).selectinload(City.texts),
            selectinload(Motion.seconder_city).selectinload(City.texts),
            selectinload(Motion.subject_city).selectinload(City.texts),
            selectinload(Motion.resolution),
            selectinload(Motion.charter_version),
            selectinload(Motion.translations),
        )
    )


def motions_statement() -> sa.Select[tuple[Motion]]:
    """Select every motion, newest first, with the proposing cities' names in every language."""
    return (
        sa.select(Motion)
        .options(
            selectinload(Motion.proposer_city).selectinload(City.texts),
            selectinload(Motion.translations),
        )
        .order_by(Motion.proposed_at.desc(), Motion.id.desc())
    )


def seconded_motions() -> list[Motion]:
    """Return the motions that can be put to a decision now."""
    return list(
        db.session.scalars(
            sa.select(Motion).where(Motion.status == MotionStatus.seconded).order_by(Motion.id)
        )
    )
