"""Reminders before a reporting period's deadline, to signatory cities yet to report.

The tick (``flask network tick``) sends each of a period's reminders once: by default
14 and 3 days before its deadline (``REPORT_REMINDER_DAYS``), to the delegates of the
signatory cities with no submitted report (``notices.notify.report_reminder``, an
optional kind each person may turn off). As for votes, a reminder whose day came before
the period opened is not sent, and two that fell due together go as one message.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from network.audit.services import record
from network.commitments import queries, rules
from network.commitments.models import ReportingPeriod, ReportReminder
from network.db import db
from network.notices import notify

DEFAULT_DAYS = (14, 3)


def reminder_days() -> tuple[int, ...]:
    """Return how many days before a deadline the reminders go, earliest first."""
    days = current_app.config.get("REPORT_REMINDER_DAYS", DEFAULT_DAYS)
    return tuple(sorted({int(day) for day in days}, reverse=True))


def _remind(period: ReportingPeriod, days: list[int], now: datetime) -> ReportReminder:
    declaration = period.declaration
    awaiting = queries.awaiting(period.id, declaration.id)
    cities = db.session.scalar(sa.select(sa.func.count()).select_from(awaiting.subquery())) or 0
    text = declaration.texts.get(declaration.authoritative_language)
    title = text.title if text else declaration.slug
    messages = notify.report_reminder(period, title, awaiting, now=now) if cities else 0
    rows = [
        ReportReminder(
            period_id=period.id, days_before=day, sent_at=now, cities=cities, messages=messages
        )
        for day in days
    ]
    db.session.add_all(rows)
    db.session.flush()
    record(
        "reporting_period.reminded",
        subject=("reporting_period", period.id),
        actor=None,
        now=now,
        public=False,
        data={"days_before": days, "cities": cities, "messages": messages},
    )
    return rows[-1]


def send_due_report_reminders(now: datetime) -> list[ReportReminder]:
    """Send the reminders whose day has come, each once per period (run by the tick)."""
    days = reminder_days()
    if not days:
        return []
    today = now.date()
    periods = list(
        db.session.scalars(
            sa.select(ReportingPeriod)
            .where(
                ReportingPeriod.closed_at.is_(None),
                ReportingPeriod.due_on >= today,
                ReportingPeriod.due_on <= today + timedelta(days=days[0]),
            )
            .order_by(ReportingPeriod.due_on, ReportingPeriod.id)
        )
    )
    if not periods:
        return []
    sent: dict[int, set[int]] = {}
    for period_id, day in db.session.execute(
        sa.select(ReportReminder.period_id, ReportReminder.days_before).where(
            ReportReminder.period_id.in_([period.id for period in periods])
        )
    ):
        sent.setdefault(period_id, set()).add(day)
    reminders = []
    for period in periods:
        due = rules.due_reminders(
            period.due_on, today, period.opened_at.date(), days, sent.get(period.id, set())
        )
        if due:
            reminders.append(_remind(period, due, now))
    return reminders
