"""Pure rules of delivery: when to try again, and what an SMTP answer means."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum


class Outcome(StrEnum):
    """What became of one attempt to hand a message to the mail server."""

    sent = "sent"  # accepted (2xx)
    temporary = "temporary"  # refused for now (4xx): try again later
    permanent = "permanent"  # refused for good (5xx)
    unknown = "unknown"  # the connection dropped after the message was handed over
    unreachable = "unreachable"  # nothing was handed over: the server could not be reached


def retry_delay(attempts: int, base: timedelta, cap: timedelta) -> timedelta:
    """Return how long to wait after the ``attempts``-th failed attempt (exponential backoff).

    ``base`` after the first, doubling each time, never more than ``cap``.

    :param attempts: attempts made so far, at least 1.
    """
    exponent = max(attempts - 1, 0)
    if exponent >= 32:  # 2**32 minutes is past any cap
        return cap
    return min(base * 2**exponent, cap)


def outcome_of_reply(code: int) -> Outcome:
    """Classify an SMTP reply code (RFC 5321 section 4.2.1)."""
    if 200 <= code < 400:
        return Outcome.sent
    if 400 <= code < 500:
        return Outcome.temporary
    return Outcome.permanent


def gives_up(outcome: Outcome, attempts: int, max_attempts: int) -> bool:
    """Tell whether a message is failed for good after this attempt's outcome."""
    if outcome is Outcome.permanent:
        return True
    if outcome in (Outcome.temporary, Outcome.unknown):
        return attempts >= max_attempts
    return False
