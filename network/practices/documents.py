"""Documents of practices: the law, an evaluation, a leaflet, attached to a practice.

Issue #20: a practice has "links and documents (through the documents storage)". A
document is taken in as meeting papers are (``network.common.uploads``): a PDF, an
office document or plain text told by its content, at most
``PRACTICE_DOCUMENT_MAX_SIZE`` bytes, kept in the upload store under a key the
platform makes (``practices/<hex>``).

Who attaches and removes them: whoever writes the practice (its city's delegates,
``rules.writes_for``) and the secretariat. Who reads them: whoever reads the practice
(``rules.can_read``): anyone once it is published, on a draft only its city's delegates
and the secretariat. A document is removed with a reason, never silently: the row
stays (title, hash, who and why) and the file is deleted from the store. Each upload
and removal is one audit entry, public when the practice is.
"""

from __future__ import annotations

import functools
import re
from datetime import datetime
from typing import Any, BinaryIO

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from network.audit.services import record
from network.auth.models import User
from network.cities.rules import is_language_tag
from network.common import filetypes, uploads
from network.common.errors import Conflict, InvalidInput, NotAllowed
from network.common.storage import Storage
from network.db import db
from network.practices import rules
from network.practices.models import Practice, PracticeDocument

PREFIX = "practices"
safe_filename = functools.partial(uploads.safe_filename, fallback="document")
# What a browser sends is the file's own name, never a path: one with separators (a
# drive's colon among them), a parent folder or control characters did not come from a
# file chooser.
_PATH_CHARACTERS = re.compile(r"[/\\:\x00-\x1f\x7f]")
# Plain text is sent under these extensions too; other types only under their own.
TEXT_EXTENSIONS = frozenset({"txt", "text", "md", "csv", "tsv"})


class NotAPracticeEditor(NotAllowed):
    """The account may not attach documents to this practice."""

    message = _l("Only a delegate of the city or the secretariat can change its documents.")


def can_manage(person: Any, practice: Practice) -> bool:
    """Tell whether ``person`` attaches and removes the practice's documents."""
    return rules.writes_for(person, practice.city_id) or rules.can_feature(person)


def can_read(person: Any, document: PracticeDocument) -> bool:
    """Tell whether ``person`` may download ``document`` (a removed one: nobody)."""
    practice = document.practice
    return document.removed_at is None and rules.can_read(
        person, city_id=practice.city_id, published=practice.is_published
    )


def document(practice: Practice, document_id: int) -> PracticeDocument | None:
    """Return a document of ``practice`` (removed or not), or None."""
    found = db.session.get(PracticeDocument, document_id)
    return found if found is not None and found.practice_id == practice.id else None


def counts_of(practice_ids: list[int]) -> dict[int, int]:
    """Return how many documents still up each of these practices has (absent: none)."""
    if not practice_ids:
        return {}
    rows = db.session.execute(
        sa.select(PracticeDocument.practice_id, sa.func.count())
        .where(
            PracticeDocument.practice_id.in_(practice_ids),
            PracticeDocument.removed_at.is_(None),
        )
        .group_by(PracticeDocument.practice_id)
    )
    return {practice_id: count for practice_id, count in rows}


def has_path_characters(filename: str) -> bool:
    """Tell whether a sent file name is a path, or holds characters no file name has."""
    return bool(_PATH_CHARACTERS.search(filename)) or filename.strip() in {".", ".."}


def claimed_extension(filename: str) -> str | None:
    """Return the extension a sent file name claims, lower-cased (None: it claims none)."""
    stem, dot, extension = filename.strip().lstrip(".").rpartition(".")
    return extension.lower() if dot and stem and extension else None


def is_claim_true(filename: str, kind: filetypes.FileType) -> bool:
    """Tell whether the sent name's extension agrees with the type its content shows."""
    claimed = claimed_extension(filename)
    if claimed is None:
        return True
    if kind is filetypes.TEXT:
        return claimed in TEXT_EXTENSIONS
    return claimed == kind.extension


