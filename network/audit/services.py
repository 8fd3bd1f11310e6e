"""Appending to the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from network.audit.models import AuditEntry, AuditHead
from network.audit.rules import entry_hash
from network.db import db

HEAD_ID = 1


def record(
    action: str,
    *,
    subject: tuple[str, Any],
    actor: Any | None,
    now: datetime,
    data: dict[str, Any] | None = None,
    public: bool = True,
) -> AuditEntry:
    """Append one entry to the chain in the current transaction and flush it.

    :param action: a dotted verb, e.g. ``city.status_changed``.
    :param subject: ``(type, id)`` of what changed, e.g. ``("city", "seoul")``.
    :param actor: the acting user, or None for a command run by the operator.
    :param data: JSON-ready facts of the change (strings, numbers, booleans, lists).
    :param public: whether the entry belongs on the public record.
    """
    head = db.session.execute(
        sa.select(AuditHead).where(AuditHead.id == HEAD_ID).with_for_update()
    ).scalar_one()
    subject_type, subject_id = subject
    fields: dict[str, Any] = {
        "seq": head.seq + 1,
        "created_at": now,
        "actor_id": actor.id if actor is not None else None,
        "action": action,
        "subject_type": subject_type,
        "subject_id": str(subject_id),
        "data": data or {},
        "public": public,
        "prev_hash": head.hash,
    }
    entry = AuditEntry(**fields, hash=entry_hash(**fields))
    db.session.add(entry)
    head.seq, head.hash = entry.seq, entry.hash
    db.session.flush()
    return entry
