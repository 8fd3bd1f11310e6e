"""A practice's documents: who attaches and removes them, who reads them, what is refused.

Its city's delegates and the secretariat attach and remove; another city's delegate,
an observer and a visitor do not. A draft's documents are read by those who read the
draft; a published practice's by anyone. A file whose name lies about its type, an
oversized one, a name with path characters and no file at all are refused with a
message and change nothing. Removal keeps the row and deletes the file. Each change
is one audit entry; downloads carry a safe Content-Disposition and the security headers.
"""

from __future__ import annotations

import hashlib
import io
from html import unescape
from pathlib import Path

import pytest
import sqlalchemy as sa

from network.common import filetypes
from network.db import db
from network.practices import documents
from network.practices.models import PracticeDocument
from tests.practices.conftest import entry

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def uploads(app, tmp_path, monkeypatch) -> Path:
    """A store of this test's own, so that what it finds there is what it put."""
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    return tmp_path / "uploads"


@pytest.fixture
def published(people, write) -> str:
    return write(people.seoul, people.seoul_delegate, entry("living-wage"))


@pytest.fixture
def draft(people, write) -> str:
    return write(people.seoul, people.seoul_delegate, entry("draft-wage"), publish=False)


def upload(client, slug: str, content: bytes | None, name: str = "law.pdf", **fields):
    data = {"title": "The ordinance", "language": "en"} | fields
    if content is not None:
        data["file"] = (io.BytesIO(content), name)
    return client.post(
        f"/practices/{slug}/documents/new", data=data, content_type="multipart/form-data"
    )


def stored(app) -> list[PracticeDocument]:
    with app.app_context():
        found = list(db.session.scalars(sa.select(PracticeDocument).order_by(PracticeDocument.id)))
        for one in found:
            db.session.expunge(one)
        return found


def stored_files(app) -> list[Path]:
    root = Path(app.config["UPLOAD_DIR"])
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def text_of(response) -> str:
    return unescape(response.get_data(as_text=True))


# --- Who attaches ----------------------------------------------------------------------


def test_the_citys_delegate_attaches_and_anyone_downloads(app, people, as_user, published, ledger):
    before = ledger.audit_seq()
    delegate = as_user(people.seoul_delegate)
    response = upload(delegate, published, PDF, "Ordinance 2018.pdf", title="Ordinance")
    assert response.status_code == 302 and response.location.endswith("#documents")
    (document,) = stored(app)
    assert document.media_type == "application/pdf" and document.size == len(PDF)
    assert document.sha256 == hashlib.sha256(PDF).hexdigest()
    assert document.filename == "Ordinance 2018.pdf" and "Ordinance" not in document.storage_key
    entries = ledger.entries_since(before)
    assert [e.action for e in entries] == ["practice.document_added"]
    assert entries[0].public and entries[0].subject_id == published
    assert entries[0].data["sha256"] == document.sha256

    public = app.test_client()
    page = public.get(f"/practices/{published}").get_data(as_text=True)
    address = f"/practices/{published}/documents/{document.id}"
    assert "Ordinance" in page and f'href="{address}"' in page
    assert ">PDF<" in page and "Remove" not in page
    download = public.get(address)
    assert download.status_code == 200 and download.data == PDF
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"] == (
        "inline; filename=\"Ordinance 2018.pdf\"; filename*=UTF-8''Ordinance%202018.pdf"
    )
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in download.headers["Content-Security-Policy"]
    assert download.headers["ETag"] == f'"{document.sha256}"'
    assert "public" in download.headers["Cache-Control"]
    again = public.get(address, headers={"If-None-Match": f'"{document.sha256}"'})
    assert again.status_code == 304 and again.data == b""


def test_office_files_and_text_are_downloaded_never_shown(app, people, as_user, published):
    delegate = as_user(people.seoul_delegate)
    assert upload(delegate, published, "평가 보고서\n".encode(), "평가.txt").status_code == 302
    (document,) = stored(app)
    served = app.test_client().get(f"/practices/{published}/documents/{document.id}")
    assert served.headers["Content-Type"] == "text/plain; charset=utf-8"
    disposition = served.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''%ED%8F%89%EA%B0%80.txt" in (
        disposition
    )


def test_the_secretariat_attaches_too(app, people, as_user, published, ledger):
    before = ledger.audit_seq()
    officer = as_user(people.secretariat)
    assert upload(officer, published, PDF).status_code == 302
    assert len(stored(app)) == 1 and ledger.audit_seq() == before + 1


@pytest.mark.parametrize("who", ["hamburg_delegate", "observer"])
def test_another_citys_delegate_and_an_observer_may_not(app, people, as_user, published, who):
    client = as_user(getattr(people, who))
    assert client.get(f"/practices/{published}/documents/new").status_code == 403
    assert upload(client, published, PDF).status_code == 403
    assert stored(app) == [] and stored_files(app) == []
    assert "Add a document" not in client.get(f"/practices/{published}").get_data(as_text=True)


