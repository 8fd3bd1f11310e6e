"""Pure checks of a meeting's times, zone and link."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

# Longest zone name kept (the column's width); the IANA's longest is about 32.
MAX_ZONE = 64


@lru_cache(maxsize=1)
def time_zone_names() -> frozenset[str]:
    """Return the IANA time zone names this machine knows (its tz database)."""
    return frozenset(available_timezones())


def is_time_zone(name: str) -> bool:
    """Tell whether ``name`` is an IANA time zone, spelt exactly ("Asia/Seoul").

    Only the database's names: not a file path, an abbreviation ("KST") or a POSIX
    rule ("UTC+9"), which ``ZoneInfo`` might otherwise read.
    """
    if not name or len(name) > MAX_ZONE or name not in time_zone_names():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):  # pragma: no cover - listed but unreadable
        return False
    return True


def is_web_address(url: str) -> bool:
    """Tell whether ``url`` is an absolute http(s) address with a host, and no spaces."""
    if any(char.isspace() for char in url) or len(url) > 500:
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in {"http", "https"} and bool(parts.hostname)


def local_moment(wall_time: datetime, zone: str) -> datetime | None:
    """Return the moment (UTC) a wall-clock time in ``zone`` names, or None if none.

    A time skipped when the clocks go forward (02:30 on the last Sunday of March in
    Paris) names no moment; a time that happens twice as they go back is its first.
    """
    tz = ZoneInfo(zone)
    moment = wall_time.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if moment.astimezone(tz).replace(tzinfo=None) != wall_time.replace(tzinfo=None):
        return None
    return moment
