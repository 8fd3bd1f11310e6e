"""Reporting periods of a declaration, and the cities' reports on its commitments.

A declaration's commitments are its texts' numbered list (``DeclarationText.commitments``):
commitment 1 is the first item in every language. A report belongs to one city and one
period; what it says lives in versions. The latest version may be a draft (only its
city's delegates and the secretariat read it); once submitted a version is public and
never changes: a correction is a new version with its reason, the old one stays.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_pgettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from network.common.enums import register_labels
from network.db import UTCDateTime, db, str_enum

if TYPE_CHECKING:
    from network.cities.models import City
    from network.declarations.models import Declaration
    from network.practices.models import Practice


class CommitmentStatus(StrEnum):
    """Where a city stands with one commitment, in its own report."""

    not_started = "not-started"
    planned = "planned"
    in_progress = "in-progress"
    achieved = "achieved"


# In the context "commitment": the status of an engagement, whose gender and wording in
# French and Spanish differ from a practice's "Planned".
register_labels(
    {
        CommitmentStatus.not_started: lazy_pgettext("commitment", "Not started"),
        CommitmentStatus.planned: lazy_pgettext("commitment", "Planned"),
        CommitmentStatus.in_progress: lazy_pgettext("commitment", "In progress"),
        CommitmentStatus.achieved: lazy_pgettext("commitment", "Achieved"),
    }
)


class ReportingPeriod(db.Model):
    """A round of reports on a declaration's commitments (e.g. "2026"), with its deadline.

    The secretariat opens it and closes it; a declaration has one open period at a time
    (a partial unique index: the periods of a declaration whose ``closed_at`` is null).
    """

    __tablename__ = "reporting_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(sa.ForeignKey("declarations.id"))
    label: Mapped[str] = mapped_column(sa.String(32))
    due_on: Mapped[date]  # the last day for reports
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opened_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    declaration: Mapped[Declaration] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("declaration_id", "label"),
        sa.Index(
            "ix_reporting_periods_one_open",
            "declaration_id",
            unique=True,
            sqlite_where=sa.text("closed_at IS NULL"),
            postgresql_where=sa.text("closed_at IS NULL"),
        ),
    )

    @property
    def is_open(self) -> bool:
        """Tell whether the period takes reports."""
        return self.closed_at is None


class Report(db.Model):
    """A city's report for one period: the versions hold what it says."""

    __tablename__ = "commitment_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(sa.ForeignKey("reporting_periods.id"))
    city_id: Mapped[int] = mapped_column(sa.ForeignKey("cities.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    period: Mapped[ReportingPeriod] = relationship()
    city: Mapped[City] = relationship()
    versions: Mapped[list[ReportVersion]] = relationship(
        back_populates="report", order_by="ReportVersion.number"
    )

    __table_args__ = (sa.UniqueConstraint("period_id", "city_id"),)

    @property
    def draft(self) -> ReportVersion | None:
        """Return the version being written, if any (always the latest)."""
        latest = self.versions[-1] if self.versions else None
        return latest if latest is not None and not latest.is_submitted else None

    @property
    def current(self) -> ReportVersion | None:
        """Return the latest submitted version: what the public reads."""
        return next((v for v in reversed(self.versions) if v.is_submitted), None)


class ReportVersion(db.Model):
    """One version of a report: a draft until submitted, then fixed for good."""

    __tablename__ = "commitment_report_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("commitment_reports.id"))
    number: Mapped[int]
    # Why a submitted report was corrected (every version after the first has one).
    reason: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The latest submitted version of its report: the one the counts and the API read.
    is_current: Mapped[bool] = mapped_column(default=False)

    report: Mapped[Report] = relationship(back_populates="versions")
    entries: Mapped[list[ReportEntry]] = relationship(
        cascade="all, delete-orphan", order_by="ReportEntry.commitment"
    )

    __table_args__ = (
        sa.UniqueConstraint("report_id", "number"),
        # The progress page counts the current versions' statuses per period.
        sa.Index("ix_commitment_report_versions_current", "is_current", "report_id"),
    )

    @property
    def is_submitted(self) -> bool:
        """Tell whether the version was submitted (public, fixed)."""
        return self.submitted_at is not None


class ReportEntry(db.Model):
    """What a version says of one commitment: status, account and evidence."""

    __tablename__ = "commitment_report_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("commitment_report_versions.id", ondelete="CASCADE")
    )
    commitment: Mapped[int]  # 1, 2, 3 … as the declaration numbers them
    # None while a draft holds notes on a commitment not yet given a status; a submitted
    # version's entries all have one (a commitment it says nothing of has no entry).
    status: Mapped[CommitmentStatus | None] = mapped_column(str_enum(CommitmentStatus, "status"))
    account: Mapped[str] = mapped_column(sa.Text, default="")
    links: Mapped[list[str]] = mapped_column(sa.JSON, default=list)

    evidence: Mapped[list[ReportEvidence]] = relationship(
        cascade="all, delete-orphan", order_by="ReportEvidence.practice_id"
    )

    __table_args__ = (sa.UniqueConstraint("version_id", "commitment"),)

    @property
    def practices(self) -> list[Practice]:
        """Return the city's practices given as evidence."""
        return [row.practice for row in self.evidence]


class ReportEvidence(db.Model):
    """One of the city's published practices given as evidence for a commitment."""

    __tablename__ = "commitment_report_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        sa.ForeignKey("commitment_report_entries.id", ondelete="CASCADE")
    )
    practice_id: Mapped[int] = mapped_column(sa.ForeignKey("practices.id"))

    practice: Mapped[Practice] = relationship()

    __table_args__ = (sa.UniqueConstraint("entry_id", "practice_id"),)


class ReportReminder(db.Model):
    """A reminder sent before a period's deadline to the signatories yet to submit.

    The tick sends each (``days_before``: by default 14 and 3) once per period, which
    the unique constraint guarantees.
    """

    __tablename__ = "report_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(sa.ForeignKey("reporting_periods.id"))
    days_before: Mapped[int]
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cities: Mapped[int] = mapped_column(default=0)
    messages: Mapped[int] = mapped_column(default=0)

    __table_args__ = (sa.UniqueConstraint("period_id", "days_before"),)
