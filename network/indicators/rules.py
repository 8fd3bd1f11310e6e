"""Pure rules of indicators: who defines and enters them, what a value may be.

A value is checked in three steps, each with its own message: it must be a number
written plainly (``parse_amount``), within its unit's bounds (a percent is 0–100, hours
in a week at most 168, a count a whole number, nothing negative but a ratio or index),
and within the indicator's own range when the secretariat set one (``range_problem``).
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

from network.indicators.models import Unit
from network.practices.rules import Person, can_feature, is_web_link, writes_for

SOURCE_MAX_LENGTH = 500
REASON_MAX_LENGTH = 1000
NAME_MAX_LENGTH = 200
DEFINITION_MAX_LENGTH = 5000
DECIMALS = 4
# Beyond any figure a city reports (a count of workers, a wage in won per hour).
LARGEST = Decimal("1e12")
EARLIEST_YEAR = 1950
LATEST_YEAR = 2200
NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$")
CURRENCY = re.compile(r"^[A-Z]{3}$")

__all__ = [
    "DECIMALS",
    "REASON_MAX_LENGTH",
    "SOURCE_MAX_LENGTH",
    "can_define",
    "can_read_draft",
    "enters_for",
    "is_currency_code",
    "is_web_link",
    "is_year",
    "needs_reason",
    "parse_amount",
    "range_problem",
    "unit_bounds",
]


def enters_for(person: Person | None, city_id: int) -> bool:
    """Tell whether ``person`` may enter, publish and revise the city's values.

    Its own delegates do, as they write its reports on commitments: a city answers for
    its own figures. The secretariat defines indicators and opens collections, and does
    not publish a figure on a city's behalf.
    """
    return writes_for(person, city_id)


def can_define(person: Person | None) -> bool:
    """Tell whether ``person`` may define indicators and open or close collections."""
    return can_feature(person)


def can_read_draft(person: Person | None, city_id: int) -> bool:
    """Tell whether ``person`` may read the city's drafts: its delegates and the secretariat."""
    return enters_for(person, city_id) or can_define(person)


def needs_reason(number: int) -> bool:
    """Tell whether a version must say why it was made: every revision does."""
    return number > 1


def is_year(year: int | None) -> bool:
    """Tell whether ``year`` is a plausible calendar year for a collection or a figure."""
    return year is not None and EARLIEST_YEAR <= year <= LATEST_YEAR


def is_currency_code(code: str | None) -> bool:
    """Tell whether ``code`` is written as an ISO 4217 code: three capital letters."""
    return bool(code) and bool(CURRENCY.match(code or ""))


def parse_amount(text: str | None) -> Decimal | None:
    """Read a number written plainly (``12``, ``-3.5``, ``.25``); None when it is not one.

    A point marks the decimals and no separator groups the thousands, so that "1,000"
    is never read as one. At most ``DECIMALS`` decimals, and no larger than ``LARGEST``.
    """
    text = (text or "").strip().replace(" ", "")
    if not NUMBER.match(text):
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    if not amount.is_finite() or abs(amount) >= LARGEST:
        return None
    if amount != amount.quantize(Decimal(1).scaleb(-DECIMALS)):
        return None
    return amount


def unit_bounds(unit: Unit) -> tuple[float | None, float | None]:
    """Return the lowest and highest value a unit allows (None: no bound)."""
    return {
        Unit.percent: (0.0, 100.0),
        Unit.currency_per_hour: (0.0, None),
        Unit.hours_per_week: (0.0, 168.0),
        Unit.count: (0.0, None),
        Unit.ratio: (None, None),
    }[unit]


def _outside(value: float, low: float | None, high: float | None) -> bool:
    return (low is not None and value < low) or (high is not None and value > high)


def range_problem(
    unit: Unit, amount: float, low: float | None = None, high: float | None = None
) -> str | None:
    """Name what is wrong with ``amount`` for an indicator, or None when it is valid.

    ``"whole"``: a count must be a whole number; ``"unit"``: outside the unit's bounds;
    ``"range"``: outside the indicator's own range (``low`` to ``high``).
    """
    if not math.isfinite(amount):
        return "unit"
    if unit is Unit.count and amount != int(amount):
        return "whole"
    if _outside(amount, *unit_bounds(unit)):
        return "unit"
    if _outside(amount, low, high):
        return "range"
    return None


def range_fits_unit(unit: Unit, low: float | None, high: float | None) -> bool:
    """Tell whether an indicator's range is ordered and lies within its unit's bounds."""
    if low is not None and high is not None and low > high:
        return False
    unit_low, unit_high = unit_bounds(unit)
    return not any(
        bound is not None and _outside(bound, unit_low, unit_high) for bound in (low, high)
    )
