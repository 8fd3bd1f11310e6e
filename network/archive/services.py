"""Build the complete archive: every public record in one ZIP (issue #17).

The archive is the open data in one download, for whoever wants all of it at once
(a journalist, a researcher, a library keeping a copy). It holds JSON and CSV of each
kind of public record, the public audit entries (public entries whole, others by their
hashes only, exactly as ``GET /api/v1/audit/entries`` gives them), a README and a
manifest (``manifest.json``: each file's name, size and SHA-256, the audit head at
export time and the export time).

What goes in is what the public already reads, through the API's own serialisers where
one exists, so the archive's fields are the API's: no e-mail address, no account, no
ballot of an open vote, and a secret ballot only by its receipt, never with its city.

Every change of state writes one audit entry, so the audit head names the state the
archive shows: one archive per head, kept under ``ARCHIVE_DIR`` (default
``instance/archive/``) and rebuilt only when the head moves. Members are written to
the ZIP (a file on disk) one record at a time: memory stays flat however large the
record. Documents (the PDFs of declarations, votes, resolutions, membership records and
minutes) go in ``documents/``, within bounds: see ``DOCUMENT_WRITERS``.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import itertools
import json
import os
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import sqlalchemy as sa
from flask import current_app, has_request_context, render_template
from flask_babel import force_locale
from sqlalchemy.orm import selectinload

from network.api import serializers
from network.api.views import meeting_answer, vote_answer
from network.audit import queries as audit_queries
from network.audit.models import AuditEntry
from network.charter.models import CharterArticle, CharterVersion, VersionStatus
from network.cities.models import City
from network.commitments import queries as commitment_queries
from network.commitments import views as commitment_views
from network.common.export import csv_lines
from network.db import db
from network.declarations import queries as declaration_queries
from network.declarations.views import EXPORT_FIELDS
from network.documents.archive import write_documents
from network.elections import queries as election_queries
from network.indicators import queries as indicator_queries
from network.indicators import views as indicator_views
from network.meetings import queries as meeting_queries
from network.meetings.models import Meeting
from network.motions import queries as motion_queries
from network.motions.models import Motion
from network.practices import queries as practice_queries
from network.practices import views as practice_views
from network.practices.models import Practice
from network.resolutions import queries as resolution_queries
from network.votes import queries as vote_queries
from network.votes.models import Secrecy, Vote, VoteOption, VoteStatus

DATA_LICENSE = "CC BY 4.0"
DATA_LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
PREFIX = "dwcn-archive"
BATCH = 500
CHUNK = 64 * 1024
SPOOL = 8 * 1024 * 1024  # a CSV waiting for its turn stays in memory up to this size
KEEP_OLD = 60  # seconds an archive replaced by a newer one stays on disk
# The city fields of ``GET /api/v1/cities/<slug>`` the archive leaves out: people
# (delegates' names), and what other files give whole (terms in elections, signatures).
CITY_FIELDS_ELSEWHERE = ("delegates", "chair_terms", "declarations_signed")


@dataclass(frozen=True)
class Head:
    """The audit head an archive reflects."""

    seq: int
    hash: str

    @property
    def tag(self) -> str:
        """Return the archive's validator (its ETag): the head's number and hash."""
        return f"{self.seq}-{self.hash}"


@dataclass
class _Hashing:
    """A write-only stream that counts and hashes what passes through it."""

    target: BinaryIO
    size: int = 0
    digest: Any = field(default_factory=hashlib.sha256)

    def write(self, data: bytes) -> None:
        self.target.write(data)
        self.size += len(data)
        self.digest.update(data)


class ArchiveWriter:
    """Write members into a ZIP, recording each one's size and SHA-256 for the manifest."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.files: list[dict[str, Any]] = []

    def write_chunks(self, name: str, chunks: Iterable[str | bytes]) -> None:
        """Write one member from text or bytes chunks, without holding it whole."""
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16  # readable by all once unpacked
        with self.archive.open(info, "w") as member:
            out = _Hashing(member)  # type: ignore[arg-type]
            for chunk in chunks:
                out.write(chunk.encode() if isinstance(chunk, str) else chunk)
        self.files.append({"name": name, "size": out.size, "sha256": out.digest.hexdigest()})

    def write_json_list(self, name: str, items: Iterable[dict[str, Any]]) -> None:
        """Write a JSON array, one item at a time (one item to a line)."""
        self.write_chunks(name, _json_array(items))

    def write_json(self, name: str, value: Any) -> None:
        """Write one JSON document."""
        self.write_chunks(name, [_dumps(value, indent=2) + "\n"])

    def write_csv(self, name: str, header: list[str], rows: Iterable[Iterable[Any]]) -> None:
        """Write a CSV file, cells guarded against formulas as every export is."""
        self.write_chunks(name, csv_lines(header, rows))

    def write_json_and_csv(
        self,
        names: tuple[str, str],
        items: Iterable[dict[str, Any]],
        header: list[str],
        row: Callable[[dict[str, Any]], list[Any]],
    ) -> None:
        """Write a JSON array and its CSV from one pass over ``items`` (read once).

        A ZIP takes one member at a time: the CSV waits in a temporary file (in memory
        while small, on disk beyond ``SPOOL``) and is copied in after the JSON.
        """
        json_name, csv_name = names
        with tempfile.SpooledTemporaryFile(max_size=SPOOL, mode="w+", encoding="utf-8") as spool:

            def tee() -> Iterator[dict[str, Any]]:
                for item in items:
                    yield item
                    rows.append(row(item))
                    if len(rows) >= BATCH:
                        spool.writelines(csv_lines_body(rows))
                        rows.clear()

            rows: list[list[Any]] = []
            self.write_json_list(json_name, tee())
            spool.writelines(csv_lines_body(rows))
            spool.seek(0)
            self.write_chunks(
                csv_name,
                itertools.chain(csv_lines(header, ()), iter(lambda: spool.read(CHUNK), "")),
            )


