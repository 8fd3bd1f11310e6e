"""The PDFs of the complete archive (``documents/`` in the ZIP).

Each PDF is the one the site serves at its address, made by the same view in a
request of its own for that address (so the archive's copy of a declaration is the
one ``/declarations/<slug>/document.pdf?lang=<authoritative>`` gives): declarations
in their authoritative language with the signatory register, closed votes' results,
resolutions, cities' membership records and meetings' published minutes. Each says
where and when it was produced and the audit head it reflects.

A PDF costs about a quarter of a second, and one line of a register more: a
declaration signed by 13,000 cities takes minutes, and the archive is built in the
request that first asks for it after a change. So the archive holds, of each kind, at
most ``ARCHIVE_PDF_MAX_DOCUMENTS`` PDFs (the oldest records first) of at most
``ARCHIVE_PDF_MAX_ROWS`` lines each (signatories, an electorate's roll call), and makes
none once ``ARCHIVE_PDF_SECONDS`` have passed; every document, included or not, is
listed in ``documents/index.json`` with its address on the site, where any of them can
be fetched. ``ARCHIVE_PDFS = False`` leaves the PDFs
out altogether. The data they print is in the archive's JSON and CSV whatever the
bounds.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import sqlalchemy as sa
from flask import current_app, url_for

from network.cities.models import City
from network.db import db
from network.declarations import queries as declaration_queries
from network.declarations.models import Declaration, DeclarationStatus
from network.meetings.minutes import Minutes, MinutesStatus
from network.resolutions.models import Resolution
from network.votes.models import Vote, VoteStatus


@dataclass(frozen=True)
class Document:
    """One PDF of the public record: where the site serves it, and how long it is."""

    kind: str
    name: str  # its file under documents/
    path: str  # its address on the site (with the query that makes it)
    endpoint: str
    arguments: dict[str, Any]
    rows: int


def _declarations() -> Iterator[Document]:
    found = list(
        db.session.scalars(
            sa.select(Declaration)
            .where(Declaration.status != DeclarationStatus.draft)
            .order_by(Declaration.id)
        )
    )
    counts = declaration_queries.signature_counts(found)
    for declaration in found:
        language = declaration.authoritative_language
        yield Document(
            "declaration",
            f"declarations/{declaration.slug}-{language}.pdf",
            f"/declarations/{declaration.slug}/document.pdf?lang={language}",
            "documents.declaration",
            {"slug": declaration.slug},
            counts[declaration.id],
        )


def _votes() -> Iterator[Document]:
    rows = db.session.execute(
        sa.select(Vote.id, Vote.electorate_size)
        .where(Vote.status == VoteStatus.closed)
        .order_by(Vote.id)
    )
    for vote_id, electorate in rows:
        yield Document(
            "vote",
            f"votes/vote-{vote_id}-result.pdf",
            f"/votes/{vote_id}/result.pdf",
            "documents.vote_result",
            {"vote_id": vote_id},
            electorate or 0,
        )


def _resolutions() -> Iterator[Document]:
    rows = db.session.execute(
        sa.select(Resolution.year, Resolution.sequence).order_by(
            Resolution.year, Resolution.sequence
        )
    )
    for year, sequence in rows:
        yield Document(
            "resolution",
            f"resolutions/resolution-{year}-{sequence}.pdf",
            f"/resolutions/{year}/{sequence}/document.pdf",
            "documents.resolution",
            {"year": year, "sequence": sequence},
            1,
        )


def _cities() -> Iterator[Document]:
    for slug in db.session.scalars(sa.select(City.slug).order_by(City.id)):
        yield Document(
            "city",
            f"cities/{slug}-membership-record.pdf",
            f"/cities/{slug}/record.pdf",
            "documents.city_record",
            {"slug": slug},
            1,
        )


def _minutes() -> Iterator[Document]:
    meeting_ids = db.session.scalars(
        sa.select(Minutes.meeting_id)
        .where(Minutes.status == MinutesStatus.published)
        .distinct()
        .order_by(Minutes.meeting_id)
    )
    for meeting_id in meeting_ids:
        yield Document(
            "minutes",
            f"minutes/minutes-{meeting_id}.pdf",
            f"/meetings/{meeting_id}/minutes.pdf",
            "meeting_minutes.pdf",
            {"meeting_id": meeting_id},
            1,
        )


# Each kind of document, in the order the index lists them.
KINDS: tuple[Callable[[], Iterator[Document]], ...] = (
    _declarations,
    _votes,
    _resolutions,
    _cities,
    _minutes,
)


def render(document: Document) -> bytes:
    """Make a document's PDF with its view, in a request for its own address.

    The view is called without its rate limit (the archive is not a visitor).
    """
    view = inspect.unwrap(current_app.view_functions[document.endpoint])
    with current_app.test_request_context(document.path):
        return view(**document.arguments).get_data()


def write_documents(out: Any) -> None:
    """Add the PDFs within the bounds, and ``documents/index.json`` listing them all."""
    config = current_app.config
    if not config.get("ARCHIVE_PDFS", True):
        return
    max_documents = config.get("ARCHIVE_PDF_MAX_DOCUMENTS", 50)
    max_rows = config.get("ARCHIVE_PDF_MAX_ROWS", 200)
    deadline = time.monotonic() + config.get("ARCHIVE_PDF_SECONDS", 15)
    root = url_for("home.index", _external=True)
    listed = []
    for kind in KINDS:
        included = 0
        for document in kind():
            fits = (
                included < max_documents
                and document.rows <= max_rows
                and time.monotonic() < deadline
            )
            if fits:
                out.write_chunks(f"documents/{document.name}", [render(document)])
                included += 1
            listed.append(
                {
                    "kind": document.kind,
                    "file": f"documents/{document.name}" if fits else None,
                    "url": urljoin(root, document.path),
                    "lines": document.rows,
                }
            )
    out.write_json(
        "documents/index.json",
        {
            "max_documents_per_kind": max_documents,
            "max_lines_per_document": max_rows,
            "seconds": config.get("ARCHIVE_PDF_SECONDS", 15),
            "documents": listed,
        },
    )
