"""The daily digest: a person's held notices gathered into one message a day.

A person who chose "in a daily digest" for a kind has its messages composed as usual
but held (status ``held``). Once a day, from ``NOTICE_DIGEST_HOUR`` (UTC, 7 by
default), the tick gathers everything held until then into one message per person,
in the language of their account, queued like any other; each held message becomes
``digested`` and names its digest, whose own status tells whether it was delivered —
so every message's outcome stays visible in the outbox. A notice held after the hour
waits for the next day's digest.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby

import sqlalchemy as sa
from flask import current_app

from network.auth.models import User
from network.db import db
from network.notices.compose import Composer, Recipient
from network.notices.models import MessageStatus, NoticeKind, OutboxMessage
from network.notices.services import note_queued

DEFAULT_HOUR = 7
# People whose digests are composed, then written, at a time: memory stays flat.
CHUNK = 500
# Where a notice's own words start and end in its HTML alternative (mail/layout.html).
BODY_START, BODY_END = "<!--notice-->", "<!--/notice-->"
TEXT_FOOTER = "\n--\n"


@dataclass(frozen=True)
class DigestItem:
    """One notice in a digest: what it is, its subject, and its own words."""

    kind: NoticeKind
    subject: str
    text: str
    html: str
    at: datetime


def cutoff(now: datetime) -> datetime:
    """Return the latest digest time at or before ``now``: messages held until then go."""
    hour = int(current_app.config.get("NOTICE_DIGEST_HOUR", DEFAULT_HOUR))
    today = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    return today if today <= now else today - timedelta(days=1)


def own_words(body_text: str, body_html: str) -> tuple[str, str]:
    """Return a notice's words without the layout's header and footer (text, HTML)."""
    text = body_text.rpartition(TEXT_FOOTER)[0] or body_text
    start, end = body_html.find(BODY_START), body_html.find(BODY_END)
    html = body_html[start + len(BODY_START) : end] if 0 <= start < end else body_html
    return text.strip(), html.strip()


def _people_with_held(until: datetime) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(OutboxMessage.recipient_id)
            .where(OutboxMessage.status == MessageStatus.held, OutboxMessage.created_at <= until)
            .group_by(OutboxMessage.recipient_id)
            .order_by(OutboxMessage.recipient_id)
        )
    )


def _held_of(people: list[int], until: datetime) -> Iterator[tuple[User, list[DigestItem]]]:
    rows = db.session.execute(
        sa.select(
            User,
            OutboxMessage.kind,
            OutboxMessage.subject,
            OutboxMessage.body_text,
            OutboxMessage.body_html,
            OutboxMessage.created_at,
        )
        .join(User, User.id == OutboxMessage.recipient_id)
        .where(
            OutboxMessage.recipient_id.in_(people),
            OutboxMessage.status == MessageStatus.held,
            OutboxMessage.created_at <= until,
        )
        .order_by(OutboxMessage.recipient_id, OutboxMessage.id)
    )
    for user, group in groupby(rows, key=lambda row: row[0]):
        items = []
        for _user, kind, subject, text, html, at in group:
            own_text, own_html = own_words(text, html)
            items.append(DigestItem(kind, subject, own_text, own_html, at))
        yield user, items


def send_digests(now: datetime) -> int:
    """Gather each person's held notices into their daily digest; return how many digests.

    Run by the tick every minute: it does something only for messages held before the
    day's digest time, so each person gets at most one digest a day.
    """
    until = cutoff(now)
    people = _people_with_held(until)
    made = 0
    table = OutboxMessage.__table__
    for start in range(0, len(people), CHUNK):
        digests: list[tuple[int, OutboxMessage]] = []
        gone: list[int] = []
        for user, items in _held_of(people[start : start + CHUNK], until):
            if not user.active:
                gone.append(user.id)
                continue
            composer = Composer(
                kind=NoticeKind.digest,
                template="notices/digest",
                context={"items": items},
                now=now,
            )
            row = composer.compose(
                Recipient(id=user.id, email=user.email, name=user.name, locale=user.locale)
            )
            digests.append((user.id, OutboxMessage(**row, status=MessageStatus.pending)))
        db.session.add_all(message for _user_id, message in digests)
        db.session.flush()
        held = sa.and_(
            table.c.recipient_id == sa.bindparam("person"),
            table.c.status == MessageStatus.held.value,
            table.c.created_at <= until,
        )
        if digests:
            db.session.execute(
                sa.update(table)
                .where(held)
                .values(status=MessageStatus.digested.value, digest_id=sa.bindparam("digest")),
                [{"person": user_id, "digest": message.id} for user_id, message in digests],
            )
        if gone:
            db.session.execute(
                sa.update(table)
                .where(held)
                .values(
                    status=MessageStatus.cancelled.value,
                    last_error="The account was deactivated before its daily digest.",
                ),
                [{"person": user_id} for user_id in gone],
            )
        made += len(digests)
    if made:
        note_queued()
    return made
