"""The current time, from one place, so tests can travel in time (time-machine)."""

from __future__ import annotations

from datetime import UTC, date, datetime


def now() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """Read a naive date and time entered in a form (labelled UTC) as UTC."""
    return value.replace(tzinfo=UTC) if value is not None else None


def today() -> date:
    """Return the current UTC date."""
    return now().date()
