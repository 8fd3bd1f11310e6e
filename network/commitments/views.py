"""A declaration's progress page, a city's report, the report editor, periods, the CSV."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug import Response

from network.auth.models import Role
from network.cities.models import City
from network.cities.rules import is_valid_slug
from network.commitments import queries, rules, services
from network.commitments.forms import EntryForm, PeriodForm, ReportForm
from network.commitments.models import (
    CommitmentStatus,
    Report,
    ReportingPeriod,
    ReportVersion,
)
from network.common import clock
from network.common.decorators import public, role_required
from network.common.enums import label
from network.common.errors import Conflict, DomainError
from network.common.export import csv_response
from network.common.forms import EmptyForm, perform, show_error
from network.common.languages import asked_language
from network.common.pagination import Window, page_request
from network.db import db
from network.declarations.models import Declaration
from network.declarations.queries import signature_tally
from network.declarations.views import public_declaration
from network.practices import queries as practice_queries

bp = Blueprint("commitments", __name__, url_prefix="/declarations")

CITIES_PER_PAGE = 100


@dataclass(frozen=True)
class Commitment:
    """A numbered commitment as a page shows it: its text and the language it is in."""

    number: int
    text: str
    language: str


def commitments_in(declaration: Declaration, language: str) -> list[Commitment]:
    """Return the declaration's commitments in ``language``, else in the authoritative text.

    Numbered by the authoritative text; each falls back on its own when the translation
    lacks it.
    """
    authoritative = declaration.texts.get(declaration.authoritative_language) or next(
        iter(declaration.texts.values()), None
    )
    if authoritative is None:
        return []
    shown = declaration.text_in(language) or authoritative
    found = []
    for index, original in enumerate(authoritative.commitments):
        if index < len(shown.commitments):
            found.append(Commitment(index + 1, shown.commitments[index], shown.language))
        else:
            found.append(Commitment(index + 1, original, authoritative.language))
    return found


def _language(declaration: Declaration) -> str:
    return asked_language(declaration.texts) or str(get_locale())


def _chosen_period(periods: list[ReportingPeriod]) -> ReportingPeriod | None:
    """Return the period asked for with ``?period=`` (404 if unknown), else the latest."""
    wanted = (request.args.get("period") or "").strip()[:32]
    if not wanted:
        return periods[-1] if periods else None
    found = next((period for period in periods if period.label == wanted), None)
    if found is None:
        abort(404)
    return found


def _city(slug: str) -> City:
    found = (
        db.session.scalar(sa.select(City).where(City.slug == slug)) if is_valid_slug(slug) else None
    )
    if found is None:
        abort(404)
    return found


def _own_city() -> City | None:
    """Return the reader's city when the reader is a delegate."""
    if current_user.is_authenticated and current_user.role is Role.delegate:
        return current_user.city
    return None


def status_table(
    number: int,
    periods: list[ReportingPeriod],
    counts: queries.Counts,
    submitted: dict[int, int],
) -> list[tuple[str, list[int]]]:
    """Return a commitment's rows: each status, then "not reported", with a count per period.

    "Not reported": the period's submitted reports that say nothing of this commitment.
    """
    rows = [
        (label(status), [counts.get((period.id, number, status), 0) for period in periods])
        for status in CommitmentStatus
    ]
    given = [sum(row[index] for _label, row in rows) for index in range(len(periods))]
    unreported = [submitted.get(p.id, 0) - given[i] for i, p in enumerate(periods)]
    rows.append((_("Not reported"), unreported))
    return rows


@bp.route("/<slug>/progress")
@public
def progress(slug: str) -> str:
    """Show, for each commitment, how many signatories report each status, period by period."""
    declaration = public_declaration(slug)
    language = _language(declaration)
    periods = queries.periods_of(declaration.id)
    chosen = _chosen_period(periods)
    counts = queries.status_counts(declaration.id)
    submitted = queries.submitted_per_period(declaration.id)
    commitments = commitments_in(declaration, language)
    locale = str(get_locale())
    reporting = (
        Window.read(
            page_request(request.args, CITIES_PER_PAGE),
            submitted.get(chosen.id, 0),
            functools.partial(queries.submitted_page, chosen.id, language=locale),
        )
        if chosen is not None
        else None
    )
    open_period = next((period for period in periods if period.is_open), None)
    own_city = _own_city()
    _total, standing = signature_tally(declaration.id)
    return render_template(
        "commitments/progress.html",
        declaration=declaration,
        commitments=commitments,
        language=language,
        periods=periods,
        chosen=chosen,
        tables={
            commitment.number: status_table(commitment.number, periods, counts, submitted)
            for commitment in commitments
        },
        reporting=reporting,
        standing=standing,
        open_period=open_period,
        own_city=own_city,
        may_report=open_period is not None
        and own_city is not None
        and services.is_signatory(declaration.id, own_city.id),
        may_manage=rules.can_manage_periods(current_user),
        period_form=PeriodForm(),
        button=EmptyForm(),
        locale=locale,
    )


