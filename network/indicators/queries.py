"""Reads of indicators: definitions, collections, published values for charts and exports.

The public reads only the current versions (``ValueVersion.is_current``: the latest
published of each value); a city's drafts are read for its delegates and the secretariat.
"""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from network.cities.models import City
from network.cities.rules import is_valid_slug
from network.db import db
from network.indicators.models import (
    Collection,
    Indicator,
    IndicatorValue,
    ValueVersion,
)


def indicators() -> list[Indicator]:
    """Return every indicator with its texts, by pillar then code."""
    return list(
        db.session.scalars(
            sa.select(Indicator)
            .options(selectinload(Indicator.texts))
            .order_by(Indicator.pillar, Indicator.code)
        )
    )


def indicators_statement() -> sa.Select[tuple[Indicator]]:
    """Select every indicator with its texts, by code (the API, the archive)."""
    return sa.select(Indicator).options(selectinload(Indicator.texts)).order_by(Indicator.code)


def indicator(code: str) -> Indicator | None:
    """Return the indicator of this code with its texts (None for an unknown or bad code)."""
    if not is_valid_slug(code):
        return None
    return db.session.scalar(
        sa.select(Indicator).where(Indicator.code == code).options(selectinload(Indicator.texts))
    )


def city(slug: str) -> City | None:
    """Return the city of this slug (None for an unknown or bad one)."""
    if not is_valid_slug(slug):
        return None
    return db.session.scalar(sa.select(City).where(City.slug == slug))


def collections() -> list[Collection]:
    """Return every collection, the latest year first."""
    return list(
        db.session.scalars(
            sa.select(Collection).order_by(Collection.year.desc(), Collection.opened_at.desc())
        )
    )


def collection(collection_id: int) -> Collection | None:
    """Return one collection."""
    return db.session.get(Collection, collection_id)


def open_collection() -> Collection | None:
    """Return the open collection of the latest year, if any: where values are entered."""
    return db.session.scalar(
        sa.select(Collection)
        .where(Collection.closed_at.is_(None))
        .order_by(Collection.year.desc())
        .limit(1)
    )


def value(indicator_id: int, city_id: int, year: int) -> IndicatorValue | None:
    """Return a city's value of an indicator for a year, with every version."""
    return db.session.scalar(
        sa.select(IndicatorValue)
        .where(
            IndicatorValue.indicator_id == indicator_id,
            IndicatorValue.city_id == city_id,
            IndicatorValue.year == year,
        )
        .options(selectinload(IndicatorValue.versions).selectinload(ValueVersion.collection))
    )


def values_of_city(city_id: int) -> list[IndicatorValue]:
    """Return a city's values of every indicator, every version loaded, by year."""
    return list(
        db.session.scalars(
            sa.select(IndicatorValue)
            .where(IndicatorValue.city_id == city_id)
            .options(
                selectinload(IndicatorValue.versions).selectinload(ValueVersion.collection),
                selectinload(IndicatorValue.indicator).selectinload(Indicator.texts),
            )
            .order_by(IndicatorValue.indicator_id, IndicatorValue.year)
        )
    )


def published_statement(
    *, indicator_id: int | None = None, city_slug: str | None = None, year: int | None = None
) -> sa.Select[tuple[ValueVersion]]:
    """Select the current published versions, filtered; by indicator, year, city.

    The indicator (with its texts) and the city (with its names) come along.
    """
    statement = (
        sa.select(ValueVersion)
        .join(ValueVersion.value)
        .join(IndicatorValue.indicator)
        .join(IndicatorValue.city)
        .where(ValueVersion.is_current)
        .options(
            contains_eager(ValueVersion.value)
            .contains_eager(IndicatorValue.indicator)
            .selectinload(Indicator.texts),
            contains_eager(ValueVersion.value)
            .contains_eager(IndicatorValue.city)
            .selectinload(City.texts),
            joinedload(ValueVersion.collection),
        )
        .order_by(Indicator.code, IndicatorValue.year, City.name, City.id)
    )
    if indicator_id is not None:
        statement = statement.where(IndicatorValue.indicator_id == indicator_id)
    if city_slug is not None:
        statement = statement.where(City.slug == city_slug)
    if year is not None:
        statement = statement.where(IndicatorValue.year == year)
    return statement


def published(
    *, indicator_id: int | None = None, city_slug: str | None = None, year: int | None = None
) -> list[ValueVersion]:
    """Return the current published versions, filtered (``published_statement``)."""
    return list(
        db.session.scalars(
            published_statement(indicator_id=indicator_id, city_slug=city_slug, year=year)
        )
    )


def published_in_batches(size: int = 500) -> Iterator[ValueVersion]:
    """Yield every current published version, a batch at a time (the archive, the CSV)."""
    offset = 0
    statement = published_statement()
    while True:
        batch = list(db.session.scalars(statement.offset(offset).limit(size)))
        yield from batch
        if len(batch) < size:
            return
        offset += size


def published_years(indicator_id: int) -> list[int]:
    """Return the years for which a city published a value of the indicator, latest first."""
    return list(
        db.session.scalars(
            sa.select(IndicatorValue.year)
            .join(ValueVersion, ValueVersion.value_id == IndicatorValue.id)
            .where(IndicatorValue.indicator_id == indicator_id, ValueVersion.is_current)
            .group_by(IndicatorValue.year)
            .order_by(IndicatorValue.year.desc())
        )
    )


def latest_published_years() -> dict[int, int]:
    """Return, for each indicator with published values, its latest year (one statement)."""
    statement = (
        sa.select(IndicatorValue.indicator_id, sa.func.max(IndicatorValue.year))
        .join(ValueVersion, ValueVersion.value_id == IndicatorValue.id)
        .where(ValueVersion.is_current)
        .group_by(IndicatorValue.indicator_id)
    )
    return {indicator_id: year for indicator_id, year in db.session.execute(statement)}


def published_total() -> int:
    """Count the current published versions (the archive's count)."""
    return (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(ValueVersion).where(ValueVersion.is_current)
        )
        or 0
    )
