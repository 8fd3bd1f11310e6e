"""Pure rules of indicators: numbers as typed, units' bounds, ranges, who may do what."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from network.indicators import rules
from network.indicators.models import Unit


@dataclass
class Person:
    role: str
    city_id: int | None = None
    is_authenticated: bool = True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", Decimal("12")),
        ("12.5", Decimal("12.5")),
        (" -3.25 ", Decimal("-3.25")),
        (".5", Decimal("0.5")),
        ("+7.", Decimal("7")),
        ("1.2345", Decimal("1.2345")),
        ("1.23450", Decimal("1.2345")),
        ("1.23456", None),  # more than four decimals
        ("1,000", None),  # a thousands separator is never guessed at
        ("12,5", None),
        ("1e3", None),
        ("nan", None),
        ("inf", None),
        ("", None),
        ("twelve", None),
        ("1000000000000", None),  # beyond any figure
        ("٣", None),  # digits of another script
    ],
)
def test_a_number_is_read_only_when_written_plainly(text, expected):
    assert rules.parse_amount(text) == expected


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=4, allow_nan=False))
def test_every_plain_number_reads_back_as_itself(number):
    assert rules.parse_amount(format(number, "f")) == number


@pytest.mark.parametrize(
    ("unit", "amount", "low", "high", "problem"),
    [
        (Unit.percent, 0.0, None, None, None),
        (Unit.percent, 100.0, None, None, None),
        (Unit.percent, 100.5, None, None, "unit"),
        (Unit.percent, -0.1, None, None, "unit"),
        (Unit.hours_per_week, 168.0, None, None, None),
        (Unit.hours_per_week, 169.0, None, None, "unit"),
        (Unit.hours_per_week, 10.0, 20.0, None, "range"),
        (Unit.currency_per_hour, 11.95, None, None, None),
        (Unit.currency_per_hour, -1.0, None, None, "unit"),
        (Unit.count, 3.0, None, None, None),
        (Unit.count, 3.5, None, None, "whole"),
        (Unit.count, -1.0, None, None, "unit"),
        (Unit.ratio, -2.5, None, None, None),
        (Unit.ratio, 2.5, 0.0, 1.0, "range"),
        (Unit.percent, 55.0, 10.0, 50.0, "range"),
        (Unit.percent, 50.0, 10.0, 50.0, None),
        (Unit.ratio, float("inf"), None, None, "unit"),
    ],
)
def test_a_value_is_checked_against_its_unit_then_its_range(unit, amount, low, high, problem):
    assert rules.range_problem(unit, amount, low, high) == problem


@pytest.mark.parametrize(
    ("unit", "low", "high", "fits"),
    [
        (Unit.percent, 0.0, 100.0, True),
        (Unit.percent, 10.0, 5.0, False),  # upside down
        (Unit.percent, None, 120.0, False),  # beyond what a percent can be
        (Unit.hours_per_week, 20.0, None, True),
        (Unit.count, -5.0, None, False),
        (Unit.ratio, -5.0, 5.0, True),
    ],
)
def test_an_indicator_s_range_is_ordered_and_within_its_unit(unit, low, high, fits):
    assert rules.range_fits_unit(unit, low, high) is fits


@pytest.mark.parametrize(
    ("code", "valid"), [("KRW", True), ("GBP", True), ("krw", False), ("EURO", False), ("", False)]
)
def test_a_currency_is_an_iso_4217_code(code, valid):
    assert rules.is_currency_code(code) is valid


def test_only_the_city_s_delegates_enter_and_only_the_secretariat_defines():
    seoul, hamburg = Person("delegate", 1), Person("delegate", 2)
    observer, officer = Person("observer"), Person("secretariat")
    anonymous = Person("delegate", 1, is_authenticated=False)
    assert rules.enters_for(seoul, 1)
    assert not rules.enters_for(hamburg, 1)
    assert not rules.enters_for(observer, 1)
    assert not rules.enters_for(officer, 1)  # the secretariat does not speak for a city
    assert not rules.enters_for(anonymous, 1)
    assert not rules.enters_for(None, 1)
    assert rules.can_define(officer)
    assert not any(rules.can_define(p) for p in (seoul, observer, anonymous, None))
    assert rules.can_read_draft(seoul, 1) and rules.can_read_draft(officer, 1)
    assert not rules.can_read_draft(hamburg, 1) and not rules.can_read_draft(observer, 1)


def test_every_revision_needs_a_reason():
    assert not rules.needs_reason(1)
    assert rules.needs_reason(2) and rules.needs_reason(7)