@bp.route("/<slug>/progress/<city>")
@public
def city_report(slug: str, city: str) -> str:
    """Show a city's report for a period beside the commitments' text (``?version=``)."""
    declaration = public_declaration(slug)
    found_city = _city(city)
    periods = queries.periods_of(declaration.id)
    chosen = _chosen_period(periods)
    report = queries.report(chosen.id, found_city.id) if chosen is not None else None
    may_read_draft = rules.can_read_draft(current_user, found_city.id)
    versions = [
        version
        for version in (report.versions if report else [])
        if version.is_submitted or may_read_draft
    ]
    if report is None and not services.is_signatory(declaration.id, found_city.id):
        abort(404)
    shown = _chosen_version(versions)
    language = _language(declaration)
    may_write = (
        chosen is not None
        and chosen.is_open
        and rules.writes_report_for(current_user, found_city.id)
        and services.is_signatory(declaration.id, found_city.id)
    )
    return render_template(
        "commitments/report.html",
        declaration=declaration,
        city=found_city,
        periods=periods,
        chosen=chosen,
        report=report,
        versions=versions,
        version=shown,
        entries={entry.commitment: entry for entry in shown.entries} if shown else {},
        commitments=commitments_in(declaration, language),
        language=language,
        may_write=may_write,
        button=EmptyForm(),
        locale=str(get_locale()),
    )


def _chosen_version(versions: list[ReportVersion]) -> ReportVersion | None:
    """Return the version asked for with ``?version=`` (404 if not shown), else the latest."""
    wanted = request.args.get("version", type=int)
    if wanted is None:
        return versions[-1] if versions else None
    found = next((version for version in versions if version.number == wanted), None)
    if found is None:
        abort(404)
    return found


def _open_period_for_city(declaration: Declaration) -> tuple[ReportingPeriod, City]:
    """Return the open period and the delegate's city, or refuse as the service would."""
    city = current_user.city
    if city is None:
        raise services.NotTheCitysDelegate()
    period = next((p for p in queries.periods_of(declaration.id) if p.is_open), None)
    if period is None:
        raise Conflict(_("No reporting period is open for this declaration."))
    services.check_can_report(period, city, current_user)
    return period, city


def _practice_choices(city: City, language: str) -> list[tuple[int, str]]:
    choices = []
    for practice in practice_queries.published_by_city(city.id):
        text = practice.text_in(language)
        choices.append((practice.id, text.title if text else practice.slug))
    return choices


def _fill(form: ReportForm, version: ReportVersion | None, count: int) -> None:
    while len(form.entries):
        form.entries.pop_entry()
    said = {entry.commitment: entry for entry in version.entries} if version else {}
    for number in range(1, count + 1):
        entry = said.get(number)
        form.entries.append_entry(
            {
                "status": entry.status.value if entry and entry.status else "",
                "account": entry.account if entry else "",
                "links": "\n".join(entry.links or []) if entry else "",
                "practices": [row.practice_id for row in entry.evidence] if entry else [],
            }
        )
    if version is not None and not version.is_submitted:
        form.reason.data = version.reason or ""


def error_messages(errors: Any) -> list[str]:
    """Flatten a form's errors (nested per entry) into its messages, each once, in order."""
    found: list[str] = []
    pending = [errors]
    while pending:
        item = pending.pop(0)
        if isinstance(item, dict):
            pending[:0] = list(item.values())
        elif isinstance(item, list | tuple):
            pending[:0] = list(item)
        elif item and str(item) not in found:
            found.append(str(item))
    return found


def _inputs(form: ReportForm) -> list[services.EntryInput]:
    inputs = []
    for number, row in enumerate(form.entries, start=1):
        entry: EntryForm = row.form
        try:
            status = CommitmentStatus(entry.status.data) if entry.status.data else None
        except ValueError:
            status = None
        inputs.append(
            services.EntryInput(
                commitment=number,
                status=status,
                account=entry.account.data or "",
                links=entry.link_list(),
                practices=list(entry.practices.data or []),
            )
        )
    return inputs