def csv_lines_body(rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """Return CSV rows without their header line (see ``csv_lines``)."""
    lines = csv_lines([], rows)
    next(lines)  # the empty header
    return lines


def _dumps(value: Any, indent: int | None = None) -> str:
    return json.dumps(value, ensure_ascii=False, indent=indent, default=str)


def _json_array(items: Iterable[dict[str, Any]]) -> Iterator[str]:
    yield "["
    first = True
    for item in items:
        yield ("\n" if first else ",\n") + _dumps(item)
        first = False
    yield "\n]\n"


def current_head() -> Head:
    """Return the audit head now."""
    head = audit_queries.head()
    return Head(head.seq, head.hash)


# --- The records, each as the API gives it -------------------------------------------


def _cities() -> Iterator[City]:
    statement = (
        sa.select(City)
        .options(selectinload(City.texts), selectinload(City.history))
        .order_by(City.name, City.id)
        .execution_options(yield_per=BATCH)
    )
    yield from db.session.scalars(statement)


def city_record(city: City) -> dict[str, Any]:
    """Return a city as the API's ``/cities/<slug>`` gives it, less people and cross-lists."""
    record = serializers.city_detail(city, [], [], [], "en")
    for key in CITY_FIELDS_ELSEWHERE:
        record.pop(key)
    return record


def _write_cities(out: ArchiveWriter) -> None:
    columns = ["slug", "name", "country", "region", "status", "joined_on", "website", "url"]
    out.write_json_and_csv(
        ("cities.json", "cities.csv"),
        map(city_record, _cities()),
        columns,
        lambda record: [record[c] for c in columns],
    )
    out.write_csv(
        "membership_history.csv",
        ["city", "from", "to", "effective_on", "reason"],
        (
            [city.slug, c.from_status.value if c.from_status else None, c.to_status.value]
            + [c.effective_on.isoformat(), c.reason]
            for city in _cities()
            for c in city.history
        ),
    )


def _charter_versions() -> list[CharterVersion]:
    return list(
        db.session.scalars(
            sa.select(CharterVersion)
            .where(CharterVersion.status != VersionStatus.draft)
            .options(
                selectinload(CharterVersion.resolution),
                selectinload(CharterVersion.articles).selectinload(CharterArticle.texts),
            )
            .order_by(CharterVersion.number)
        )
    )


def charter_record(version: CharterVersion) -> dict[str, Any]:
    """Return a version as the API gives it, its articles in every language it has."""
    record = serializers.charter_version(version, version.authoritative_language)
    record["translations"] = {
        language: serializers.charter_version(version, language)["articles"]
        for language in version.languages()
        if language != version.authoritative_language
    }
    return record


def _write_charter(out: ArchiveWriter) -> None:
    versions = _charter_versions()
    out.write_json_list("charter_versions.json", map(charter_record, versions))
    out.write_csv(
        "charter_articles.csv",
        ["version", "article", "language", "authoritative", "title", "text"],
        (
            [version.number, article.number, language]
            + [language == version.authoritative_language, text.title, text.body]
            for version in versions
            for article in version.articles
            for language, text in sorted(article.texts.items())
        ),
    )


def _votes() -> Iterator[Vote]:
    ids = db.session.scalars(sa.select(Vote.id).order_by(Vote.id)).all()
    for start in range(0, len(ids), BATCH):
        yield from db.session.scalars(
            sa.select(Vote)
            .where(Vote.id.in_(ids[start : start + BATCH]))
            .options(selectinload(Vote.options).selectinload(VoteOption.city))
            .order_by(Vote.id)
        )


def vote_record(vote: Vote) -> dict[str, Any]:
    """Return a vote as ``/api/v1/votes/<id>`` gives it: ballots only once it is closed."""
    return vote_answer(vote)


def _choice_cell(choice: Any) -> str:
    return choice if isinstance(choice, str) else _dumps(choice)


def _write_votes(out: ArchiveWriter) -> None:
    out.write_json_list("votes.json", map(vote_record, _votes()))
    out.write_csv(
        "votes.csv",
        ["id", "subject_type", "subject_id", "title", "kind", "secrecy", "status"]
        + ["opens_at", "closes_at", "electorate_size", "ballots_cast", "outcome"],
        (
            [r["id"], r["subject"]["type"], r["subject"]["id"], r["subject"]["title"]]
            + [r["kind"], r["secrecy"], r["status"], r["opens_at"], r["closes_at"]]
            + [r["electorate_size"], r["ballots_cast"], (r.get("result") or {}).get("outcome")]
            for r in map(vote_record, _votes())
        ),
    )
    closed = [vote for vote in _votes() if vote.status is VoteStatus.closed]
    out.write_csv(
        "roll_calls.csv",
        ["vote", "city", "choice"],
        (
            [vote.id, entry["city"], _choice_cell(entry["choice"])]
            for vote in closed
            if vote.secrecy is Secrecy.recorded
            for entry in vote_queries.roll_call(vote, names=False)
        ),
    )
    out.write_csv(
        "ballots.csv",
        ["vote", "receipt", "choice"],
        (
            [vote.id, entry["receipt"], _choice_cell(entry["choice"])]
            for vote in closed
            if vote.secrecy is Secrecy.secret
            for entry in vote_queries.published_ballots(vote)
        ),
    )


def _write_elections(out: ArchiveWriter) -> None:
    elections = [serializers.election(e) for e in db.session.scalars(_elections_statement())]
    out.write_json_list("elections.json", elections)
    out.write_csv(
        "election_rounds.csv",
        ["election", "office", "round", "vote", "status", "candidates", "outcome"],
        (
            [e["id"], e["office"], r["number"], r["vote"], r["status"]]
            + [" ".join(r["candidates"]), _dumps(r["outcome"]) if r["outcome"] else None]
            for e in elections
            for r in e["rounds"]
        ),
    )


def _elections_statement() -> sa.Select:
    return election_queries.elections_statement()


def motion_record(motion: Motion) -> dict[str, Any]:
    """Return a motion as ``/api/v1/motions/<id>`` gives it in its original language.

    ``translations`` adds its title and text in each other language it has.
    """
    record = serializers.motion(motion, motion.language)
    record["translations"] = {
        language: {"title": wording.title, "text": wording.text}
        for language in motion.languages[1:]
        if not (wording := motion.wording_in(language)).is_original
    }
    return record


def _write_motions(out: ArchiveWriter) -> None:
    motions = [motion_record(m) for m in db.session.scalars(motion_queries.api_statement())]
    motions.reverse()  # oldest first
    out.write_json_list("motions.json", motions)
    columns = ["id", "title", "language", "kind", "status", "proposer_city", "seconder_city"]
    columns += ["proposed_at", "ended_at", "vote", "resolution", "url"]
    out.write_csv(
        "motions.csv",
        columns,
        (
            [m[c]["slug"] if c.endswith("_city") and m[c] else m[c] for c in columns]
            for m in motions
        ),
    )


def _write_resolutions(out: ArchiveWriter) -> None:
    statement = resolution_queries.register_statement(year=None, kind=None, q=None)
    resolutions = [serializers.resolution(r) for r in db.session.scalars(statement)]
    resolutions.reverse()  # oldest first, as a register reads
    out.write_json_list("resolutions.json", resolutions)
    columns = ["number", "title", "kind", "adopted_on", "vote", "meeting", "mode", "url"]
    out.write_csv("resolutions.csv", columns, ([r[c] for c in columns] for r in resolutions))


def meeting_record(meeting: Meeting) -> dict[str, Any]:
    """Return a meeting as ``/api/v1/meetings/<id>`` gives it (with papers and minutes)."""
    return meeting_answer(meeting)


# A meeting's columns in meetings.csv, before its counts (times in UTC, and its zone).
MEETING_COLUMNS = [
    "id",
    "title",
    "held_on",
    "place",
    "starts_at",
    "ends_at",
    "time_zone",
    "mode",
    "status",
]


def _write_meetings(out: ArchiveWriter) -> None:
    ids = db.session.scalars(sa.select(Meeting.id).order_by(Meeting.held_on, Meeting.id)).all()
    meetings = [meeting_record(meeting_queries.meeting(meeting_id)) for meeting_id in ids]
    out.write_json_list("meetings.json", meetings)
    out.write_csv(
        "meetings.csv",
        [*MEETING_COLUMNS, "agenda_items", "decisions", "resolutions", "url"],
        (
            [m[column] for column in MEETING_COLUMNS]
            + [len(m["agenda"]), len(m["decisions"]), len(m["resolutions"]), m["url"]]
            for m in meetings
        ),
    )


# The export's columns (declarations.views), with the declaration each belongs to.
SIGNATURE_COLUMNS = ["declaration", *EXPORT_FIELDS]


def _write_declarations(out: ArchiveWriter) -> None:
    declarations = list(db.session.scalars(declaration_queries.public_statement()))
    declarations.reverse()  # oldest first
    counts = declaration_queries.signature_counts(declarations)
    out.write_json_list(
        "declarations.json",
        (
            {
                **serializers.declaration(d, d.authoritative_language, counts[d.id]),
                "texts": {
                    language: serializers.declaration(d, language, counts[d.id])["text"]
                    | {"title": text.title}
                    for language, text in sorted(d.texts.items())
                },
            }
            for d in declarations
        ),
    )

    def signatures() -> Iterator[dict[str, Any]]:
        for d in declarations:
            for row in declaration_queries.signatures_for_export(d):
                yield {"declaration": d.slug, **serializers.signature_row(row)}

    out.write_json_and_csv(
        ("signatures.json", "signatures.csv"),
        signatures(),
        SIGNATURE_COLUMNS,
        lambda signature: [signature[c] for c in SIGNATURE_COLUMNS],
    )


def practice_record(practice: Any) -> dict[str, Any]:
    """Return a published practice as the API gives it, with its text in every language."""
    return {
        **serializers.practice(practice, practice.authoritative_language, full=True),
        "texts": {
            language: {"title": text.title, "summary": text.summary, "body": text.body}
            for language, text in sorted(practice.texts.items())
        },
    }


def _write_practices(out: ArchiveWriter) -> None:
    statement = practice_queries.search_statement(None, practice_queries.PracticeFilter())
    # Each practice's documents (their metadata and address; the files stay in the store).
    statement = statement.options(selectinload(Practice.document_rows))
    practices = sorted(db.session.scalars(statement), key=lambda p: (p.published_at, p.id))
    out.write_json_list("practices.json", (practice_record(p) for p in practices))
    out.write_csv(
        "practices.csv",
        practice_views.EXPORT_FIELDS,
        (
            [row[name] for name in practice_views.EXPORT_FIELDS]
            for row in (practice_views.export_row(p, p.authoritative_language) for p in practices)
        ),
    )


def _write_reports(out: ArchiveWriter) -> None:
    """Write the submitted reports on commitments (the current version of each), as the API.

    ``reports.json``: each as ``/api/v1/declarations/<slug>/reports?lang=en`` gives it;
    ``reports.csv``: the declaration page's export, one row per commitment reported.
    """
    declarations = list(db.session.scalars(declaration_queries.public_statement()))
    declarations.reverse()  # oldest first, as declarations.json

    def versions() -> Iterator[Any]:
        for d in declarations:
            yield from commitment_queries.submitted_in_batches(d.id)

    found = list(versions())
    out.write_json_list("reports.json", (serializers.report(v, language="en") for v in found))
    out.write_csv(
        "reports.csv",
        commitment_views.EXPORT_FIELDS,
        (
            [row[name] for name in commitment_views.EXPORT_FIELDS]
            for version in found
            for row in commitment_views.export_rows(version, "en")
        ),
    )


def _write_indicators(out: ArchiveWriter) -> None:
    """Write the indicators and the cities' published values (current versions), as the API.

    ``indicators.json``: each as ``/api/v1/indicators/<code>?lang=en`` gives it, with
    every language's text; ``indicator_values.json``: each published value as
    ``/api/v1/indicators/<code>/values?lang=en`` gives it; ``indicator_values.csv``: the
    site's export (drafts are never included).
    """
    defined = list(db.session.scalars(indicator_queries.indicators_statement()))
    out.write_json_list(
        "indicators.json", (serializers.indicator(i, "en", full=True) for i in defined)
    )
    found = list(indicator_queries.published_in_batches())
    out.write_json_list(
        "indicator_values.json", (serializers.indicator_value(v, language="en") for v in found)
    )
    out.write_csv(
        "indicator_values.csv",
        indicator_views.EXPORT_FIELDS,
        (
            [row[name] for name in indicator_views.EXPORT_FIELDS]
            for row in (indicator_views.export_row(v, "en") for v in found)
        ),
    )


AUDIT_COLUMNS = ["seq", "public", "prev_hash", "hash", "created_at", "actor_id", "action"]
AUDIT_COLUMNS += ["subject_type", "subject_id", "data"]


def _audit_row(entry: dict[str, Any]) -> list[Any]:
    return [_dumps(entry[c]) if c == "data" and c in entry else entry.get(c) for c in AUDIT_COLUMNS]


def _write_audit(out: ArchiveWriter, head: Head) -> None:
    # Plain rows with the entries' attributes (no objects): the chain is the largest
    # part of the archive, and the ORM's per-row loading was most of its time.
    statement = (
        sa.select(*AuditEntry.__table__.columns)
        .where(AuditEntry.seq <= head.seq)
        .order_by(AuditEntry.seq)
        .execution_options(yield_per=1000)
    )
    with db.session.connection().execute(statement) as found:
        out.write_json_and_csv(
            ("audit_entries.json", "audit_entries.csv"),
            (serializers.audit_entry(entry) for entry in found),  # type: ignore[arg-type]
            AUDIT_COLUMNS,
            _audit_row,
        )


# Writers of the records, in the order the archive lists them.
RECORD_WRITERS: tuple[Callable[[ArchiveWriter], None], ...] = (
    _write_cities,
    _write_charter,
    _write_votes,
    _write_elections,
    _write_motions,
    _write_resolutions,
    _write_meetings,
    _write_declarations,
    _write_practices,
    _write_reports,
    _write_indicators,
)
# Writers of the documents (PDFs), each adding files under ``documents/``: the PDFs of
# declarations, votes, resolutions, membership records and minutes, within the bounds
# network/documents/archive.py explains (a 13,000-line register takes minutes).
DOCUMENT_WRITERS: list[Callable[[ArchiveWriter], None]] = [write_documents]


def write_archive(target: BinaryIO, *, now: datetime) -> tuple[Head, dict[str, Any]]:
    """Write the complete archive as a ZIP into ``target``; return its head and manifest.

    The head is read first and the audit entries are written up to it. A change
    committed while the archive is being written (PostgreSQL reads each statement's
    own snapshot) may show in a later file; it moves the head, so the next request
    builds the archive again.

    :param now: the export time written in the manifest.
    """
    head = current_head()
    # Absolute URLs from the configured address (SERVER_NAME); outside a request (the
    # command line) a request context is needed to build them at all.
    context = (
        contextlib.nullcontext() if has_request_context() else current_app.test_request_context("/")
    )
    with (
        context,
        force_locale("en"),
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        out = ArchiveWriter(archive)
        for write in RECORD_WRITERS:
            write(out)
        _write_audit(out, head)
        for write in DOCUMENT_WRITERS:
            write(out)
        manifest = {
            "title": "Decent Work City Network: the complete public record",
            "exported_at": now.astimezone(UTC).isoformat(timespec="seconds"),
            "audit_head": {"seq": head.seq, "hash": head.hash},
            "license": {"name": DATA_LICENSE, "url": DATA_LICENSE_URL},
            "files": list(out.files),
        }
        readme = render_template(
            "archive/README.md",
            manifest=manifest,
            files=out.files,
            license_name=DATA_LICENSE,
            license_url=DATA_LICENSE_URL,
        )
        out.write_chunks("README.md", [readme])
        manifest["files"].append(out.files[-1])
        # The manifest cannot hold its own hash: it lists every file but itself.
        out.write_json("manifest.json", manifest)
    return head, manifest


def archive_dir() -> Path:
    """Return where the built archives are kept (``ARCHIVE_DIR``, else instance/archive)."""
    configured = current_app.config.get("ARCHIVE_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "archive"


def archive_name(head: Head) -> str:
    """Return the file name of the archive of a head."""
    return f"{PREFIX}-{head.seq}-{head.hash[:16]}.zip"


def export_to(directory: Path, *, now: datetime) -> tuple[Path, Head]:
    """Write the archive of the current state into ``directory``; return its path and head.

    It is written under a temporary name and renamed when complete, so a reader never
    sees half an archive, and two builders of the same head simply race to one file.
    """
    directory.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".building-", suffix=".zip", dir=directory)
    try:
        with os.fdopen(handle, "wb") as target:
            head, _manifest = write_archive(target, now=now)
        path = directory / archive_name(head)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path, head


def published_archive(now: datetime) -> tuple[Path, Head]:
    """Return the kept archive of the current head, building it first if there is none.

    Older archives are removed once the new one is in place, after ``KEEP_OLD``
    seconds: a download of one that has just been answered opens it in that time, and
    an open file survives its removal.
    """
    head = current_head()
    directory = archive_dir()
    path = directory / archive_name(head)
    if path.exists():
        return path, head
    directory.mkdir(parents=True, exist_ok=True)
    # One builder at a time (across processes): the others wait, then find its file.
    with (directory / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.exists():
            return path, head
        path, head = export_to(directory, now=now)
    cutoff = time.time() - KEEP_OLD  # the files' clock, not the record's
    for old in directory.glob(f"{PREFIX}-*.zip"):
        with contextlib.suppress(FileNotFoundError):
            if old != path and old.stat().st_mtime < cutoff:
                old.unlink()
    return path, head
