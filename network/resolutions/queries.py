"""Reads of the register."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from network.cities.models import City
from network.db import db
from network.motions.models import Motion
from network.resolutions.models import Resolution, ResolutionKind

# The city an admission or suspension is about, named in every language it has.
WITH_CITY_NAMES = (
    selectinload(Resolution.motion).selectinload(Motion.subject_city).selectinload(City.texts)
)


def by_year_and_sequence(year: int, sequence: int) -> Resolution | None:
    """Return the resolution ``DWCN/RES/<year>/<sequence>``."""
    return db.session.scalar(
        sa.select(Resolution)
        .where(Resolution.year == year, Resolution.sequence == sequence)
        .options(WITH_CITY_NAMES)
    )


def register_statement(
    *, year: int | None, kind: ResolutionKind | None, q: str | None
) -> sa.Select[tuple[Resolution]]:
    """Select resolutions, newest first, filtered by year, kind and a search of the title."""
    statement = (
        sa.select(Resolution)
        .options(selectinload(Resolution.meeting), WITH_CITY_NAMES)
        .order_by(Resolution.adopted_on.desc(), Resolution.year.desc(), Resolution.sequence.desc())
    )
    if year is not None:
        statement = statement.where(Resolution.year == year)
    if kind is not None:
        statement = statement.where(Resolution.kind == kind)
    if q:
        statement = statement.where(
            sa.or_(
                Resolution.title.icontains(q, autoescape=True),
                Resolution.number.icontains(q, autoescape=True),
                Resolution.text.icontains(q, autoescape=True),
            )
        )
    return statement


def years() -> list[int]:
    """Return the years that have resolutions, latest first."""
    return list(
        db.session.scalars(sa.select(Resolution.year).distinct().order_by(Resolution.year.desc()))
    )


def latest(limit: int = 50) -> list[Resolution]:
    """Return the newest resolutions, for the feed, with the city each is about."""
    return list(
        db.session.scalars(
            sa.select(Resolution)
            .options(WITH_CITY_NAMES)
            .order_by(Resolution.created_at.desc())
            .limit(limit)
        )
    )
