"""Composed reads of the city registry."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import aliased, selectinload

from network.auth.models import Role, User
from network.cities.models import City, CityText, MembershipStatus, Region
from network.cities.rules import is_valid_slug, name_key
from network.db import db


@dataclass(frozen=True)
class DirectoryFilter:
    """The directory's filters; None means "any"."""

    region: Region | None = None
    country: str | None = None
    status: MembershipStatus | None = None
    q: str | None = None


def directory_statement(filters: DirectoryFilter) -> sa.Select[tuple[City]]:
    """Select cities matching the filters, by English name, with their texts loaded.

    ``q`` matches the English name or a name in any language, ignoring case.
    """
    statement = sa.select(City).options(selectinload(City.texts)).order_by(City.name)
    return _filtered(statement, filters)


class DirectoryRow(NamedTuple):
    """A city as the directory lists it: plain values, its name in the reader's language."""

    id: int
    slug: str
    name: str
    local_name: str | None  # in the reader's language, if the city has a name in it
    country: str
    region: Region
    status: MembershipStatus
    joined_on: date | None


def directory_count(filters: DirectoryFilter) -> int:
    """Count the cities matching the filters."""
    statement = _filtered(sa.select(sa.func.count()).select_from(City), filters)
    return db.session.scalar(statement) or 0


def directory_page(
    filters: DirectoryFilter, language: str, *, offset: int = 0, limit: int | None = None
) -> list[DirectoryRow]:
    """Return one page of the matching cities, by English name, as plain rows.

    The name in ``language`` comes from an outer join on the cities' texts: one query
    of rows, no objects and no second query for the texts (issue #19: the directory,
    uncached, spent a third of its time turning rows into objects).
    """
    local = aliased(CityText)
    statement = (
        sa.select(
            City.id,
            City.slug,
            City.name,
            sa.func.nullif(local.name, ""),
            City.country,
            City.region,
            City.status,
            City.joined_on,
        )
        .outerjoin(local, sa.and_(local.city_id == City.id, local.language == language))
        .order_by(City.name)
        .offset(offset)
        .limit(limit)
    )
    rows = db.session.execute(_filtered(statement, filters))
    return [DirectoryRow(*row) for row in rows]


def _filtered(statement: sa.Select, filters: DirectoryFilter) -> sa.Select:
    if filters.region is not None:
        statement = statement.where(City.region == filters.region)
    if filters.country:
        statement = statement.where(City.country == filters.country)
    if filters.status is not None:
        statement = statement.where(City.status == filters.status)
    if filters.q and (term := name_key(filters.q)):
        # Both sides folded alike (Unicode case folding, which SQLite's lower() lacks),
        # and no function called on every row of the table.
        other_names = sa.select(CityText.city_id).where(
            CityText.name_key.contains(term, autoescape=True)
        )
        statement = statement.where(
            sa.or_(City.name_key.contains(term, autoescape=True), City.id.in_(other_names))
        )
    return statement


EXPORT_COLUMNS = ("slug", "name", "country", "region", "status", "joined_on", "website")
LOCAL_NAME = "local_name"  # with ?lang=: the name in that language, after the English one


def directory_export_rows(
    filters: DirectoryFilter, batch: int = 500, *, language: str | None = None
) -> Iterator[sa.Row]:
    """Yield the export columns of the matching cities, fetched ``batch`` rows at a time.

    Plain rows, no objects, from one statement (a server-side cursor on PostgreSQL), so
    memory stays flat whatever the size of the directory. With ``language``, a
    ``local_name`` column names each city in it (else in English), from an outer join.
    """
    columns: list[Any] = [getattr(City, name) for name in EXPORT_COLUMNS]
    statement = sa.select(*columns)
    if language is not None:
        local = aliased(CityText)
        columns.insert(1 + EXPORT_COLUMNS.index("name"), local_name_column(local))
        statement = sa.select(*columns).outerjoin(
            local, sa.and_(local.city_id == City.id, local.language == language)
        )
    statement = _filtered(statement.order_by(City.name), filters)
    with db.session.execute(statement.execution_options(yield_per=batch)) as result:
        yield from result


def local_name_column(local: Any) -> Any:
    """Return the city's name from the outer-joined text ``local``, else its English name."""
    return sa.func.coalesce(local.name, City.name).label(LOCAL_NAME)


def countries_in_directory() -> list[str]:
    """Return the country codes that have at least one city, for the filter."""
    return list(db.session.scalars(sa.select(City.country).distinct().order_by(City.country)))


def city_by_slug(slug: str) -> City | None:
    """Return the city with this slug, its texts and history loaded (None for non-slugs)."""
    if not is_valid_slug(slug):
        return None
    return db.session.scalar(
        sa.select(City)
        .where(City.slug == slug)
        .options(selectinload(City.texts), selectinload(City.history))
    )


def delegates_of(city: City) -> list[User]:
    """Return the city's active delegates who have accepted their invitation, by name."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(
                User.city_id == city.id,
                User.role == Role.delegate,
                User.active.is_(True),
                User.password_hash.is_not(None),
            )
            .order_by(User.name)
        )
    )


def signers_of(city_id: int) -> list[User]:
    """Return the city's delegates who may sign declarations for it, by name."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(
                User.city_id == city_id,
                User.role == Role.delegate,
                User.signing_authority.is_(True),
                User.active.is_(True),
                User.password_hash.is_not(None),
            )
            .order_by(User.name)
        )
    )


def all_cities_for_choice() -> list[City]:
    """Return every city by name, with its names in other languages, for a select field."""
    return list(
        db.session.scalars(sa.select(City).options(selectinload(City.texts)).order_by(City.name))
    )


def members_in_good_standing() -> list[City]:
    """Return the member cities in good standing, by name."""
    return list(
        db.session.scalars(
            sa.select(City).where(City.status == MembershipStatus.member).order_by(City.name)
        )
    )


def status_counts() -> dict[MembershipStatus, int]:
    """Count cities by membership status."""
    rows = db.session.execute(sa.select(City.status, sa.func.count()).group_by(City.status))
    counts = dict.fromkeys(MembershipStatus, 0)
    counts.update({status: count for status, count in rows})
    return counts
