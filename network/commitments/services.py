"""Writes of reports on commitments: periods opened and closed, drafts, submissions.

Each function is one change of state with one audit entry: a period opened or closed
(public), a draft saved (private: only its city and the secretariat read drafts), a
version submitted (public, with everything it says). A submitted version never changes;
a correction is a new version, submitted with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from network.audit.services import record
from network.auth.models import User
from network.cities.models import City
from network.commitments import rules
from network.commitments.models import (
    CommitmentStatus,
    Report,
    ReportEntry,
    ReportEvidence,
    ReportingPeriod,
    ReportVersion,
)
from network.common.errors import Conflict, InvalidInput, NotAllowed
from network.db import db, violates
from network.declarations.models import Declaration, DeclarationStatus, Signature
from network.practices.models import Practice

ONE_OPEN = "ix_reporting_periods_one_open"
ONE_LABEL = "uq_reporting_periods_declaration_id_label"
ONE_REPORT = "uq_commitment_reports_period_id_city_id"


class NotTheCitysDelegate(NotAllowed):
    """The account is not a delegate of the report's city."""

    message = _l("Only a delegate of the city can write and submit its report.")


class NotSecretariat(NotAllowed):
    """Only the secretariat opens and closes reporting periods."""

    message = _l("Only the secretariat can open and close reporting periods.")


class NotASignatory(NotAllowed):
    """Only cities that signed the declaration (and did not withdraw) report on it."""

    message = _l("Only a city that signed the declaration reports on its commitments.")


class PeriodClosed(Conflict):
    """The period takes no more reports."""

    message = _l("This reporting period is closed.")


@dataclass(frozen=True)
class EntryInput:
    """What a city says of one commitment, as entered."""

    commitment: int
    status: CommitmentStatus | None  # None: not reported (yet)
    account: str = ""
    links: list[str] = field(default_factory=list)
    practices: list[int] = field(default_factory=list)  # ids of the city's practices


def commitment_count(declaration: Declaration) -> int:
    """Return how many commitments the declaration numbers (its authoritative text's)."""
    text = declaration.texts.get(declaration.authoritative_language) or next(
        iter(declaration.texts.values()), None
    )
    return len(text.commitments) if text is not None else 0


def _lock_period(period: ReportingPeriod) -> None:
    db.session.execute(
        sa.select(ReportingPeriod.id).where(ReportingPeriod.id == period.id).with_for_update()
    )
    db.session.refresh(period)


def period_content(period: ReportingPeriod) -> dict[str, Any]:
    """Return what a period is, as its audit entries record it."""
    return {
        "declaration": period.declaration.slug,
        "label": period.label,
        "due_on": period.due_on.isoformat(),
    }


