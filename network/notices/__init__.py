"""Notices by e-mail: a transactional outbox, its sender, and each person's notice settings.

How a domain sends a notice
---------------------------
Inside the service that makes the change (before the view commits), call::

    from network.notices import services as notices
    from network.notices.compose import absolute_url
    from network.notices.models import NoticeKind

    notices.queue(
        NoticeKind.vote_opened, delegate, now=now,
        context={"vote": vote, "link": absolute_url("votes.show", vote_id=vote.id)},
    )                                   # templates/notices/vote_opened.{txt,html}

or, for many people at once (every delegate of the electorate's cities)::

    notices.queue_many(
        NoticeKind.vote_opened,
        notices.recipients_where(User.role == Role.delegate, User.city_id.in_(city_ids)),
        now=now, context={...}, personal=lambda person: {...},
    )

Both only add rows to the session: the notice exists if and only if the change is
committed, and no mail is ever sent for a change that rolled back. Each message is
composed at once in the recipient's language (their account's, else the default), with
a plain-text and an HTML alternative, absolute links to ``PUBLIC_URL``, and a Message-ID
it keeps for life. Optional kinds are skipped for people who turned them off and carry
RFC 8058's one-click unsubscribe; invitation, password reset and security notices are
mandatory and always sent.

A kind's templates are ``templates/notices/<kind>.txt`` (with ``{% block subject %}``)
and ``.html``, extending ``mail/layout.txt`` and ``mail/layout.html``;
``notices/generic`` takes a ``subject``, ``paragraphs`` and a ``link`` from the caller
(give lazy strings, ``_l(...)``, so they are said in each recipient's language).

The rooms
---------
- ``models``: ``OutboxMessage``, ``NoticeKind`` (and which kinds are optional),
  ``MessageStatus``, ``NoticePreference``.
- ``compose``: rendering, links (``absolute_url``), headers, the MIME message.
- ``services``: ``queue``, ``queue_many``, ``recipients_where``, ``retry``, ``cancel``,
  ``preferences_of``, ``set_preferences``.
- ``sender``: ``deliver`` — claim, commit, send, record (its docstring tells how).
- ``backends``: ``.eml`` files (development) and SMTP (``smtplib``).
- ``queries``: the secretariat's list, counts by status, ``undelivered_count``.
- ``cli``: ``flask network deliver``; ``views``: notice settings and unsubscribe.

Why the standard library's ``email`` and ``smtplib`` rather than Flask-Mailman: no
extra dependency, the Message-ID and every header are ours to fix at queueing time, and
driving the SMTP conversation step by step tells a message the server never received
(send it later) from one whose outcome is unknown (the connection dropped after the
data: send it again as the same message) — the distinction exactly-once delivery needs.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from network.meetings.models import Meeting


def notify_minutes_published(meeting: Meeting, *, now: datetime | None = None) -> int:
    """Tell the delegates of member cities that a meeting's minutes are published.

    Call it in the transaction that publishes them; see ``notices.notify``.
    """
    from network.notices.notify import notify_minutes_published as notify

    return notify(meeting, now=now)
