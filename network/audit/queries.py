"""Reads of the audit log."""

from __future__ import annotations

import sqlalchemy as sa

from network.audit.models import GENESIS_HASH, AuditEntry, AuditHead
from network.audit.rules import ChainReport, verify_chain
from network.db import db


def head() -> AuditHead:
    """Return the newest entry's number and hash."""
    return db.session.execute(sa.select(AuditHead)).scalar_one()


def entries_in_order(batch: int = 1000) -> sa.ScalarResult[AuditEntry]:
    """Stream every entry by ``seq`` without loading the whole log; close it when done."""
    statement = sa.select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=batch)
    return db.session.scalars(statement)


def check_chain() -> ChainReport:
    """Verify the whole chain and that the head row points at its last entry."""
    with entries_in_order() as entries:
        report = verify_chain(entries, GENESIS_HASH)
    if not report.intact:
        return report
    current = head()
    if (current.seq, current.hash) != (report.head_seq, report.head_hash):
        return ChainReport(
            report.checked,
            report.head_seq,
            report.head_hash,
            report.head_seq + 1,
            f"the head names entry #{current.seq}, the chain ends at #{report.head_seq}",
        )
    return report


def latest_entries_statement() -> sa.Select[tuple[AuditEntry]]:
    """Select entries newest first, for the secretariat's log."""
    return sa.select(AuditEntry).order_by(AuditEntry.seq.desc())


def public_entries_statement() -> sa.Select[tuple[AuditEntry]]:
    """Select the entries that are public by nature, newest first, for the open record."""
    return sa.select(AuditEntry).where(AuditEntry.public).order_by(AuditEntry.seq.desc())


def chain_statement() -> sa.Select[tuple[AuditEntry]]:
    """Every entry, oldest first: the whole chain, as the open data publishes it."""
    return sa.select(AuditEntry).order_by(AuditEntry.seq)
