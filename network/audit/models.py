"""The audit log: an append-only chain in which each entry holds its predecessor's hash."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from network.db import UTCDateTime, db

GENESIS_HASH = "0" * 64


class AuditEntry(db.Model):
    """One change of state, as recorded at the time; never updated or deleted."""

    __tablename__ = "audit_entries"

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    subject_type: Mapped[str] = mapped_column(sa.String(32))
    subject_id: Mapped[str] = mapped_column(sa.String(64))
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    # Public entries appear on the public record; private ones (accounts, secret
    # ballot contents) only to the secretariat.
    public: Mapped[bool] = mapped_column(default=True)
    prev_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    hash: Mapped[str] = mapped_column(sa.String(64), unique=True)

    actor = db.relationship("User", lazy="joined")

    __table_args__ = (sa.Index("ix_audit_entries_subject", "subject_type", "subject_id"),)


class AuditHead(db.Model):
    """The newest entry's number and hash, in one row that writers lock in turn.

    Locking this row (``SELECT … FOR UPDATE``) serialises appends on PostgreSQL so
    two concurrent transactions can never both chain onto the same predecessor.
    """

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int]
    hash: Mapped[str] = mapped_column(sa.String(64))
