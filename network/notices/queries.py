"""Reads of the outbox: the secretariat's list, counts by status, undelivered mail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from network.db import db
from network.notices.models import MessageStatus, NoticeKind, OutboxMessage

UNDELIVERED = (MessageStatus.pending, MessageStatus.sending, MessageStatus.failed)
WAITING = (MessageStatus.pending, MessageStatus.sending)
# A message still waiting this long after it was queued is shown to the secretariat.
DEFAULT_OVERDUE = timedelta(hours=1)
FAILED_SHOWN = 5


def overdue_after() -> timedelta:
    """Return how long a message may wait before the dashboard says it waits too long."""
    return current_app.config.get("MAIL_OVERDUE", DEFAULT_OVERDUE)


def outbox_statement(
    status: MessageStatus | None = None, *, queued_before: datetime | None = None
) -> sa.Select[tuple[OutboxMessage]]:
    """Return the outbox's messages, newest first, of one status or all.

    :param queued_before: only the messages still waiting to be sent that were queued
        before this time (those waiting too long).
    """
    statement = sa.select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if status is not None:
        statement = statement.where(OutboxMessage.status == status)
    if queued_before is not None:
        statement = statement.where(
            OutboxMessage.status.in_(WAITING), OutboxMessage.created_at < queued_before
        )
    return statement


@dataclass(frozen=True)
class FailedMessage:
    """A message the mail server refused for good, or gave up on, with the reason."""

    id: int
    recipient_address: str
    kind: NoticeKind
    subject: str
    last_error: str | None
    created_at: datetime


@dataclass(frozen=True)
class Undelivered:
    """The dashboard's card of undelivered mail."""

    failed: int
    overdue: int
    latest_failed: list[FailedMessage]

    @property
    def is_clear(self) -> bool:
        """Tell whether nothing failed and nothing waits too long."""
        return not self.failed and not self.overdue


def undelivered(now: datetime, limit: int = FAILED_SHOWN) -> Undelivered:
    """Count the failed messages and those waiting too long; name the latest failures.

    Two statements whatever the outbox's size: each count walks only the index entries
    it counts (failed ones; waiting ones queued before the limit), never the messages
    queued and on their way, which may be the whole network's after a notice.
    """
    queued_before = now - overdue_after()
    failed = (
        sa.select(sa.func.count())
        .where(OutboxMessage.status == MessageStatus.failed)
        .scalar_subquery()
    )
    overdue = (
        sa.select(sa.func.count())
        .where(OutboxMessage.status.in_(WAITING), OutboxMessage.created_at < queued_before)
        .scalar_subquery()
    )
    failed, overdue = db.session.execute(sa.select(failed, overdue)).one()
    latest = []
    if failed:
        rows = db.session.execute(
            sa.select(
                OutboxMessage.id,
                OutboxMessage.recipient_address,
                OutboxMessage.kind,
                OutboxMessage.subject,
                OutboxMessage.last_error,
                OutboxMessage.created_at,
            )
            .where(OutboxMessage.status == MessageStatus.failed)
            .order_by(OutboxMessage.id.desc())
            .limit(limit)
        )
        latest = [FailedMessage(*row) for row in rows]
    return Undelivered(failed=failed, overdue=overdue, latest_failed=latest)


def status_counts() -> dict[MessageStatus, int]:
    """Count the outbox's messages in each status (every status present, zero or more)."""
    rows = db.session.execute(
        sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
    )
    counts = dict.fromkeys(MessageStatus, 0)
    counts.update({status: count for status, count in rows})
    return counts


def undelivered_count() -> int:
    """Count the messages not delivered yet: waiting, being sent, or failed."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.status.in_(UNDELIVERED))
    )


def messages_to(user_id: int, limit: int = 20) -> list[OutboxMessage]:
    """Return the latest messages to one account, newest first."""
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.recipient_id == user_id)
            .order_by(OutboxMessage.id.desc())
            .limit(limit)
        )
    )