def open_period(
    declaration: Declaration, *, label: str, due_on: date | None, actor: User, now: datetime
) -> ReportingPeriod:
    """Open a reporting period for a declaration, its reports due on ``due_on``.

    :raises NotAllowed: unless the actor is the secretariat.
    :raises InvalidInput: for a bad label, or a deadline missing or already past.
    :raises Conflict: for a draft declaration, when a period is open already, or when
        the label is taken.
    """
    if not rules.can_manage_periods(actor):
        raise NotSecretariat()
    label = (label or "").strip()
    if not rules.is_period_label(label):
        raise InvalidInput(
            _("Name the period with letters, digits, dots or hyphens, e.g. 2026."), field="label"
        )
    if due_on is None or due_on < now.date():
        raise InvalidInput(_("Give a deadline that is today or later."), field="due_on")
    if declaration.status is DeclarationStatus.draft:
        raise Conflict(_("A draft declaration has no signatories to report yet."))
    if commitment_count(declaration) == 0:
        raise Conflict(_("This declaration has no numbered commitments to report on."))
    open_now = db.session.scalar(
        sa.select(ReportingPeriod.label).where(
            ReportingPeriod.declaration_id == declaration.id, ReportingPeriod.closed_at.is_(None)
        )
    )
    if open_now is not None:
        raise Conflict(
            _("The period %(label)s is still open: close it first.", label=open_now),
            field="label",
        )
    period = ReportingPeriod(
        declaration_id=declaration.id,
        label=label,
        due_on=due_on,
        opened_at=now,
        opened_by_id=actor.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(period)
            db.session.flush()
    except IntegrityError as error:
        if violates(error, ONE_LABEL):
            raise Conflict(
                _("This declaration already has a period named %(label)s.", label=label),
                field="label",
            ) from None
        if violates(error, ONE_OPEN):
            raise Conflict(_("Another period of this declaration is open.")) from None
        raise
    record(
        "reporting_period.opened",
        subject=("reporting_period", period.id),
        actor=actor,
        now=now,
        data=period_content(period),
    )
    return period


def close_period(period: ReportingPeriod, *, actor: User, now: datetime) -> ReportingPeriod:
    """Close a period: no more drafts or submissions; drafts stay unpublished.

    :raises NotAllowed: unless the actor is the secretariat.
    :raises Conflict: when it is closed already.
    """
    if not rules.can_manage_periods(actor):
        raise NotSecretariat()
    _lock_period(period)
    if not period.is_open:
        raise PeriodClosed()
    period.closed_at = now
    db.session.flush()
    record(
        "reporting_period.closed",
        subject=("reporting_period", period.id),
        actor=actor,
        now=now,
        data=period_content(period),
    )
    return period


def is_signatory(declaration_id: int, city_id: int) -> bool:
    """Tell whether the city signed the declaration and did not withdraw its signature."""
    return (
        db.session.scalar(
            sa.select(Signature.id).where(
                Signature.declaration_id == declaration_id,
                Signature.city_id == city_id,
                Signature.withdrawn_at.is_(None),
            )
        )
        is not None
    )


def check_can_report(period: ReportingPeriod, city: City, actor: User) -> None:
    """Raise why ``actor`` may not write ``city``'s report for ``period`` now, if not.

    :raises NotAllowed: unless the actor is a delegate of a signatory city.
    :raises Conflict: when the period is closed.
    """
    if not rules.writes_report_for(actor, city.id):
        raise NotTheCitysDelegate()
    if not is_signatory(period.declaration_id, city.id):
        raise NotASignatory()
    if not period.is_open:
        raise PeriodClosed()


def _check_entries(
    entries: list[EntryInput], commitments: int, city_id: int
) -> dict[int, Practice]:
    """Check every commitment is reported once, validly; return the practices named."""
    numbers = [entry.commitment for entry in entries]
    if len(set(numbers)) != len(numbers) or not all(1 <= n <= commitments for n in numbers):
        raise InvalidInput(
            _("Report only on the declaration's commitments, each once."), field="entries"
        )
    for entry in entries:
        if len(entry.account) > rules.ACCOUNT_MAX_LENGTH:
            raise InvalidInput(
                _(
                    "Commitment %(number)s: keep the account under %(num)s characters.",
                    number=entry.commitment,
                    num=rules.ACCOUNT_MAX_LENGTH,
                ),
                field="entries",
            )
        if len(entry.links) > rules.MAX_LINKS:
            raise InvalidInput(
                _(
                    "Commitment %(number)s: give at most %(num)s links.",
                    number=entry.commitment,
                    num=rules.MAX_LINKS,
                ),
                field="entries",
            )
        for link in entry.links:
            if not rules.is_web_link(link):
                raise InvalidInput(
                    _(
                        "Commitment %(number)s: “%(link)s” is not a web address "
                        "(http:// or https://).",
                        number=entry.commitment,
                        link=link[:80],
                    ),
                    field="entries",
                )
    wanted = {practice_id for entry in entries for practice_id in entry.practices}
    found = {
        practice.id: practice
        for practice in db.session.scalars(
            sa.select(Practice).where(
                Practice.id.in_(wanted),
                Practice.city_id == city_id,
                Practice.published_at.is_not(None),
            )
        )
    }
    if wanted - found.keys():
        raise InvalidInput(
            _("Give as evidence only your city's published practices."), field="entries"
        )
    return found


def _says_something(entry: EntryInput) -> bool:
    """Tell whether an entry says anything: a commitment left blank is not reported."""
    return bool(entry.status or entry.account.strip() or entry.links or entry.practices)


def report_content(version: ReportVersion) -> dict[str, Any]:
    """Return what a version says, as its audit entries record it."""
    report = version.report
    return {
        "declaration": report.period.declaration.slug,
        "period": report.period.label,
        "city": report.city.slug,
        "version": version.number,
        "reason": version.reason,
        "commitments": [
            {
                "number": entry.commitment,
                "status": entry.status.value if entry.status else None,
                "account": entry.account,
                "links": list(entry.links or []),
                "practices": sorted(row.practice.slug for row in entry.evidence),
            }
            for entry in version.entries
        ],
    }


def _report_for(period: ReportingPeriod, city: City, now: datetime) -> Report:
    """Return the city's report for the period, made (and its row locked) if need be."""
    statement = sa.select(Report).where(Report.period_id == period.id, Report.city_id == city.id)
    report = db.session.scalar(statement.with_for_update())
    if report is not None:
        db.session.refresh(report)
        return report
    try:
        with db.session.begin_nested():
            report = Report(period_id=period.id, city_id=city.id, created_at=now)
            db.session.add(report)
            db.session.flush()
    except IntegrityError as error:
        if not violates(error, ONE_REPORT):
            raise
        # Another delegate of the city made it meanwhile: write into theirs.
        report = db.session.scalar(statement.with_for_update())
    return report


def save_draft(
    period: ReportingPeriod,
    city: City,
    entries: list[EntryInput],
    *,
    reason: str | None,
    actor: User,
    now: datetime,
) -> ReportVersion:
    """Save the city's draft for the period: the one being written, or a new version.

    After a submission, the next draft is a correction and must say why (``reason``;
    checked when it is submitted, kept meanwhile).

    :raises NotAllowed: unless the actor is a delegate of a signatory city.
    :raises Conflict: when the period is closed.
    :raises InvalidInput: for a commitment unknown or given twice, an account too long,
        a bad link, a practice that is not the city's and published, a reason too long,
        or nothing said of any commitment.
    """
    check_can_report(period, city, actor)
    _lock_period(period)
    if not period.is_open:
        raise PeriodClosed()
    practices = _check_entries(entries, commitment_count(period.declaration), city.id)
    reason = (reason or "").strip() or None
    if reason is not None and len(reason) > rules.REASON_MAX_LENGTH:
        raise InvalidInput(
            _("Keep the reason under %(num)s characters.", num=rules.REASON_MAX_LENGTH),
            field="reason",
        )
    if not any(_says_something(entry) for entry in entries):
        raise InvalidInput(
            _("Say something of at least one commitment before saving."), field="entries"
        )
    report = _report_for(period, city, now)
    version = report.draft
    if version is None:
        version = ReportVersion(
            number=len(report.versions) + 1,
            created_at=now,
            created_by_id=actor.id,
            is_current=False,
        )
        report.versions.append(version)
    version.reason = reason if rules.needs_reason(version.number) else None
    version.updated_at = now
    _fill(version, [entry for entry in entries if _says_something(entry)], practices)
    db.session.flush()
    record(
        "report.saved",
        subject=("report", report.id),
        actor=actor,
        now=now,
        public=False,
        data=report_content(version),
    )
    return version


def _fill(
    version: ReportVersion, entries: list[EntryInput], practices: dict[int, Practice]
) -> None:
    """Make the draft's entries say what was entered, changing rows in place.

    Rows are kept where they can be: replacing them would insert the new ones before
    deleting the old, against the unique (version, commitment) and (entry, practice).
    """
    wanted = {entry.commitment: entry for entry in entries}
    kept = [row for row in version.entries if row.commitment in wanted]
    have = {row.commitment: row for row in kept}
    for number in sorted(wanted):
        entry = wanted[number]
        row = have.get(number)
        if row is None:
            row = ReportEntry(commitment=number, evidence=[])
            kept.append(row)
        row.status = entry.status
        row.account = entry.account.strip()
        row.links = list(entry.links)
        chosen = set(entry.practices)
        row.evidence = [item for item in row.evidence if item.practice_id in chosen]
        present = {item.practice_id for item in row.evidence}
        row.evidence.extend(
            ReportEvidence(practice=practices[practice_id])
            for practice_id in sorted(chosen - present)
        )
    version.entries = sorted(kept, key=lambda row: row.commitment)


def submit(report: Report, *, actor: User, now: datetime) -> ReportVersion:
    """Submit the report's draft: it becomes public and replaces the version before it.

    :raises NotAllowed: unless the actor is a delegate of a signatory city.
    :raises Conflict: when the period is closed, or there is no draft to submit.
    :raises InvalidInput: for a draft that gives no status, or an account without one,
        or a correction without its reason.
    """
    check_can_report(report.period, report.city, actor)
    _lock_period(report.period)
    if not report.period.is_open:
        raise PeriodClosed()
    db.session.execute(sa.select(Report.id).where(Report.id == report.id).with_for_update())
    db.session.refresh(report)
    version = report.draft
    if version is None:
        raise Conflict(_("There is no draft to submit: the report is submitted already."))
    if rules.needs_reason(version.number) and not version.reason:
        raise InvalidInput(
            _("Say why the submitted report is corrected: the reason is published with it."),
            field="reason",
        )
    if not version.entries:
        raise InvalidInput(
            _("Give a status for at least one commitment before submitting."), field="entries"
        )
    for entry in version.entries:
        if entry.status is None:
            raise InvalidInput(
                _(
                    "Commitment %(number)s has an account or evidence but no status: "
                    "choose one, or clear it.",
                    number=entry.commitment,
                ),
                field="entries",
            )
    for earlier in report.versions:
        earlier.is_current = False
    version.is_current = True
    version.submitted_at = now
    version.submitted_by_id = actor.id
    db.session.flush()
    record(
        "report.submitted" if version.number == 1 else "report.corrected",
        subject=("report", report.id),
        actor=actor,
        now=now,
        data=report_content(version),
    )
    return version