def test_a_visitor_is_asked_to_log_in(app, published):
    response = upload(app.test_client(), published, PDF)
    assert response.status_code == 302 and response.location.startswith("/login")
    assert stored(app) == []


def test_the_service_refuses_others_too(app, people, published):
    from network.auth.models import User
    from network.common import clock
    from network.common.errors import NotAllowed
    from network.common.storage import storage
    from tests.practices.conftest import load

    with app.app_context():
        practice = load(published)
        with pytest.raises(NotAllowed):
            documents.add_document(
                practice,
                stream=io.BytesIO(PDF),
                filename="a.pdf",
                title="A",
                language="en",
                max_size=1000,
                store=storage(),
                actor=db.session.get(User, people.hamburg_delegate.id),
                now=clock.now(),
            )
    assert stored_files(app) == []


# --- Drafts and published practices ------------------------------------------------------


def test_a_drafts_documents_are_read_only_by_those_who_read_the_draft(
    app, people, as_user, draft, ledger
):
    before = ledger.audit_seq()
    assert upload(as_user(people.seoul_delegate), draft, PDF, title="Draft law").status_code == 302
    (document,) = stored(app)
    (added,) = ledger.entries_since(before)
    assert not added.public  # the draft is not public yet, nor what is attached to it
    address = f"/practices/{draft}/documents/{document.id}"
    assert app.test_client().get(address).status_code == 404
    assert as_user(people.hamburg_delegate).get(address).status_code == 404
    assert as_user(people.observer).get(address).status_code == 404
    for reader in (people.seoul_delegate, people.secretariat):
        served = as_user(reader).get(address)
        assert served.status_code == 200 and served.data == PDF
        assert "private" in served.headers["Cache-Control"]
    # Another city's delegate does not learn that the draft exists.
    assert as_user(people.hamburg_delegate).get(
        f"/practices/{draft}/documents/new"
    ).status_code == (404)


def test_a_document_is_found_only_under_its_own_practice(app, people, as_user, write, published):
    upload(as_user(people.seoul_delegate), published, PDF)
    (document,) = stored(app)
    other = write(people.seoul, people.seoul_delegate, entry("another-one"))
    assert app.test_client().get(f"/practices/{other}/documents/{document.id}").status_code == 404


# --- Bad input changes nothing -------------------------------------------------------------


def test_a_file_whose_name_lies_about_its_type(app, people, as_user, published, ledger):
    delegate = as_user(people.seoul_delegate)
    before = ledger.audit_seq()
    program = upload(delegate, published, b"MZ\x90\x00" + b"\x00" * 64, "minutes.pdf")
    assert program.status_code == 422
    assert "Its content was checked, not its name" in text_of(program)
    text = upload(delegate, published, b"<b>not a pdf</b>\n", "report.pdf")
    assert text.status_code == 422
    assert "says it is pdf, but its content is txt" in text_of(text)
    pdf = upload(delegate, published, PDF, "report.docx")
    assert pdf.status_code == 422 and "says it is docx" in text_of(pdf)
    assert stored(app) == [] and stored_files(app) == [] and ledger.audit_seq() == before
    # Text under a text extension, and a name with none, are what they say.
    assert upload(delegate, published, b"a,b\n1,2\n", "figures.csv").status_code == 302
    assert upload(delegate, published, PDF, "README").status_code == 302
    assert [d.filename for d in stored(app)] == ["figures.txt", "README.pdf"]


def test_an_oversized_file_is_refused_with_its_limit(app, people, as_user, published, monkeypatch):
    # A small limit: the test client spools bodies over 500 kB to files it never closes.
    monkeypatch.setitem(app.config, "PRACTICE_DOCUMENT_MAX_SIZE", 100_000)
    delegate = as_user(people.seoul_delegate)
    response = upload(delegate, published, PDF + b"0" * 100_000, "big.pdf")
    assert response.status_code == 422
    assert "larger than 0.1 MB, the most a document may be" in text_of(response)
    assert stored(app) == [] and stored_files(app) == []
    # Beyond what the form may carry at all, the server refuses the request (413).
    assert upload(delegate, published, PDF + b"0" * 200_000, "bigger.pdf").status_code == 413
    # At the limit it is taken, even above the limit of other forms.
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 50_000)
    at_limit = PDF + b"0" * (100_000 - len(PDF))
    assert upload(delegate, published, at_limit, "ok.pdf").status_code == 302


@pytest.mark.parametrize(
    "name", ["../../../etc/cron.d/evil.pdf", "C:\\Users\\me\\law.pdf", "law\x00.pdf", ".."]
)
def test_a_file_name_with_path_characters_is_refused(app, people, as_user, published, name):
    response = upload(as_user(people.seoul_delegate), published, PDF, name)
    assert response.status_code == 422
    assert "holds a path or characters a file name may not have" in text_of(response)
    assert stored(app) == [] and stored_files(app) == []