def _check_language(language: str) -> str:
    tag = (language or "").strip().replace("_", "-")
    if not tag or len(tag) > 16 or not is_language_tag(tag):
        raise InvalidInput(
            _("Give the document's language as a code such as en, ko, fr, es or pt-BR."),
            field="language",
        )
    return tag


def add_document(
    practice: Practice,
    *,
    stream: BinaryIO,
    filename: str,
    title: str,
    language: str,
    max_size: int,
    store: Storage,
    actor: User,
    now: datetime,
) -> PracticeDocument:
    """Attach a document to ``practice``, kept in ``store``.

    The view commits; if that fails, it deletes the stored file (``storage_key``).

    :param filename: the name the sender gave; only its stem is kept (``safe_filename``).
    :param max_size: the largest file accepted, in bytes.
    :raises NotAllowed: unless the actor is a delegate of its city or the secretariat.
    :raises InvalidInput: for an empty or too large file, a type not accepted, a name
        that is a path or claims another type than the content's, a missing title or a
        language that is not one.
    """
    if not can_manage(actor, practice):
        raise NotAPracticeEditor()
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_("Give the document a title."), field="title")
    language = _check_language(language)
    if has_path_characters(filename or ""):
        raise InvalidInput(
            _("The file's name holds a path or characters a file name may not have."),
            field="file",
        )

    def check_claim(kind: filetypes.FileType) -> None:
        if not is_claim_true(filename, kind):
            raise InvalidInput(
                _(
                    "The file's name says it is %(claimed)s, but its content is %(found)s. "
                    "Its content was checked, not its name.",
                    claimed=claimed_extension(filename),
                    found=kind.extension,
                ),
                field="file",
            )

    received = uploads.receive(
        stream,
        max_size=max_size,
        store=store,
        prefix=PREFIX,
        too_large=lambda size: _(
            "The file is larger than %(size)s MB, the most a document may be.", size=size
        ),
        check=check_claim,
    )
    try:
        added = PracticeDocument(
            practice_id=practice.id,
            title=title[:200],
            language=language,
            filename=safe_filename(filename, received.kind.extension),
            media_type=received.kind.media_type,
            size=received.size,
            sha256=received.sha256,
            storage_key=received.key,
            uploaded_at=now,
            uploaded_by_id=actor.id,
        )
        db.session.add(added)
        db.session.flush()
        record(
            "practice.document_added",
            subject=("practice", practice.slug),
            actor=actor,
            now=now,
            data={
                "document": added.id,
                "title": added.title,
                "language": added.language,
                "filename": added.filename,
                "media_type": added.media_type,
                "size": added.size,
                "sha256": added.sha256,
            },
            # A draft's document is named on the public record only by the entry's number.
            public=practice.is_published,
        )
    except BaseException:
        store.delete(received.key)
        raise
    return added


def remove_document(document: PracticeDocument, *, reason: str, actor: User, now: datetime) -> None:
    """Take a document down, saying why; the view then deletes its file from the store.

    :raises NotAllowed: unless the actor is a delegate of its city or the secretariat.
    :raises InvalidInput: without a reason.
    :raises Conflict: for a document already removed.
    """
    practice = document.practice
    if not can_manage(actor, practice):
        raise NotAPracticeEditor()
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the document is removed."), field="reason")
    if document.removed_at is not None:
        raise Conflict(_("This document has already been removed."))
    document.removed_at = now
    document.removed_by_id = actor.id
    document.removal_reason = reason
    db.session.flush()
    record(
        "practice.document_removed",
        subject=("practice", practice.slug),
        actor=actor,
        now=now,
        data={
            "document": document.id,
            "title": document.title,
            "sha256": document.sha256,
            "reason": reason,
        },
        public=practice.is_published,
    )
