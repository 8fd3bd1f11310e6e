"""Writes to the outbox: queue notices, retry or cancel a message, set a preference.

The services of other domains call :func:`queue` (one person) or :func:`queue_many`
(many people, e.g. the delegates of every member city) inside their own transaction,
beside the change of state that causes the notice. Neither commits: the notice is
sent if and only if that change is committed. The sender (``network.notices.sender``)
delivers what was committed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from enum import Enum
from typing import Any, Protocol

import sqlalchemy as sa
from flask import g, has_app_context
from flask_babel import gettext as _

from network.audit.services import record
from network.common.errors import Conflict
from network.db import db
from network.notices.compose import Attachment, Composer, Recipient
from network.notices.models import (
    MessageStatus,
    NoticeKind,
    NoticeMode,
    NoticePreference,
    OutboxMessage,
    is_optional,
)

# Rows written by one INSERT statement of queue_many: the driver sends each as one
# multi-row INSERT (SQLAlchemy's "insertmanyvalues"), bounded so memory stays flat.
INSERT_CHUNK = 2000


class Person(Protocol):
    """What a recipient needs to be: an account (``User``) or a :class:`Recipient`."""

    id: int
    email: str
    name: str
    locale: str | None


def _recipient(person: Person) -> Recipient:
    if isinstance(person, Recipient):
        return person
    return Recipient(id=person.id, email=person.email, name=person.name, locale=person.locale)


def _template_for(kind: NoticeKind, template: str | None) -> str:
    return template or f"notices/{kind.value}"


def note_queued() -> None:
    """Tell the request (if any) that it queued mail (MAIL_DELIVER_AFTER_REQUEST)."""
    if has_app_context():
        g.notices_queued = True


def chosen_modes(kind: NoticeKind, user_ids: Iterable[int] | None = None) -> dict[int, NoticeMode]:
    """Return the accounts that chose something other than "at once" for this kind.

    One statement: only the people who chose (off, or a daily digest) have a row.

    :param user_ids: only among these accounts (all when None).
    """
    if not is_optional(kind):
        return {}
    statement = sa.select(NoticePreference.user_id, NoticePreference.mode).where(
        NoticePreference.kind == kind, NoticePreference.mode != NoticeMode.immediate
    )
    if user_ids is not None:
        statement = statement.where(NoticePreference.user_id.in_(list(user_ids)))
    return {user_id: mode for user_id, mode in db.session.execute(statement)}


def turned_off(kind: NoticeKind, user_ids: Iterable[int] | None = None) -> set[int]:
    """Return the ids of the accounts that turned this kind of notice off.

    :param user_ids: only among these accounts (all when None).
    """
    modes = chosen_modes(kind, user_ids)
    return {user_id for user_id, mode in modes.items() if mode is NoticeMode.off}


def _status_for(mode: NoticeMode | None) -> MessageStatus:
    """Return a new message's status: held for a daily digest, else waiting to be sent."""
    return MessageStatus.held if mode is NoticeMode.digest else MessageStatus.pending


def queue(
    kind: NoticeKind,
    recipient: Person,
    *,
    now: datetime,
    context: Mapping[str, Any] | None = None,
    template: str | None = None,
    attachments: Iterable[Attachment] = (),
) -> OutboxMessage | None:
    """Compose a notice to one person and add it to the outbox, in the caller's transaction.

    The message is rendered in the recipient's language (their account's, else the
    default) from ``<template>.txt`` and ``<template>.html``; it is only added to the
    session, never committed. An optional kind is not queued for a person who turned it
    off, nor for a deactivated account; a mandatory one always is. For a person who
    chose a daily digest of this kind, the message is held for it (``held``).

    :param kind: what the notice tells; says whether it is optional.
    :param recipient: an account (``User``) or a :class:`~network.notices.compose.Recipient`.
    :param now: the message's Date, and when it is first due.
    :param context: what the templates see besides ``recipient``, ``unsubscribe_url``,
        ``preferences_url``, ``public_url``, ``kind``, ``locale`` and ``now``; build
        links in it with :func:`~network.notices.compose.absolute_url`.
    :param template: the templates' name without extension; ``notices/<kind>`` by default.
    :param attachments: text files to attach (a calendar invitation).
    :return: the queued message, or None when the person does not get this kind.
    """
    mode = None
    if is_optional(kind):
        mode = chosen_modes(kind, [recipient.id]).get(recipient.id)
        if getattr(recipient, "active", True) is False or mode is NoticeMode.off:
            return None
    composer = Composer(
        kind=kind,
        template=_template_for(kind, template),
        context=context or {},
        now=now,
        attachments=tuple(attachments),
    )
    message = OutboxMessage(**composer.compose(_recipient(recipient)))
    message.status = _status_for(mode)
    db.session.add(message)
    note_queued()
    return message


