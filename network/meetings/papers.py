"""Meeting papers: documents the secretariat attaches to a meeting or an agenda item.

A paper is a PDF, an office document or plain text, told by its content
(``network.common.filetypes``), at most ``PAPER_MAX_SIZE`` bytes, and kept in the
upload store (``network.common.storage``) under a key the platform makes. The row
says what it is: title, language, the item it belongs to, the paper it translates,
its type, size and SHA-256, and who may read it:

- ``public`` papers are read by anyone once on a meeting (a meeting is public from
  the moment it is convened: SPEC "Meetings", "public … read"), like its agenda;
- ``members`` papers (a draft for deliberation) by the network's people only:
  delegates, observers, who "read drafts and deliberations", and the secretariat.

A paper is removed with a reason, never silently: the row stays (title, hash, who and
why) and the file is deleted from the store, so a document put up by mistake is gone.
Each upload and removal is one audit entry.
"""

from __future__ import annotations

import functools
from datetime import datetime
from enum import StrEnum
from typing import Any, BinaryIO

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from network.audit.services import record
from network.auth.models import Role, User
from network.cities.rules import is_language_tag
from network.common import filetypes, uploads
from network.common.enums import register_labels
from network.common.errors import Conflict, InvalidInput
from network.common.storage import Storage
from network.db import UTCDateTime, db, str_enum
from network.meetings.models import AgendaItem, Meeting

# Saved under its sent name's stem and true extension (``paper.pdf`` when nothing is left).
safe_filename = functools.partial(uploads.safe_filename, fallback="paper")
content_disposition = uploads.content_disposition


class PaperVisibility(StrEnum):
    """Who may read a paper."""

    public = "public"
    members = "members"


register_labels(
    {
        PaperVisibility.public: _l("Everyone"),
        PaperVisibility.members: _l("Delegates, observers and the secretariat only"),
    }
)


