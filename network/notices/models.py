"""The outbox: every notice as a composed message waiting for, or done with, delivery."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from network.common import clock
from network.common.enums import register_labels
from network.db import UTCDateTime, db, str_enum


class NoticeKind(StrEnum):
    """What a notice tells; each kind is mandatory or optional (see ``MANDATORY_KINDS``)."""

    invitation = "invitation"
    password_reset = "password_reset"
    security = "security"
    vote_opened = "vote_opened"
    vote_reminder = "vote_reminder"
    result_published = "result_published"
    declaration_open = "declaration_open"
    signature_recorded = "signature_recorded"
    nominations_open = "nominations_open"
    nomination_to_answer = "nomination_to_answer"
    motion_proposed = "motion_proposed"
    motion_seconded = "motion_seconded"
    motion_put_to_vote = "motion_put_to_vote"
    meeting_convened = "meeting_convened"
    minutes_published = "minutes_published"
    report_reminder = "report_reminder"
    digest = "digest"  # the day's notices of a person who chose a daily digest


# These cannot be turned off: they carry a link the person needs, or tell them their
# account changed (SPEC "Notices"). Every other kind is optional: it carries a one-click
# unsubscribe (RFC 8058) and the person may turn it off.
MANDATORY_KINDS = frozenset({NoticeKind.invitation, NoticeKind.password_reset, NoticeKind.security})


def is_optional(kind: NoticeKind) -> bool:
    """Tell whether a person may turn this kind of notice off (or have it in a digest).

    The digest itself is neither: it carries what the person chose to receive that way.
    """
    return kind not in MANDATORY_KINDS and kind is not NoticeKind.digest


register_labels(
    {
        NoticeKind.invitation: _l("Invitation"),
        NoticeKind.password_reset: _l("Password reset"),
        NoticeKind.security: _l("Security notice"),
        NoticeKind.vote_opened: _l("A vote opened"),
        NoticeKind.vote_reminder: _l("Reminder before a vote closes"),
        NoticeKind.result_published: _l("A result published"),
        NoticeKind.declaration_open: _l("A declaration open for signature"),
        NoticeKind.signature_recorded: _l("A signature of your city recorded"),
        NoticeKind.nominations_open: _l("Nominations opened"),
        NoticeKind.nomination_to_answer: _l("A nomination to answer"),
        NoticeKind.motion_proposed: _l("A motion proposed"),
        NoticeKind.motion_seconded: _l("A motion seconded"),
        NoticeKind.motion_put_to_vote: _l("A motion put to a vote"),
        NoticeKind.meeting_convened: _l("A meeting convened"),
        NoticeKind.minutes_published: _l("Minutes published"),
        NoticeKind.report_reminder: _l("Reminder before a report on commitments is due"),
        NoticeKind.digest: _l("Daily digest"),
    }
)


class MessageStatus(StrEnum):
    """Where a message is on its way out."""

    pending = "pending"  # due at next_attempt_at
    sending = "sending"  # claimed by a sender; the claim lapses at next_attempt_at
    sent = "sent"  # the mail server accepted it
    failed = "failed"  # refused for good, or out of attempts: see last_error
    cancelled = "cancelled"  # by the secretariat
    held = "held"  # for the recipient's daily digest (mode "digest")
    digested = "digested"  # went out in the daily digest named by digest_id


register_labels(
    {
        MessageStatus.pending: _l("Waiting to be sent"),
        MessageStatus.sending: _l("Being sent"),
        MessageStatus.sent: _l("Sent"),
        MessageStatus.failed: _l("Failed"),
        MessageStatus.cancelled: _l("Cancelled"),
        MessageStatus.held: _l("Held for the daily digest"),
        MessageStatus.digested: _l("Sent in a daily digest"),
    }
)


class OutboxMessage(db.Model):
    """One notice to one person, composed once, sent until the mail server takes it.

    The message is stored as composed when it was queued (subject, the plain-text and
    HTML alternatives, the headers with the Message-ID and Date fixed then, and any
    attachments), so every attempt sends the same bytes: a receiver, or the outbox,
    recognises a resend as the same message. While a sender holds a message
    (``sending``), ``next_attempt_at`` is when its claim lapses.
    """

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    recipient_address: Mapped[str] = mapped_column(sa.String(254))
    kind: Mapped[NoticeKind] = mapped_column(str_enum(NoticeKind, "kind"))
    locale: Mapped[str] = mapped_column(sa.String(8))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    # Header name -> value, in order: From, To, Date, Message-ID, and the others.
    headers: Mapped[dict[str, str]] = mapped_column(sa.JSON)
    # [{"filename", "content_type", "content"}]: text attachments (a calendar invitation).
    attachments: Mapped[list[dict[str, Any]] | None] = mapped_column(sa.JSON)
    message_id: Mapped[str] = mapped_column(sa.String(200), unique=True)
    status: Mapped[MessageStatus] = mapped_column(
        str_enum(MessageStatus, "status"), default=MessageStatus.pending
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.String(1000))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # A message held for a daily digest (status "digested"): the digest that carried it,
    # whose own status tells whether it was delivered.
    digest_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outbox_messages.id"), index=True)

    __table_args__ = (
        # The sender's claim: the due messages, oldest first (status, then time).
        sa.Index("ix_outbox_messages_due", "status", "next_attempt_at"),
        # The secretariat's list, newest first, by status.
        sa.Index("ix_outbox_messages_status_id", "status", "id"),
        # The dashboard's count of messages waiting too long (queued before a time).
        sa.Index("ix_outbox_messages_waiting", "status", "created_at"),
    )

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} {self.status}>"


class NoticeMode(StrEnum):
    """How a person wants an optional kind of notice."""

    immediate = "immediate"
    digest = "digest"
    off = "off"


register_labels(
    {
        NoticeMode.immediate: _l("By e-mail, at once"),
        NoticeMode.digest: _l("In a daily digest"),
        NoticeMode.off: _l("Off"),
    }
)


class NoticePreference(db.Model):
    """A person's choice for one optional kind of notice; without a row, it comes by mail."""

    __tablename__ = "notice_preferences"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[NoticeKind] = mapped_column(str_enum(NoticeKind, "kind"))
    mode: Mapped[NoticeMode] = mapped_column(str_enum(NoticeMode, "mode"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    __table_args__ = (sa.UniqueConstraint("user_id", "kind"),)


class VoteReminder(db.Model):
    """A reminder sent before a vote closes, to the delegates of the cities yet to vote.

    The tick's reminders (``hours_before`` set: 48, 24) are sent once per vote, which the
    unique constraint guarantees; the secretariat's "remind now" ones (``hours_before``
    None) as often as it presses the button.
    """

    __tablename__ = "vote_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(sa.ForeignKey("votes.id"))
    hours_before: Mapped[int | None]
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    cities: Mapped[int] = mapped_column(default=0)
    messages: Mapped[int] = mapped_column(default=0)

    __table_args__ = (sa.UniqueConstraint("vote_id", "hours_before"),)
