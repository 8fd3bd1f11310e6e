"""Reads of reports on commitments: periods, counts per status, a city's report, exports.

The progress page of a declaration with 13,000 signatories reads a fixed number of
statements: the counts come grouped from the database (period × commitment × status),
the list of reporting cities a page at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased, contains_eager, selectinload

from network.cities.models import City, CityText
from network.commitments.models import (
    CommitmentStatus,
    Report,
    ReportEntry,
    ReportEvidence,
    ReportingPeriod,
    ReportVersion,
)
from network.db import db
from network.declarations.models import Signature
from network.practices.models import Practice

Counts = dict[tuple[int, int, CommitmentStatus], int]


def periods_of(declaration_id: int) -> list[ReportingPeriod]:
    """Return a declaration's reporting periods, the first opened first."""
    return list(
        db.session.scalars(
            sa.select(ReportingPeriod)
            .where(ReportingPeriod.declaration_id == declaration_id)
            .order_by(ReportingPeriod.opened_at, ReportingPeriod.id)
        )
    )


def period(declaration_id: int, period_id: int) -> ReportingPeriod | None:
    """Return one period of a declaration (None when it belongs to another)."""
    found = db.session.get(ReportingPeriod, period_id)
    return found if found is not None and found.declaration_id == declaration_id else None


def status_counts(declaration_id: int) -> Counts:
    """Count, for each period and commitment, the submitted reports giving each status.

    One grouped statement over the current (latest submitted) versions.
    """
    statement = (
        sa.select(
            Report.period_id,
            ReportEntry.commitment,
            ReportEntry.status,
            sa.func.count(),
        )
        .select_from(ReportEntry)
        .join(ReportVersion, ReportEntry.version_id == ReportVersion.id)
        .join(Report, ReportVersion.report_id == Report.id)
        .join(ReportingPeriod, Report.period_id == ReportingPeriod.id)
        .where(ReportingPeriod.declaration_id == declaration_id, ReportVersion.is_current)
        .group_by(Report.period_id, ReportEntry.commitment, ReportEntry.status)
    )
    return {
        (period_id, commitment, CommitmentStatus(status)): count
        for period_id, commitment, status, count in db.session.execute(statement)
    }


def submitted_per_period(declaration_id: int) -> dict[int, int]:
    """Count the submitted reports of each of a declaration's periods (one statement)."""
    statement = (
        sa.select(Report.period_id, sa.func.count())
        .select_from(ReportVersion)
        .join(Report, ReportVersion.report_id == Report.id)
        .join(ReportingPeriod, Report.period_id == ReportingPeriod.id)
        .where(ReportingPeriod.declaration_id == declaration_id, ReportVersion.is_current)
        .group_by(Report.period_id)
    )
    return {period_id: count for period_id, count in db.session.execute(statement)}


def _submitted_rows(period_id: int, language: str) -> sa.Select:
    local = aliased(CityText)
    return (
        sa.select(
            City.slug.label("city"),
            sa.func.coalesce(local.name, City.name).label("city_name"),
            ReportVersion.number,
            ReportVersion.submitted_at,
        )
        .select_from(ReportVersion)
        .join(Report, ReportVersion.report_id == Report.id)
        .join(City, Report.city_id == City.id)
        .outerjoin(local, sa.and_(local.city_id == City.id, local.language == language))
        .where(Report.period_id == period_id, ReportVersion.is_current)
    )


def submitted_page(
    period_id: int, *, offset: int, limit: int, language: str = "en"
) -> list[sa.Row]:
    """Return one page of the cities that submitted, by English name, as plain rows."""
    statement = (
        _submitted_rows(period_id, language)
        .order_by(City.name, City.id)
        .offset(offset)
        .limit(limit)
    )
    return list(db.session.execute(statement))


def report(period_id: int, city_id: int) -> Report | None:
    """Return a city's report for a period with every version, entry and evidence."""
    return db.session.scalar(
        sa.select(Report)
        .where(Report.period_id == period_id, Report.city_id == city_id)
        .options(
            selectinload(Report.versions)
            .selectinload(ReportVersion.entries)
            .selectinload(ReportEntry.evidence)
            .selectinload(ReportEvidence.practice)
            .selectinload(Practice.texts)
        )
    )


def reports_of(city_id: int, declaration_id: int) -> dict[int, Report]:
    """Return the city's reports on a declaration, by period id (versions loaded)."""
    return {
        found.period_id: found
        for found in db.session.scalars(
            sa.select(Report)
            .join(ReportingPeriod, Report.period_id == ReportingPeriod.id)
            .where(Report.city_id == city_id, ReportingPeriod.declaration_id == declaration_id)
            .options(selectinload(Report.versions))
        )
    }


def submitted_statement(
    declaration_id: int, period_id: int | None = None
) -> sa.Select[tuple[ReportVersion]]:
    """Select the current submitted versions of a declaration's reports (the API, the CSV).

    By period, then city (English name); the entries, evidence and names come along.
    """
    statement = (
        sa.select(ReportVersion)
        .join(ReportVersion.report)
        .join(Report.period)
        .join(Report.city)
        .where(ReportingPeriod.declaration_id == declaration_id, ReportVersion.is_current)
        .options(
            contains_eager(ReportVersion.report).contains_eager(Report.period),
            contains_eager(ReportVersion.report)
            .contains_eager(Report.city)
            .selectinload(City.texts),
            # Evidence joined to the entries: one statement per batch of versions, where
            # a selectin of it would go by 500 entries (a page of 200 reports has 1,600).
            selectinload(ReportVersion.entries)
            .joinedload(ReportEntry.evidence)
            .joinedload(ReportEvidence.practice),
        )
        .order_by(ReportingPeriod.opened_at, ReportingPeriod.id, City.name, City.id)
    )
    if period_id is not None:
        statement = statement.where(Report.period_id == period_id)
    return statement


def submitted_in_batches(
    declaration_id: int, period_id: int | None = None, size: int = 500
) -> Iterator[ReportVersion]:
    """Yield every current submitted version, a batch of reports (and statements) at a time."""
    offset = 0
    statement = submitted_statement(declaration_id, period_id)
    while True:
        batch = list(db.session.scalars(statement.offset(offset).limit(size)))
        yield from batch
        if len(batch) < size:
            return
        offset += size


def submitted_total() -> int:
    """Count the submitted versions that are current, over every declaration (the archive)."""
    return (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(ReportVersion).where(ReportVersion.is_current)
        )
        or 0
    )


def awaiting(period_id: int, declaration_id: int) -> sa.Select[tuple[Any]]:
    """Select the ids of signatory cities with no submitted report for the period."""
    submitted = (
        sa.select(Report.city_id)
        .join(ReportVersion, ReportVersion.report_id == Report.id)
        .where(Report.period_id == period_id, ReportVersion.is_current)
    )
    return sa.select(Signature.city_id).where(
        Signature.declaration_id == declaration_id,
        Signature.withdrawn_at.is_(None),
        Signature.city_id.not_in(submitted),
    )