def _copy_value(value: Any) -> Any:
    """Give a value as PostgreSQL's COPY takes it (what the column types do for an INSERT)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None)  # UTCDateTime: naive UTC
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def _insert(rows: list[dict[str, Any]]) -> None:
    """Write rows to the outbox in the session's transaction.

    On PostgreSQL with ``COPY`` (26,000 messages in about a second, where an
    executemany of INSERTs takes three or four); elsewhere with an executemany.
    """
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        db.session.execute(sa.insert(OutboxMessage), rows)
        return
    columns = list(rows[0])
    table = OutboxMessage.__table__
    statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
    driver = connection.connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
        for row in rows:
            copy.write_row([_copy_value(row[column]) for column in columns])


def queue_many(
    kind: NoticeKind,
    recipients: Iterable[Person],
    *,
    now: datetime,
    context: Mapping[str, Any] | None = None,
    personal: Callable[[Recipient], Mapping[str, str]] | None = None,
    template: str | None = None,
    attachments: Iterable[Attachment] = (),
) -> int:
    """Queue one notice to many people with a few multi-row INSERTs; return how many.

    Each (template, language) is rendered once; each recipient's name, address,
    unsubscribe link and ``personal`` values are then put in (see
    ``network.notices.compose``). Rows go to the database in chunks as ``recipients``
    is read, so a generator of :class:`~network.notices.compose.Recipient` (see
    :func:`recipients_where`) keeps memory flat. Nothing is committed, and the queued
    rows are not loaded into the session. People who turned an optional kind off are
    left out; pass only active accounts for optional kinds (``recipients_where`` does).
    Messages to people who chose a daily digest of this kind are held for it.

    :param personal: gives each recipient's own values, seen in the templates as
        ``{{ personal.<key> }}`` (inserted as they are, escaped in HTML).
    """
    composer = Composer(
        kind=kind,
        template=_template_for(kind, template),
        context=context or {},
        now=now,
        personal=personal,
        attachments=tuple(attachments),
    )
    modes = chosen_modes(kind)
    count = 0
    chunk: list[dict[str, Any]] = []
    for person in recipients:
        mode = modes.get(person.id)
        if mode is NoticeMode.off:
            continue
        chunk.append(composer.compose(_recipient(person)) | {"status": _status_for(mode)})
        if len(chunk) >= INSERT_CHUNK:
            _insert(chunk)
            count += len(chunk)
            chunk = []
    if chunk:
        _insert(chunk)
        count += len(chunk)
    if count:
        note_queued()
    return count


def recipients_where(*criteria: sa.ColumnElement[bool]) -> Iterable[Recipient]:
    """Yield the active accounts matching ``criteria`` as recipients, read in batches.

    ``recipients_where(User.role == Role.delegate, User.city_id.in_(city_ids))``
    reads four columns, never whole accounts.
    """
    from network.auth.models import User

    statement = (
        sa.select(User.id, User.email, User.name, User.locale)
        .where(User.active.is_(True), *criteria)
        .order_by(User.id)
        .execution_options(yield_per=INSERT_CHUNK)
    )
    for row in db.session.execute(statement):
        yield Recipient(id=row.id, email=row.email, name=row.name, locale=row.locale)


def retry(message: OutboxMessage, *, actor: Any, now: datetime) -> OutboxMessage:
    """Send a failed or waiting message again now, with a fresh count of attempts.

    It keeps its Message-ID and content.

    :raises Conflict: when the message is being sent, was sent or was cancelled.
    """
    if message.status not in (MessageStatus.failed, MessageStatus.pending):
        raise Conflict(_("Only a failed or waiting message can be sent again."))
    before = message.status
    message.status = MessageStatus.pending
    message.attempts = 0
    message.next_attempt_at = now
    db.session.flush()
    record(
        "outbox.retried",
        subject=("outbox_message", message.id),
        actor=actor,
        now=now,
        public=False,
        data={"from": before.value, "kind": message.kind.value, "message_id": message.message_id},
    )
    return message


def cancel(message: OutboxMessage, *, actor: Any, now: datetime) -> OutboxMessage:
    """Give up sending a failed or waiting message.

    :raises Conflict: when the message is being sent, was sent or was cancelled.
    """
    if message.status not in (MessageStatus.failed, MessageStatus.pending):
        raise Conflict(_("Only a failed or waiting message can be cancelled."))
    before = message.status
    message.status = MessageStatus.cancelled
    db.session.flush()
    record(
        "outbox.cancelled",
        subject=("outbox_message", message.id),
        actor=actor,
        now=now,
        public=False,
        data={"from": before.value, "kind": message.kind.value, "message_id": message.message_id},
    )
    return message


def preferences_of(user: Any) -> dict[NoticeKind, NoticeMode]:
    """Return a person's mode for every optional kind (at once, unless they chose)."""
    chosen = {
        row.kind: row.mode
        for row in db.session.scalars(
            sa.select(NoticePreference).where(NoticePreference.user_id == user.id)
        )
    }
    optional = (kind for kind in NoticeKind if is_optional(kind))
    return {kind: chosen.get(kind, NoticeMode.immediate) for kind in optional}


def set_preferences(
    user: Any, modes: Mapping[NoticeKind, NoticeMode], *, now: datetime
) -> dict[str, dict[str, str]]:
    """Record how a person wants each optional kind; return what changed (audited once).

    :raises Conflict: when a mandatory kind would be turned off.
    """
    current = preferences_of(user)
    changes: dict[str, dict[str, str]] = {}
    for kind, mode in modes.items():
        if not is_optional(kind):
            raise Conflict(_("This notice cannot be turned off."))
        if current[kind] == mode:
            continue
        changes[kind.value] = {"from": current[kind].value, "to": mode.value}
        row = db.session.scalar(
            sa.select(NoticePreference).where(
                NoticePreference.user_id == user.id, NoticePreference.kind == kind
            )
        )
        if row is None:
            db.session.add(NoticePreference(user_id=user.id, kind=kind, mode=mode, changed_at=now))
        else:
            row.mode, row.changed_at = mode, now
    if changes:
        db.session.flush()
        record(
            "account.notices_changed",
            subject=("user", user.id),
            actor=user,
            now=now,
            public=False,
            data={"changes": changes},
        )
    return changes
