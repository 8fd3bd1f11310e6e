"""Reads of practices: the library's search, a practice, a city's practices, the feed."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from network.cities.models import City, CityText, Region
from network.cities.rules import is_valid_slug, name_key
from network.common.pagination import PageRequest, Window
from network.db import db
from network.practices import search as fulltext
from network.practices.models import Instrument, Pillar, Practice, PracticePillar


@dataclass(frozen=True)
class PracticeFilter:
    """The library's filters; None means "any"."""

    pillar: Pillar | None = None
    instrument: Instrument | None = None
    region: Region | None = None
    city: str | None = None  # a city's slug


def _loaded(statement: sa.Select) -> sa.Select:
    return statement.options(
        selectinload(Practice.texts),
        selectinload(Practice.pillar_rows),
        selectinload(Practice.city).selectinload(City.texts),
    )


def search_statement(
    query: str | None, filters: PracticeFilter, *, walking: bool = False
) -> sa.Select[tuple[Practice]]:
    """Select the published practices matching ``query`` and the filters.

    Featured practices first, then the newest published. ``query`` is searched in every
    language at once (``search.matches``: PostgreSQL full-text search or SQLite FTS5);
    ``walking`` when only a page is read (``search.matches`` says why).
    """
    statement = sa.select(Practice).where(Practice.published_at.is_not(None))
    if filters.pillar is not None:
        statement = statement.where(
            Practice.id.in_(
                sa.select(PracticePillar.practice_id).where(PracticePillar.pillar == filters.pillar)
            )
        )
    if filters.instrument is not None:
        statement = statement.where(Practice.instrument == filters.instrument)
    if filters.region is not None or filters.city:
        statement = statement.join(City, Practice.city_id == City.id)
        if filters.region is not None:
            statement = statement.where(City.region == filters.region)
        if filters.city:
            statement = statement.where(City.slug == filters.city)
    statement = statement.where(fulltext.matches(fulltext.words(query), walking=walking))
    return _loaded(
        statement.order_by(
            Practice.featured.desc(), Practice.published_at.desc(), Practice.id.desc()
        )
    )


# From this many matches a page walks the library's order rather than sort them all:
# at 65,000 practices, sorting 1,000 matches costs what walking the index to its end does.
WALK_FROM = 1000


def search(query: str | None, filters: PracticeFilter, page: PageRequest) -> Window:
    """Return one page of the published practices matching ``query`` and ``filters``.

    The one search of the library, the API and the tests, whatever the database. The
    matches are counted by fetching each by its key; then a page of many matches walks
    the index of the library's order and stops at its end, and a page of few is read by
    their keys and sorted (``search.matches`` says why).
    """
    counted = search_statement(query, filters).order_by(None)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(counted.subquery()))
    statement = search_statement(query, filters, walking=(total or 0) > WALK_FROM)

    def rows(*, offset: int, limit: int) -> list[Practice]:
        return list(db.session.scalars(statement.offset(offset).limit(limit)))

    return Window.read(page, total or 0, rows)


def practice(slug: str) -> Practice | None:
    """Return a practice (draft or published) with its texts, pillars and city."""
    if not is_valid_slug(slug):
        return None
    return db.session.scalar(_loaded(sa.select(Practice).where(Practice.slug == slug)))


def published_by_city(city_id: int) -> list[Practice]:
    """Return a city's published practices, newest first, with their texts (one statement).

    For the city's page, which names them and has a bound on its statements.
    """
    return list(
        db.session.scalars(
            sa.select(Practice)
            .where(Practice.city_id == city_id, Practice.published_at.is_not(None))
            .options(joinedload(Practice.texts))
            .order_by(Practice.published_at.desc(), Practice.id.desc())
        ).unique()
    )


def drafts_of(city_id: int) -> list[Practice]:
    """Return a city's drafts, latest changed first (for its delegates)."""
    return list(
        db.session.scalars(
            _loaded(
                sa.select(Practice)
                .where(Practice.city_id == city_id, Practice.published_at.is_(None))
                .order_by(Practice.updated_at.desc(), Practice.id.desc())
            )
        )
    )


def latest_published(limit: int = 50) -> list[Practice]:
    """Return the practices published last, newest first (the Atom feed)."""
    return list(
        db.session.scalars(
            _loaded(
                sa.select(Practice)
                .where(Practice.published_at.is_not(None))
                .order_by(Practice.published_at.desc(), Practice.id.desc())
                .limit(limit)
            )
        )
    )


# Up to this many cities with practices, the library's city filter is a list to choose
# from; beyond it (13,000 member cities) a list would weigh more than the page and take
# seconds to build, so the filter is a field where the city's name is typed.
CITY_CHOICES = 100


def cities_with_practices() -> list[City] | None:
    """Return the cities that have published practices, by name; None when too many to list.

    The distinct cities are counted no further than ``CITY_CHOICES`` + 1 (the index on
    the practices' city stops there), so the answer is quick whatever the library's size.
    """
    ids = db.session.scalars(
        sa.select(Practice.city_id)
        .where(Practice.published_at.is_not(None))
        .distinct()
        .limit(CITY_CHOICES + 1)
    ).all()
    if len(ids) > CITY_CHOICES:
        return None
    return list(
        db.session.scalars(
            sa.select(City)
            .where(City.id.in_(ids))
            .options(selectinload(City.texts))
            .order_by(City.name)
        )
    )


def city_slug_named(typed: str) -> str:
    """Return the address of the city ``typed`` names, else ``typed`` (which matches none).

    ``typed`` is the city's address or its name in any language, case and accents aside.
    """
    if is_valid_slug(typed) and db.session.scalar(sa.select(City.id).where(City.slug == typed)):
        return typed
    key = name_key(typed)
    if not key:
        return typed
    other_names = sa.select(CityText.city_id).where(CityText.name_key == key)
    found = db.session.scalar(
        sa.select(City.slug)
        .where(sa.or_(City.name_key == key, City.id.in_(other_names)))
        .order_by(City.name, City.id)
        .limit(1)
    )
    return found or typed
