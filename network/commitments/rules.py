"""Pure rules of reports on commitments: who writes and reads them, what they may say."""

from __future__ import annotations

import re
from datetime import date, timedelta

from network.practices.rules import Person, can_feature, is_web_link, writes_for

ACCOUNT_MAX_LENGTH = 1000
REASON_MAX_LENGTH = 1000
MAX_LINKS = 5
# A period's label: a year ("2026") or a short name ("2026-H1"), used in addresses.
LABEL = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.-]{0,31}$")

__all__ = [
    "ACCOUNT_MAX_LENGTH",
    "MAX_LINKS",
    "REASON_MAX_LENGTH",
    "can_manage_periods",
    "can_read_draft",
    "due_reminders",
    "is_period_label",
    "is_web_link",
    "needs_reason",
    "writes_report_for",
]


def writes_report_for(person: Person | None, city_id: int) -> bool:
    """Tell whether ``person`` may write and submit the city's report.

    Its own delegates do (issue #20: "a delegate reports"), as they write its practices;
    the secretariat opens and closes periods but does not report for a city.
    """
    return writes_for(person, city_id)


def can_manage_periods(person: Person | None) -> bool:
    """Tell whether ``person`` may open and close reporting periods (the secretariat)."""
    return can_feature(person)


def can_read_draft(person: Person | None, city_id: int) -> bool:
    """Tell whether ``person`` may read the city's draft: its delegates and the secretariat."""
    return writes_report_for(person, city_id) or can_manage_periods(person)


def is_period_label(label: str) -> bool:
    """Tell whether ``label`` names a period: letters, digits, dots and hyphens, up to 32."""
    return bool(LABEL.match(label or ""))


def needs_reason(number: int) -> bool:
    """Tell whether a version must say why it was made: every correction does."""
    return number > 1


def due_reminders(
    due_on: date, today: date, opened_on: date, days: tuple[int, ...], sent: set[int]
) -> list[int]:
    """Return the reminders (days before the deadline) due today and not yet sent.

    A reminder is due once its day has come, before the deadline has passed, if the
    period was open by then (a period opened a week before its deadline gets no
    fourteen-day reminder).
    """
    if today > due_on:
        return []
    due = []
    for before in days:
        day = due_on - timedelta(days=before)
        if day <= today and opened_on <= day and before not in sent:
            due.append(before)
    return due
