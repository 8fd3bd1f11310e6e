"""Who writes and reads reports, what a period is called, when reminders are due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from network.commitments import rules


@dataclass
class Person:
    role: str
    city_id: int | None = None
    is_authenticated: bool = True


SEOUL = 1
HAMBURG = 2


@pytest.mark.parametrize(
    ("person", "writes", "reads_draft"),
    [
        (Person("delegate", SEOUL), True, True),
        (Person("delegate", HAMBURG), False, False),
        (Person("delegate", None), False, False),
        (Person("observer"), False, False),
        (Person("secretariat"), False, True),
        (Person("delegate", SEOUL, is_authenticated=False), False, False),
        (None, False, False),
    ],
)
def test_only_the_citys_delegates_write_and_the_secretariat_also_reads_drafts(
    person, writes, reads_draft
):
    assert rules.writes_report_for(person, SEOUL) is writes
    assert rules.can_read_draft(person, SEOUL) is reads_draft


@pytest.mark.parametrize(
    ("person", "manages"),
    [
        (Person("secretariat"), True),
        (Person("delegate", SEOUL), False),
        (Person("observer"), False),
    ],
)
def test_only_the_secretariat_opens_and_closes_periods(person, manages):
    assert rules.can_manage_periods(person) is manages


@pytest.mark.parametrize(
    ("label", "valid"),
    [
        ("2026", True),
        ("2026-H1", True),
        ("v1.2", True),
        ("", False),
        ("-2026", False),
        ("2026 first half", False),
        ("x" * 33, False),
        ("<b>", False),
    ],
)
def test_a_period_is_named_with_letters_digits_dots_and_hyphens(label, valid):
    assert rules.is_period_label(label) is valid


def test_every_correction_needs_a_reason_the_first_version_does_not():
    assert not rules.needs_reason(1)
    assert rules.needs_reason(2) and rules.needs_reason(7)


DUE = date(2026, 12, 31)


@pytest.mark.parametrize(
    ("today", "opened", "sent", "due"),
    [
        (date(2026, 12, 1), date(2026, 11, 1), set(), []),  # too early
        (date(2026, 12, 17), date(2026, 11, 1), set(), [14]),
        (date(2026, 12, 20), date(2026, 11, 1), {14}, []),  # sent already
        (date(2026, 12, 29), date(2026, 11, 1), set(), [14, 3]),  # the tick missed one
        (date(2026, 12, 29), date(2026, 11, 1), {14}, [3]),
        (date(2026, 12, 29), date(2026, 12, 25), set(), [3]),  # opened after the 14-day mark
        (date(2027, 1, 1), date(2026, 11, 1), set(), []),  # past the deadline
        (DUE, date(2026, 11, 1), {14, 3}, []),
    ],
)
def test_reminders_fall_due_once_each_while_the_period_was_open(today, opened, sent, due):
    assert rules.due_reminders(DUE, today, opened, (14, 3), sent) == due