@bp.route("/<slug>/report", methods=["GET", "POST"])
@role_required(Role.delegate)
def edit_report(slug: str) -> Response | tuple[str, int]:
    """Write the delegate's city's report for the open period (saved as a draft)."""
    declaration = public_declaration(slug)
    period, city = _open_period_for_city(declaration)
    language = _language(declaration)
    commitments = commitments_in(declaration, language)
    report = queries.report(period.id, city.id)
    form = ReportForm()
    choices = _practice_choices(city, language)
    if request.method == "GET":
        _fill(form, (report.draft or report.current) if report else None, len(commitments))
    for row in form.entries:
        row.form.practices.choices = choices
    if request.method == "POST" and form.validate_on_submit():
        if len(form.entries) != len(commitments):
            flash(_("Report only on the declaration's commitments, each once."), "error")
        else:
            try:
                services.save_draft(
                    period,
                    city,
                    _inputs(form),
                    reason=form.reason.data,
                    actor=current_user,
                    now=clock.now(),
                )
            except DomainError as error:
                db.session.rollback()
                show_error(form, error)
            else:
                db.session.commit()
                flash(
                    _("The draft is saved. Submit it when it is ready: then it is public."),
                    "success",
                )
                return redirect(
                    url_for(
                        "commitments.city_report", slug=slug, city=city.slug, period=period.label
                    )
                )
    status = 200 if request.method == "GET" else 422
    correcting = report is not None and report.current is not None
    return (
        render_template(
            "commitments/edit.html",
            declaration=declaration,
            period=period,
            city=city,
            form=form,
            rows=list(zip(commitments, form.entries, strict=False)),
            correcting=correcting,
            has_practices=bool(choices),
            # Every refusal said at the top, whichever field (or entry) it belongs to.
            problems=error_messages(form.errors) if request.method == "POST" else [],
        ),
        status,
    )


@bp.route("/<slug>/report/submit", methods=["POST"])
@role_required(Role.delegate)
def submit_report(slug: str) -> Response:
    """Submit the city's draft for the open period: from now on anyone reads it."""
    declaration = public_declaration(slug)
    period, city = _open_period_for_city(declaration)
    target = url_for("commitments.city_report", slug=slug, city=city.slug, period=period.label)
    report: Report | None = queries.report(period.id, city.id)
    if report is None:
        flash(_("There is no draft to submit: write the report first."), "error")
        return redirect(target)
    if EmptyForm().validate_on_submit():
        perform(
            lambda: services.submit(report, actor=current_user, now=clock.now()),
            _("The report is submitted: anyone can read it now."),
        )
    return redirect(target)


@bp.route("/<slug>/periods", methods=["POST"])
@role_required(Role.secretariat)
def open_period(slug: str) -> Response:
    """Open a reporting period for the declaration."""
    declaration = public_declaration(slug)
    form = PeriodForm()
    if form.validate_on_submit():
        try:
            period = services.open_period(
                declaration,
                label=form.label.data,
                due_on=form.due_on.data,
                actor=current_user,
                now=clock.now(),
            )
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            label = period.label
            db.session.commit()
            flash(_("The reporting period %(label)s is open.", label=label), "success")
            return redirect(url_for("commitments.progress", slug=slug, period=label))
    else:
        for field in (form.label, form.due_on):
            for message in field.errors:
                flash(f"{field.label.text}: {message}", "error")
    return redirect(url_for("commitments.progress", slug=slug))


@bp.route("/<slug>/periods/<int:period_id>/close", methods=["POST"])
@role_required(Role.secretariat)
def close_period(slug: str, period_id: int) -> Response:
    """Close a reporting period: drafts not submitted stay unpublished."""
    declaration = public_declaration(slug)
    period = queries.period(declaration.id, period_id)
    if period is None:
        abort(404)
    if EmptyForm().validate_on_submit():
        perform(
            lambda: services.close_period(period, actor=current_user, now=clock.now()),
            _("The reporting period is closed."),
        )
    return redirect(url_for("commitments.progress", slug=slug, period=period.label))


EXPORT_FIELDS = [
    "declaration",
    "period",
    "city",
    "city_name",
    "version",
    "submitted_at",
    "reason",
    "commitment",
    "status",
    "account",
    "links",
    "practices",
]


def export_rows(version: ReportVersion, language: str) -> list[dict[str, Any]]:
    """Return a submitted version as CSV rows, one per commitment."""
    report = version.report
    return [
        {
            "declaration": report.period.declaration.slug,
            "period": report.period.label,
            "city": report.city.slug,
            "city_name": report.city.local_name(language) or report.city.name,
            "version": version.number,
            "submitted_at": version.submitted_at.isoformat() if version.submitted_at else "",
            "reason": version.reason or "",
            "commitment": entry.commitment,
            "status": entry.status.value if entry.status else "",
            "account": entry.account,
            "links": " ".join(entry.links or []),
            "practices": " ".join(row.practice.slug for row in entry.evidence),
        }
        for entry in version.entries
    ]


@bp.route("/<slug>/reports.csv")
@public
def reports_csv(slug: str) -> Response:
    """Export the submitted reports (the current version of each) as CSV, one row per commitment.

    ``?period=`` keeps one period's.
    """
    declaration = public_declaration(slug)
    periods = queries.periods_of(declaration.id)
    wanted = (request.args.get("period") or "").strip()[:32]
    period = next((p for p in periods if p.label == wanted), None) if wanted else None
    if wanted and period is None:
        abort(404)
    language = str(get_locale())
    # Read before the answer streams: the rows need their entries and cities loaded.
    rows = [
        [row[name] for name in EXPORT_FIELDS]
        for version in queries.submitted_in_batches(declaration.id, period.id if period else None)
        for row in export_rows(version, language)
    ]
    return csv_response(EXPORT_FIELDS, rows, f"{declaration.slug}-reports.csv")
