"""The archive's PDFs: the site's own documents, within bounds, every one listed (#17)."""

from __future__ import annotations

import json
from datetime import date

import sqlalchemy as sa

from network.auth.models import Role, User
from network.common import clock
from network.db import db
from network.meetings import minutes as minutes_service
from network.meetings.models import Meeting, MeetingStatus
from tests.archive.test_archive import export, members, world  # noqa: F401
from tests.documents.test_declaration_pdf import squeeze, text_of


def publish_minutes(app) -> int:
    """Publish minutes of the demo's Roundtable (over: adjourned), as the secretariat does."""
    with app.app_context():
        meeting = db.session.scalar(sa.select(Meeting).order_by(Meeting.id).limit(1))
        meeting.status = MeetingStatus.adjourned
        officer = db.session.scalar(sa.select(User).where(User.role == Role.secretariat))
        now = clock.now()
        draft = minutes_service.start_minutes(meeting, language="en", actor=officer, now=now)
        minutes_service.save_draft(
            draft, text="The Roundtable founded the network.", language="en", actor=officer, now=now
        )
        minutes_service.approve_minutes(
            draft, meeting, approved_on=max(meeting.held_on, date.today()), actor=officer, now=now
        )
        minutes_service.publish_minutes(draft, meeting, actor=officer, now=now)
        db.session.commit()
        return meeting.id


def test_the_archive_holds_the_sites_pdfs_and_lists_them(app, world, tmp_path):  # noqa: F811
    meeting_id = publish_minutes(app)
    files = members(export(app, tmp_path / "out"))
    index = json.loads(files["documents/index.json"])
    listed = {
        entry["url"].split("://", 1)[1].split("/", 1)[1]: entry for entry in index["documents"]
    }
    pdfs = {name for name in files if name.endswith(".pdf")}
    assert pdfs == {entry["file"] for entry in index["documents"] if entry["file"]}
    assert all(files[name].startswith(b"%PDF-") for name in pdfs)
    # The Seoul Declaration in Korean, its authoritative language, with every code.
    korean = text_of(files["documents/declarations/seoul-declaration-2017-ko.pdf"])
    assert "서울" in korean
    codes = [
        row["verification_code"]
        for row in json.loads(files["signatures.json"])
        if row["declaration"] == "seoul-declaration-2017"
    ]
    assert codes and all(code in korean for code in codes)
    # Each closed vote's result, each resolution, each city, the published minutes.
    closed = [v for v in json.loads(files["votes.json"]) if v["status"] == "closed"]
    assert closed and all(f"documents/votes/vote-{v['id']}-result.pdf" in pdfs for v in closed)
    for resolution in json.loads(files["resolutions.json"]):
        year, sequence = resolution["number"].rsplit("/", 2)[1:]
        assert f"documents/resolutions/resolution-{year}-{sequence}.pdf" in pdfs
    cities = json.loads(files["cities.json"])
    assert all(f"documents/cities/{c['slug']}-membership-record.pdf" in pdfs for c in cities)
    minutes = text_of(files[f"documents/minutes/minutes-{meeting_id}.pdf"])
    assert squeeze("The Roundtable founded the network.") in minutes
    assert f"meetings/{meeting_id}/minutes.pdf" in listed
    # Each says the audit head it reflects: the archive's own.
    head = json.loads(files["manifest.json"])["audit_head"]
    assert squeeze(f"audit entry {head['seq']}, hash {head['hash']}") in minutes


def test_long_documents_are_listed_with_their_address_not_printed(
    app,
    world,  # noqa: F811
    tmp_path,
    monkeypatch,
):
    monkeypatch.setitem(app.config, "ARCHIVE_PDF_MAX_ROWS", 1)
    monkeypatch.setitem(app.config, "ARCHIVE_PDF_MAX_DOCUMENTS", 2)
    files = members(export(app, tmp_path / "out"))
    index = json.loads(files["documents/index.json"])
    assert index["max_lines_per_document"] == 1 and index["max_documents_per_kind"] == 2
    declarations = [e for e in index["documents"] if e["kind"] == "declaration"]
    assert declarations and all(e["file"] is None for e in declarations if e["lines"] > 1)
    assert all("/document.pdf?lang=" in e["url"] for e in declarations)
    cities = [e for e in index["documents"] if e["kind"] == "city"]
    assert len(cities) > 2 and [e["file"] is not None for e in cities].count(True) == 2
    assert {n for n in files if n.endswith(".pdf")} == {
        e["file"] for e in index["documents"] if e["file"]
    }
    readme = files["README.md"].decode()
    assert "documents/index.json" in readme and "at most 2" in readme


def test_the_pdfs_can_be_left_out(app, world, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setitem(app.config, "ARCHIVE_PDFS", False)
    files = members(export(app, tmp_path / "out"))
    assert not [name for name in files if name.startswith("documents/")]


def test_no_pdf_is_made_once_the_time_is_spent(app, world, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setitem(app.config, "ARCHIVE_PDF_SECONDS", 0)
    files = members(export(app, tmp_path / "out"))
    index = json.loads(files["documents/index.json"])
    assert index["documents"] and all(entry["file"] is None for entry in index["documents"])
    assert not [name for name in files if name.endswith(".pdf")]
