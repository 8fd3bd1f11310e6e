"""Reads of motions."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from network.cities.models import City
from network.db import db
from network.motions.models import Motion, MotionKind, MotionStatus


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


def api_statement(
    status: MotionStatus | None = None, kind: MotionKind | None = None
) -> sa.Select[tuple[Motion]]:
    """Select motions for the API, newest first, filtered by ``status`` and ``kind``.

    The cities around each motion come with their names in every language, and its
    translations and resolution, so a page of motions is a fixed number of statements.
    """
    statement = (
        sa.select(Motion)
        .options(
            selectinload(Motion.proposer_city).selectinload(City.texts),
            selectinload(Motion.seconder_city).selectinload(City.texts),
            selectinload(Motion.subject_city).selectinload(City.texts),
            selectinload(Motion.translations),
            selectinload(Motion.resolution),
        )
        .order_by(Motion.proposed_at.desc(), Motion.id.desc())
    )
    if status is not None:
        statement = statement.where(Motion.status == status)
    if kind is not None:
        statement = statement.where(Motion.kind == kind)
    return statement
