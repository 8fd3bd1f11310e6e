"""Pure rules of the audit chain: how an entry is hashed and how a chain is checked."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol


class Entry(Protocol):
    """What the chain check needs of an entry."""

    seq: int
    created_at: datetime
    actor_id: int | None
    action: str
    subject_type: str
    subject_id: str
    data: dict[str, Any]
    public: bool
    prev_hash: str
    hash: str


def entry_hash(
    *,
    seq: int,
    created_at: datetime,
    actor_id: int | None,
    action: str,
    subject_type: str,
    subject_id: str,
    data: dict[str, Any],
    public: bool,
    prev_hash: str,
) -> str:
    """Return the SHA-256 of an entry's canonical JSON form, its predecessor's hash included.

    :param created_at: an aware datetime; it is hashed as UTC with microseconds.
    """
    canonical = json.dumps(
        {
            "seq": seq,
            "created_at": created_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor_id": actor_id,
            "action": action,
            "subject_type": subject_type,
            "subject_id": subject_id,
            "data": data,
            "public": public,
            "prev_hash": prev_hash,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def hash_of(entry: Entry) -> str:
    """Recompute the hash an entry should carry from its own content."""
    return entry_hash(
        seq=entry.seq,
        created_at=entry.created_at,
        actor_id=entry.actor_id,
        action=entry.action,
        subject_type=entry.subject_type,
        subject_id=entry.subject_id,
        data=entry.data,
        public=entry.public,
        prev_hash=entry.prev_hash,
    )


@dataclass(frozen=True)
class ChainReport:
    """The outcome of checking a chain: ``broken_at`` is None when it is intact."""

    checked: int
    head_seq: int
    head_hash: str
    broken_at: int | None = None
    reason: str = ""

    @property
    def intact(self) -> bool:
        """Tell whether every entry checked out."""
        return self.broken_at is None


def verify_chain(entries: Iterable[Entry], genesis_hash: str) -> ChainReport:
    """Check entries in order of ``seq``: numbering, links and each entry's own hash.

    :param entries: the entries sorted by ``seq``, starting at 1.
    :param genesis_hash: the ``prev_hash`` the first entry must carry.
    """
    expected_prev, expected_seq, checked = genesis_hash, 1, 0
    for entry in entries:
        if entry.seq != expected_seq:
            return ChainReport(
                checked,
                expected_seq - 1,
                expected_prev,
                entry.seq,
                f"expected entry #{expected_seq}, found #{entry.seq}",
            )
        if entry.prev_hash != expected_prev:
            return ChainReport(
                checked,
                entry.seq - 1,
                expected_prev,
                entry.seq,
                "its link to the previous entry does not match",
            )
        if hash_of(entry) != entry.hash:
            return ChainReport(
                checked,
                entry.seq - 1,
                expected_prev,
                entry.seq,
                "its content does not match its hash",
            )
        expected_prev, expected_seq, checked = entry.hash, entry.seq + 1, checked + 1
    return ChainReport(checked, expected_seq - 1, expected_prev)