class Paper(db.Model):
    """A document attached to a meeting, or to one item of its agenda."""

    __tablename__ = "meeting_papers"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agenda_items.id"))
    title: Mapped[str] = mapped_column(sa.String(200))
    language: Mapped[str] = mapped_column(sa.String(16))  # BCP 47: en, ko, pt-BR
    # The paper this one translates (always an original, never another translation).
    translation_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meeting_papers.id"))
    visibility: Mapped[PaperVisibility] = mapped_column(str_enum(PaperVisibility, "visibility"))
    filename: Mapped[str] = mapped_column(sa.String(200))  # as saved: stem + detected extension
    media_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    storage_key: Mapped[str] = mapped_column(sa.String(100), unique=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    removal_reason: Mapped[str | None] = mapped_column(sa.Text)

    agenda_item: Mapped[AgendaItem | None] = relationship()
    translation_of: Mapped[Paper | None] = relationship(remote_side=[id])

    @property
    def file_type(self) -> filetypes.FileType:
        """Return the accepted type this paper is (from its stored media type)."""
        return uploads.file_type(self.media_type)

    @property
    def is_public(self) -> bool:
        """Tell whether anyone may read it (not removed, and public)."""
        return self.removed_at is None and self.visibility is PaperVisibility.public


# --- Who reads what ------------------------------------------------------------------


def can_read_members_papers(user: Any) -> bool:
    """Tell whether ``user`` reads papers for the network's people (any signed-in role)."""
    return bool(getattr(user, "is_authenticated", False)) and user.role in (
        Role.delegate,
        Role.observer,
        Role.secretariat,
    )


def can_read(user: Any, paper: Paper) -> bool:
    """Tell whether ``user`` may read ``paper`` (a removed one: nobody)."""
    if paper.removed_at is not None:
        return False
    return paper.visibility is PaperVisibility.public or can_read_members_papers(user)


# --- Reads ---------------------------------------------------------------------------


def papers_of(meeting_id: int, *, members: bool) -> list[Paper]:
    """Return a meeting's papers still up, in the order they were added.

    :param members: include the papers for the network's people, not only the public.
    """
    statement = sa.select(Paper).where(Paper.meeting_id == meeting_id, Paper.removed_at.is_(None))
    if not members:
        statement = statement.where(Paper.visibility == PaperVisibility.public)
    return list(db.session.scalars(statement.order_by(Paper.id)))


def paper(meeting_id: int, paper_id: int) -> Paper | None:
    """Return a paper of a meeting (removed or not), or None."""
    found = db.session.get(Paper, paper_id)
    return found if found is not None and found.meeting_id == meeting_id else None


def by_item(papers: list[Paper]) -> dict[int | None, list[Paper]]:
    """Group papers by the agenda item they belong to (None: the meeting as a whole)."""
    grouped: dict[int | None, list[Paper]] = {}
    for one in papers:
        grouped.setdefault(one.agenda_item_id, []).append(one)
    return grouped


# --- Writes --------------------------------------------------------------------------


def check_language(language: str) -> str:
    """Return a paper's language tag, tidied (``pt_br`` is ``pt-BR``'s ``pt-br``).

    :raises InvalidInput: when it is not a language tag.
    """
    tag = (language or "").strip().replace("_", "-")
    if not tag or len(tag) > 16 or not is_language_tag(tag):
        raise InvalidInput(
            _("Give the paper's language as a code such as en, ko, fr, es or pt-BR."),
            field="language",
        )
    return tag


def add_paper(
    meeting: Meeting,
    *,
    stream: BinaryIO,
    filename: str,
    title: str,
    language: str,
    item: AgendaItem | None,
    translation_of: Paper | None,
    visibility: PaperVisibility,
    max_size: int,
    store: Storage,
    actor: User,
    now: datetime,
) -> Paper:
    """Attach a document to a meeting (or one of its items), kept in ``store``.

    The file is read once, into a temporary file, counting and hashing as it goes; its
    type is then read from its content. The view commits; if that fails, it deletes
    the stored file (``storage_key``).

    :param filename: the name the sender gave; only its stem is kept (``safe_filename``).
    :param translation_of: the paper this one translates (of the same meeting).
    :param max_size: the largest file accepted, in bytes.
    :raises InvalidInput: for an empty or too large file, a type not accepted, a missing
        title, a language that is not one, an item of another meeting, or a translation
        of a paper of another meeting, removed, or in the same language.
    """
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_("Give the paper a title."), field="title")
    language = check_language(language)
    if item is not None and item.meeting_id != meeting.id:
        raise InvalidInput(_("Choose an item of this meeting's agenda."), field="item")
    if translation_of is not None:
        if translation_of.translation_of is not None:
            translation_of = translation_of.translation_of  # the original it translates
        if translation_of.meeting_id != meeting.id or translation_of.removed_at is not None:
            raise InvalidInput(
                _("Choose a paper of this meeting as the original."), field="translation_of"
            )
        if translation_of.language.lower() == language.lower():
            raise InvalidInput(
                _("A translation is in another language than its original."), field="language"
            )
    received = uploads.receive(
        stream,
        max_size=max_size,
        store=store,
        prefix="papers",
        too_large=lambda size: _(
            "The file is larger than %(size)s MB, the most a paper may be.", size=size
        ),
    )
    paper = Paper(
        meeting_id=meeting.id,
        agenda_item_id=item.id if item else None,
        title=title[:200],
        language=language,
        translation_of_id=translation_of.id if translation_of else None,
        visibility=visibility,
        filename=safe_filename(filename, received.kind.extension),
        media_type=received.kind.media_type,
        size=received.size,
        sha256=received.sha256,
        storage_key=received.key,
        uploaded_at=now,
        uploaded_by_id=actor.id,
    )
    db.session.add(paper)
    db.session.flush()
    record(
        "meeting.paper_added",
        subject=("meeting", meeting.id),
        actor=actor,
        now=now,
        data={
            "paper": paper.id,
            "title": paper.title,
            "language": paper.language,
            "item": item.position if item else None,
            "translation_of": paper.translation_of_id,
            "visibility": paper.visibility.value,
            "filename": paper.filename,
            "media_type": paper.media_type,
            "size": paper.size,
            "sha256": paper.sha256,
        },
        # A paper for members is named on the public record only by its number.
        public=paper.visibility is PaperVisibility.public,
    )
    return paper


def remove_paper(paper: Paper, *, reason: str, actor: User, now: datetime) -> None:
    """Take a paper down, saying why; the view then deletes its file from the store.

    :raises InvalidInput: without a reason.
    :raises Conflict: for a paper already removed.
    """
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the paper is removed."), field="reason")
    if paper.removed_at is not None:
        raise Conflict(_("This paper has already been removed."))
    paper.removed_at = now
    paper.removed_by_id = actor.id
    paper.removal_reason = reason
    db.session.flush()
    record(
        "meeting.paper_removed",
        subject=("meeting", paper.meeting_id),
        actor=actor,
        now=now,
        data={"paper": paper.id, "title": paper.title, "sha256": paper.sha256, "reason": reason},
        public=paper.visibility is PaperVisibility.public,
    )