def test_no_file_an_empty_one_a_bad_language_or_no_title(app, people, as_user, published, ledger):
    delegate = as_user(people.seoul_delegate)
    before = ledger.audit_seq()
    missing = upload(delegate, published, None)
    assert missing.status_code == 422 and "Choose a file to upload" in text_of(missing)
    empty = upload(delegate, published, b"", "empty.pdf")
    assert empty.status_code == 422 and "The file is empty" in text_of(empty)
    assert upload(delegate, published, PDF, language="klingon!").status_code == 422
    assert upload(delegate, published, PDF, title="").status_code == 422
    assert stored(app) == [] and stored_files(app) == [] and ledger.audit_seq() == before


def test_the_store_keeps_files_under_keys_it_makes(app, people, as_user, published):
    upload(as_user(people.seoul_delegate), published, PDF, "law.pdf")
    (document,) = stored(app)
    root = Path(app.config["UPLOAD_DIR"])
    assert stored_files(app) == [root / document.storage_key]
    assert (root / document.storage_key).parent == root / "practices"


# --- Removal -------------------------------------------------------------------------------


def test_removal_keeps_the_row_deletes_the_file_and_is_recorded(
    app, people, as_user, published, ledger
):
    delegate = as_user(people.seoul_delegate)
    upload(delegate, published, PDF, "wrong.pdf", title="Wrong file")
    (document,) = stored(app)
    address = f"/practices/{published}/documents/{document.id}"
    assert delegate.get(f"{address}/remove").status_code == 200
    assert delegate.post(f"{address}/remove", data={"reason": ""}).status_code == 422
    assert len(stored_files(app)) == 1
    before = ledger.audit_seq()
    assert delegate.post(f"{address}/remove", data={"reason": "Wrong file"}).status_code == 302
    entries = ledger.entries_since(before)
    assert [e.action for e in entries] == ["practice.document_removed"]
    assert entries[0].data == {
        "document": document.id,
        "title": "Wrong file",
        "sha256": document.sha256,
        "reason": "Wrong file",
    }
    (kept,) = stored(app)
    assert kept.removed_at is not None and kept.removal_reason == "Wrong file"
    assert kept.removed_by_id == people.seoul_delegate.id and kept.sha256 == document.sha256
    assert stored_files(app) == []
    assert app.test_client().get(address).status_code == 404
    assert "Wrong file" not in app.test_client().get(f"/practices/{published}").get_data(
        as_text=True
    )
    again = delegate.post(f"{address}/remove", data={"reason": "Again"})
    assert again.status_code == 422 and ledger.audit_seq() == before + 1


def test_who_removes(app, people, as_user, published):
    upload(as_user(people.seoul_delegate), published, PDF)
    (document,) = stored(app)
    address = f"/practices/{published}/documents/{document.id}/remove"
    for who in (people.hamburg_delegate, people.observer):
        assert as_user(who).post(address, data={"reason": "No"}).status_code == 403
    visitor = app.test_client().post(address, data={"reason": "No"})
    assert visitor.status_code == 302 and visitor.location.startswith("/login")
    assert len(stored_files(app)) == 1 and stored(app)[0].removed_at is None
    assert as_user(people.secretariat).post(address, data={"reason": "Duplicate"}).status_code == (
        302
    )
    assert stored_files(app) == [] and stored(app)[0].removed_at is not None


# --- Open data -----------------------------------------------------------------------------


def test_the_api_gives_each_documents_metadata(app, people, as_user, published):
    upload(as_user(people.seoul_delegate), published, PDF, "law.pdf", language="ko")
    (document,) = stored(app)
    body = app.test_client().get(f"/api/v1/practices/{published}").get_json()
    assert body["documents"] == [
        {
            "id": document.id,
            "title": "The ordinance",
            "language": "ko",
            "media_type": "application/pdf",
            "size": len(PDF),
            "sha256": document.sha256,
            "url": f"http://localhost/practices/{published}/documents/{document.id}",
        }
    ]


@pytest.mark.parametrize(
    ("name", "kind", "true"),
    [
        ("a.pdf", filetypes.PDF, True),
        ("a.PDF", filetypes.PDF, True),
        ("a.txt", filetypes.PDF, False),
        ("a.md", filetypes.TEXT, True),
        ("a.pdf", filetypes.TEXT, False),
        ("a", filetypes.TEXT, True),
        (".profile", filetypes.TEXT, True),
    ],
)
def test_a_names_claim(name, kind, true):
    assert documents.is_claim_true(name, kind) is true


def test_the_archive_lists_each_documents_metadata(app, people, as_user, published):
    from network.archive.services import practice_record
    from tests.practices.conftest import load

    upload(as_user(people.seoul_delegate), published, PDF, "law.pdf", title="Law")
    with app.test_request_context():
        (listed,) = practice_record(load(published))["documents"]
    assert listed["title"] == "Law" and listed["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert listed["url"].endswith(f"/practices/{published}/documents/{listed['id']}")
