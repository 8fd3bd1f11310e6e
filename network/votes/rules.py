"""Pure rules of voting: when ballots are taken, what a ballot may hold, receipt codes."""

from __future__ import annotations

import re
import secrets
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from network.votes.models import Choice, VoteKind, VoteStatus

# Crockford's base32: no I, L, O or U, so a code read aloud or copied by hand survives.
RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECEIPT_PATTERN = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(?:-[0-9A-HJKMNP-TV-Z]{4}){3}$")


def is_accepting_ballots(status: VoteStatus, closes_at: datetime | None, now: datetime) -> bool:
    """Tell whether a vote takes ballots: open, and not past its closing time."""
    return status is VoteStatus.open and (closes_at is None or now < closes_at)


def is_past_closing(status: VoteStatus, closes_at: datetime | None, now: datetime) -> bool:
    """Tell whether an open vote's closing time has passed (its result awaits the count)."""
    return status is VoteStatus.open and closes_at is not None and now >= closes_at


def new_receipt() -> str:
    """Return a fresh receipt code such as ``7KQ2-M9XD-4TPA-WRHN`` (80 random bits)."""
    groups = ("".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(4)) for _ in range(4))
    return "-".join(groups)


def normalise_code(code: str) -> str:
    """Normalise a code as typed: upper case, spaces dropped, groups of four."""
    compact = re.sub(r"[\s-]", "", code.upper())
    return "-".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def is_receipt(code: str) -> bool:
    """Tell whether ``code`` has the shape of a ballot receipt."""
    return bool(RECEIPT_PATTERN.match(code))


def clean_choice(kind: VoteKind, raw: Any, option_ids: Collection[int]) -> Any:
    """Check a ballot's content against the vote's kind and return it in stored form.

    Approval: ``"yes" | "no" | "abstain"``. Single: an option id, or None for blank.
    Ranked: a list of distinct option ids, best first; an empty list is blank.

    :raises ValueError: when the content does not fit the kind or names a non-option.
    """
    if kind is VoteKind.approval:
        if raw not in {choice.value for choice in Choice}:
            raise ValueError("choose yes, no or abstain")
        return str(raw)
    if kind is VoteKind.single:
        if raw is None:
            return None
        if not isinstance(raw, int) or isinstance(raw, bool) or raw not in option_ids:
            raise ValueError("choose one of the candidates")
        return raw
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        raise ValueError("rank the candidates")
    ranking = list(raw)
    if any(not isinstance(item, int) or item not in option_ids for item in ranking):
        raise ValueError("rank only the candidates")
    if len(set(ranking)) != len(ranking):
        raise ValueError("rank each candidate once")
    return ranking
