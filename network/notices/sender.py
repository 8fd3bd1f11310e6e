"""The sender: deliver what the outbox holds, each message once, none lost.

One pass of :func:`deliver` repeats, until nothing is due:

1. **Claim** a batch of due messages — waiting ones whose time has come, and ones left
   "sending" by a sender that died (their claim lapsed after ``MAIL_LEASE``) — by
   marking them ``sending`` with a new lapse time, and **commit**. On PostgreSQL the
   claim reads with ``FOR UPDATE SKIP LOCKED``, so senders running at once on several
   servers each take other messages; on SQLite one conditional ``UPDATE ... RETURNING``
   claims them (SQLite has one writer at a time).
2. **Send** them one by one over one connection, committing each outcome as soon as it
   is known: accepted → ``sent``; a 4xx answer, or a connection lost after the message
   was handed over (outcome unknown) → waiting again, after an exponential backoff;
   a 5xx answer or too many attempts → ``failed`` with the reason. If the server cannot
   be reached, nothing was handed over: the message and the rest of the batch go back
   to waiting, their attempt not counted, and the pass stops.

Nothing is held in memory beyond one batch. A sender killed at any point leaves at most
the messages of its batch in ``sending``; they are sent after the lease, with their
Message-ID, so a message whose outcome was unknown arrives as the same message.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from network.common import clock
from network.db import db
from network.notices.backends import Backend, DeliveryError, backend_from_config
from network.notices.compose import build_email, sender_address
from network.notices.models import MessageStatus, OutboxMessage
from network.notices.rules import Outcome, gives_up, retry_delay

log = logging.getLogger("network.mail")


@dataclass
class DeliveryReport:
    """What one pass of the sender did."""

    sent: int = 0
    retrying: int = 0  # a temporary refusal or an unknown outcome: tried again later
    failed: int = 0
    deferred: int = 0  # claimed but not tried: the server could not be reached
    unreachable: str | None = None  # why the pass stopped early

    @property
    def attempted(self) -> int:
        """Count the messages handed to the server (or refused by it)."""
        return self.sent + self.retrying + self.failed

    def summary(self) -> str:
        """Say in one line what the pass did."""
        text = (
            f"Sent {self.sent} message(s); {self.retrying} to try again later; "
            f"{self.failed} failed."
        )
        if self.unreachable:
            text += f" Stopped: {self.unreachable} ({self.deferred} message(s) wait)."
        return text


def _due(now: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(
        OutboxMessage.status.in_([MessageStatus.pending, MessageStatus.sending]),
        OutboxMessage.next_attempt_at <= now,
    )


def _give_up_lapsed(session: Session, now: datetime, max_attempts: int) -> None:
    """Fail the messages whose claim lapsed again and again (a sender dies on them)."""
    session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.status == MessageStatus.sending,
            OutboxMessage.next_attempt_at <= now,
            OutboxMessage.attempts >= max_attempts,
        )
        .values(
            status=MessageStatus.failed,
            last_error=f"The sender stopped {max_attempts} times while sending it; "
            "the outcome of the last attempt is unknown.",
        )
        .execution_options(synchronize_session=False)
    )


def claim(session: Session, *, limit: int, now: datetime) -> list[int]:
    """Mark up to ``limit`` due messages as being sent by this sender; return their ids.

    The caller commits at once, before talking to the mail server.
    """
    config = current_app.config
    _give_up_lapsed(session, now, config["MAIL_MAX_ATTEMPTS"])
    claimed = {
        "status": MessageStatus.sending,
        "attempts": OutboxMessage.attempts + 1,
        "next_attempt_at": now + config["MAIL_LEASE"],
    }
    due = (
        sa.select(OutboxMessage.id)
        .where(_due(now))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        # Rows another sender is claiming are skipped, not waited for.
        ids = list(session.scalars(due.with_for_update(skip_locked=True)))
        if not ids:
            return []
        session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), _due(now))
            .values(claimed)
            .execution_options(synchronize_session=False)
        )
        return sorted(ids)
    # SQLite: a write first, so this transaction holds the one writer's lock from the
    # start; the condition is checked again by the UPDATE itself.
    rows = session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id.in_(due.scalar_subquery()), _due(now))
        .values(claimed)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    )
    return sorted(rows.scalars())


def _record(message: OutboxMessage, error: DeliveryError | None, now: datetime) -> Outcome:
    """Set the (detached) message's state from its attempt's outcome; return the outcome."""
    config = current_app.config
    if error is None:
        message.status, message.sent_at = MessageStatus.sent, now
        return Outcome.sent
    outcome = error.outcome
    message.last_error = error.reason[:1000]
    if outcome is Outcome.unreachable:
        # Nothing was handed over: as if the message had not been claimed.
        message.status, message.next_attempt_at = MessageStatus.pending, now
        message.attempts = max(message.attempts - 1, 0)
    elif gives_up(outcome, message.attempts, config["MAIL_MAX_ATTEMPTS"]):
        message.status = MessageStatus.failed
        if outcome is not Outcome.permanent:
            message.last_error = f"{error.reason} (gave up after {message.attempts} attempts)"[
                :1000
            ]
    else:
        message.status = MessageStatus.pending
        message.next_attempt_at = now + retry_delay(
            message.attempts, config["MAIL_RETRY_BASE"], config["MAIL_RETRY_CAP"]
        )
    return outcome


def _write(session: Session, message: OutboxMessage) -> None:
    """Write a claimed message's new state, and commit it at once.

    One UPDATE, first in its transaction: on SQLite it takes the writer's lock without
    first holding a reader's, so two senders wait for each other instead of failing.
    """
    session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message.id, OutboxMessage.status == MessageStatus.sending)
        .values(
            status=message.status,
            attempts=message.attempts,
            next_attempt_at=message.next_attempt_at,
            last_error=message.last_error,
            sent_at=message.sent_at,
        )
        .execution_options(synchronize_session=False)
    )
    session.commit()


def _load(session: Session, ids: list[int]) -> list[OutboxMessage]:
    """Read the claimed messages and detach them: the sender works on them as claimed."""
    messages = session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.id.in_(ids))
        .order_by(OutboxMessage.id)
        .execution_options(populate_existing=True)
    ).all()
    for message in messages:
        session.expunge(message)
    return list(messages)


def _send_batch(
    session: Session, messages: list[OutboxMessage], backend: Backend, report: DeliveryReport
) -> None:
    sender = sender_address()
    for message in messages:
        if report.unreachable:
            message.status, message.attempts = MessageStatus.pending, max(message.attempts - 1, 0)
            message.next_attempt_at = clock.now()
            message.last_error = report.unreachable[:1000]
            _write(session, message)
            report.deferred += 1
            continue
        error: DeliveryError | None = None
        try:
            backend.send(
                build_email(message),
                sender=sender,
                recipient=message.recipient_address,
                name=str(message.id),
                now=clock.now(),
            )
        except DeliveryError as failure:
            error = failure
        outcome = _record(message, error, clock.now())
        # Each outcome is kept as soon as it is known: a crash now resends at most the
        # messages whose outcome was not yet written.
        _write(session, message)
        if outcome is Outcome.sent:
            report.sent += 1
        elif outcome is Outcome.unreachable:
            report.unreachable = message.last_error or "unreachable"
            report.deferred += 1
            log.warning("mail server unreachable: %s", report.unreachable)
        elif message.status is MessageStatus.failed:
            report.failed += 1
            log.warning("message %s failed: %s", message.id, message.last_error)
        else:
            report.retrying += 1
            log.info("message %s to try again: %s", message.id, message.last_error)


def deliver(
    batch_size: int | None = None,
    *,
    backend: Backend | None = None,
    session: Session | None = None,
    max_batches: int | None = None,
) -> DeliveryReport:
    """Send every due message, batch by batch, until none is due; report what happened.

    Call it in an app context; it commits (claims and outcomes) on ``session``
    (``db.session`` by default), so give it a session holding no work of its own.

    :param batch_size: messages claimed at a time (``MAIL_BATCH_SIZE``).
    :param backend: where to send (the one MAIL_BACKEND configures by default).
    :param max_batches: stop after this many batches even if more are due.
    """
    config = current_app.config
    session = session or db.session
    backend = backend or backend_from_config(config, current_app.instance_path)
    limit = batch_size or config["MAIL_BATCH_SIZE"]
    report = DeliveryReport()
    batches = 0
    with backend:
        while max_batches is None or batches < max_batches:
            ids = claim(session, limit=limit, now=clock.now())
            messages = _load(session, ids) if ids else []
            session.commit()  # claimed before a word is said to the mail server
            if not messages:
                break
            batches += 1
            _send_batch(session, messages, backend, report)
            if report.unreachable:
                break
    return report
