"""Meeting papers: typed by content, size-limited, stored by key, served safely, audited.

The secretariat uploads; a file whose name lies about its type is refused or saved
under its true type; an oversized one and one with path characters in its name are
handled; downloads carry a safe Content-Disposition, the right type, nosniff and an
ETag from the content; papers for members stay with the network's people; removal
needs a reason, deletes the file and is on the record.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from html import unescape
from pathlib import Path

import pytest
import sqlalchemy as sa

from network.common import filetypes
from network.common.storage import FilesystemStorage, check_key
from network.db import db
from network.meetings.papers import Paper, content_disposition, safe_filename
from tests.meetings.test_times import convene

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def ooxml(main: str, name: str = "word/document.xml") -> bytes:
    """Return a minimal Office Open XML package whose main part is of type ``main``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/{name}" ContentType="{main}"/></Types>',
        )
        archive.writestr(name, "<document/>")
    return buffer.getvalue()


DOCX = ooxml("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")
DOCM = ooxml("application/vnd.ms-word.document.macroEnabled.main+xml")
XLSX = ooxml(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "xl/workbook.xml",
)


def odf(media_type: str, *, stored: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "mimetype", media_type, zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        )
        archive.writestr("content.xml", "<office:document-content/>", zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


ODT = odf("application/vnd.oasis.opendocument.text")


@pytest.mark.parametrize(
    ("content", "extension"),
    [
        (PDF, "pdf"),
        (DOCX, "docx"),
        (XLSX, "xlsx"),
        (ODT, "odt"),
        (odf("application/vnd.oasis.opendocument.spreadsheet"), "ods"),
        (odf("application/vnd.oasis.opendocument.presentation"), "odp"),
        (b"Ordre du jour\n1. Charte\n", "txt"),
        ("\ufeff회의 자료\n".encode(), "txt"),
    ],
)
def test_the_type_is_read_from_the_content(content, extension):
    found = filetypes.detect(io.BytesIO(content))
    assert found is not None and found.extension == extension


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00\x03" + b"\x00" * 100,  # a Windows program
        b"\x7fELF\x02\x01\x01",  # a Linux one
        b"\x89PNG\r\n\x1a\n",  # an image
        DOCM,  # a macro-enabled document
        odf("application/vnd.oasis.opendocument.text", stored=False),  # mimetype compressed
        odf("application/x-shockwave-flash"),
        b"PK\x03\x04not really a zip",
        b"<html><script>alert(1)</script>\x00",
        b"",
        "caf\xe9".encode("latin-1"),  # not UTF-8
    ],
)
def test_other_content_is_refused(content):
    assert filetypes.detect(io.BytesIO(content)) is None


def test_a_file_name_keeps_its_stem_and_takes_the_true_extension():
    assert safe_filename("../../etc/passwd.pdf", "pdf") == "passwd.pdf"
    assert safe_filename("C:\\Users\\me\\report.exe", "txt") == "report.txt"
    assert safe_filename('a"b<c>|d.docx', "docx") == "a b c d.docx"
    assert safe_filename("..", "pdf") == "paper.pdf"
    assert safe_filename("회의 자료.pdf", "pdf") == "회의 자료.pdf"


def test_the_content_disposition_quotes_nothing_and_encodes_the_real_name():
    header = content_disposition('회의 "자료".pdf', inline=True)
    assert header.startswith('inline; filename="')
    assert "filename*=UTF-8''%ED%9A%8C%EC%9D%98%20%22%EC%9E%90%EB%A3%8C%22.pdf" in header
    fallback = header.split('filename="', 1)[1].split('"', 1)[0]
    assert fallback.isascii() and '"' not in fallback and "\\" not in fallback
    assert content_disposition("a.docx", inline=False).startswith("attachment;")


def test_the_store_takes_only_keys_the_platform_makes(tmp_path):
    store = FilesystemStorage(tmp_path)
    for key in ("../x", "papers/../../etc", "papers/abc", "", "/papers/" + "a" * 32):
        with pytest.raises(ValueError):
            check_key(key)
    key = "papers/" + "a" * 32
    store.put(key, io.BytesIO(b"hello"))
    with store.open(key) as handle:
        assert handle.read() == b"hello"
    store.delete(key)
    store.delete(key)  # nothing there: nothing happens
    with pytest.raises(FileNotFoundError):
        store.open(key)


# --- Through the pages ---------------------------------------------------------------


@pytest.fixture(autouse=True)
def uploads(app, tmp_path, monkeypatch) -> Path:
    """A store of this test's own, so that what it finds there is what it put."""
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    return tmp_path / "uploads"


@pytest.fixture
def officer(make, as_user):
    return as_user(make.secretariat())


@pytest.fixture
def meeting_id(officer) -> int:
    return convene(officer)


def upload(client, meeting_id: int, content: bytes, name: str, **fields):
    data = {"title": "Agenda", "language": "en", "item": "", "translation_of": ""}
    data |= {"visibility": "public"} | fields
    data["file"] = (io.BytesIO(content), name)
    return client.post(
        f"/meetings/{meeting_id}/papers/new", data=data, content_type="multipart/form-data"
    )


def papers(app) -> list[Paper]:
    with app.app_context():
        found = list(db.session.scalars(sa.select(Paper).order_by(Paper.id)))
        for paper in found:
            db.session.expunge(paper)
        return found


def stored_files(app) -> list[Path]:
    root = Path(app.config["UPLOAD_DIR"])
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_pdf_is_uploaded_listed_and_served_inline(app, officer, meeting_id, ledger):
    before = ledger.audit_seq()
    response = upload(officer, meeting_id, PDF, "Agenda 2018.pdf", title="Agenda of the day")
    assert response.status_code == 302
    (paper,) = papers(app)
    assert paper.media_type == "application/pdf" and paper.size == len(PDF)
    assert paper.sha256 == hashlib.sha256(PDF).hexdigest()
    assert paper.filename == "Agenda 2018.pdf" and "Agenda" not in paper.storage_key
    entries = ledger.entries_since(before)
    assert [e.action for e in entries] == ["meeting.paper_added"]
    assert entries[0].data["sha256"] == paper.sha256 and entries[0].public

    public = app.test_client()
    page = public.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    address = f"/meetings/{meeting_id}/papers/{paper.id}"
    assert "Agenda of the day" in page and f'href="{address}"' in page
    download = public.get(address)
    assert download.status_code == 200 and download.data == PDF
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"] == (
        "inline; filename=\"Agenda 2018.pdf\"; filename*=UTF-8''Agenda%202018.pdf"
    )
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in download.headers["Content-Security-Policy"]
    assert download.headers["ETag"] == f'"{paper.sha256}"'
    again = public.get(address, headers={"If-None-Match": f'"{paper.sha256}"'})
    assert again.status_code == 304 and again.data == b""


def test_office_files_and_text_are_always_downloaded(app, officer, meeting_id):
    assert upload(officer, meeting_id, DOCX, "notes.docx").status_code == 302
    assert upload(officer, meeting_id, b"Plain notes\n", "notes.txt").status_code == 302
    docx, text = papers(app)
    public = app.test_client()
    response = public.get(f"/meetings/{meeting_id}/papers/{docx.id}")
    assert response.headers["Content-Disposition"].startswith('attachment; filename="notes.docx"')
    assert response.mimetype.endswith("wordprocessingml.document")
    response = public.get(f"/meetings/{meeting_id}/papers/{text.id}")
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment;")


def test_a_file_whose_name_lies_about_its_type(app, officer, meeting_id, ledger):
    before = ledger.audit_seq()
    response = upload(officer, meeting_id, b"MZ\x90\x00" + b"\x00" * 64, "minutes.pdf")
    assert response.status_code == 422
    assert "Its content was checked, not its name" in unescape(response.get_data(as_text=True))
    assert papers(app) == [] and stored_files(app) == [] and ledger.audit_seq() == before
    # Text that calls itself a PDF is kept as the text it is, and downloaded as such.
    assert upload(officer, meeting_id, b"<b>not a pdf</b>\n", "report.pdf").status_code == 302
    (paper,) = papers(app)
    assert paper.filename == "report.txt" and paper.media_type.startswith("text/plain")
    served = app.test_client().get(f"/meetings/{meeting_id}/papers/{paper.id}")
    assert served.headers["Content-Disposition"].startswith('attachment; filename="report.txt"')


def test_a_macro_enabled_document_is_refused(app, officer, meeting_id):
    assert upload(officer, meeting_id, DOCM, "budget.docx").status_code == 422
    assert papers(app) == []


def test_an_oversized_file_is_refused_with_its_limit(app, officer, meeting_id, monkeypatch):
    # A small limit: the test client spools bodies over 500 kB to files it never closes.
    monkeypatch.setitem(app.config, "PAPER_MAX_SIZE", 100_000)
    response = upload(officer, meeting_id, PDF + b"0" * 100_000, "big.pdf")
    assert response.status_code == 422
    assert "larger than 0.1 MB" in unescape(response.get_data(as_text=True))
    assert papers(app) == [] and stored_files(app) == []
    # Beyond what the form may carry at all, the server refuses the request (413).
    response = upload(officer, meeting_id, PDF + b"0" * 200_000, "bigger.pdf")
    assert response.status_code == 413
    # At the limit it is taken.
    at_limit = PDF + b"0" * (100_000 - len(PDF))
    assert upload(officer, meeting_id, at_limit, "ok.pdf").status_code == 302


def test_a_paper_may_be_larger_than_other_requests(app, officer, meeting_id, monkeypatch):
    # Every other form is limited to MAX_CONTENT_LENGTH; a paper's upload to its own.
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 50_000)
    assert upload(officer, meeting_id, PDF + b"0" * 90_000, "ok.pdf").status_code == 302
    response = officer.post(f"/meetings/{meeting_id}/items", data={"title": "x" * 90_000})
    assert response.status_code == 413


def test_a_file_name_with_path_characters_stays_a_name(app, officer, meeting_id):
    response = upload(officer, meeting_id, PDF, "../../../etc/cron.d/evil.pdf")
    assert response.status_code == 302
    (paper,) = papers(app)
    assert paper.filename == "evil.pdf"
    root = Path(app.config["UPLOAD_DIR"])
    assert stored_files(app) == [root / paper.storage_key]
    assert (root / paper.storage_key).parent == root / "papers"


def test_an_empty_or_missing_file_and_a_bad_language_are_refused(app, officer, meeting_id):
    assert upload(officer, meeting_id, b"", "empty.pdf").status_code == 422
    response = officer.post(
        f"/meetings/{meeting_id}/papers/new",
        data={"title": "No file", "language": "en", "visibility": "public"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and "Choose a file" in response.get_data(as_text=True)
    response = upload(officer, meeting_id, PDF, "a.pdf", language="klingon!")
    assert response.status_code == 422 and papers(app) == []


def test_a_translation_names_its_original_in_another_language(app, officer, meeting_id):
    assert upload(officer, meeting_id, PDF, "agenda.pdf").status_code == 302
    (original,) = papers(app)
    same = upload(officer, meeting_id, PDF, "a.pdf", translation_of=str(original.id))
    assert same.status_code == 422
    assert "another language" in unescape(same.get_data(as_text=True))
    korean = upload(
        officer, meeting_id, PDF, "안건.pdf", language="ko", translation_of=str(original.id)
    )
    assert korean.status_code == 302
    translation = papers(app)[1]
    assert translation.translation_of_id == original.id and translation.language == "ko"


def test_papers_for_members_stay_with_the_networks_people(app, make, as_user, officer, meeting_id):
    upload(officer, meeting_id, PDF, "draft.pdf", title="Draft charter", visibility="members")
    (paper,) = papers(app)
    public = app.test_client()
    assert "Draft charter" not in public.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    refused = public.get(f"/meetings/{meeting_id}/papers/{paper.id}")
    assert refused.status_code == 302 and refused.location.startswith("/login")
    delegate = as_user(make.delegate(make.city("Hamburg", country="DE")))
    assert "Draft charter" in delegate.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    served = delegate.get(f"/meetings/{meeting_id}/papers/{paper.id}")
    assert served.status_code == 200 and "private" in served.headers["Cache-Control"]


def test_only_the_secretariat_uploads(app, make, as_user, meeting_id):
    delegate = as_user(make.delegate(make.city("Hamburg", country="DE")))
    assert upload(delegate, meeting_id, PDF, "a.pdf").status_code == 403
    assert papers(app) == []


def test_a_paper_of_another_meeting_is_not_found_here(app, officer, meeting_id):
    upload(officer, meeting_id, PDF, "a.pdf")
    (paper,) = papers(app)
    other = convene(officer, title="Another meeting")
    assert app.test_client().get(f"/meetings/{other}/papers/{paper.id}").status_code == 404


def test_removal_needs_a_reason_deletes_the_file_and_is_recorded(app, officer, meeting_id, ledger):
    upload(officer, meeting_id, PDF, "wrong.pdf", title="Wrong file")
    (paper,) = papers(app)
    address = f"/meetings/{meeting_id}/papers/{paper.id}"
    assert officer.post(f"{address}/remove", data={"reason": ""}).status_code == 422
    assert len(stored_files(app)) == 1
    before = ledger.audit_seq()
    assert officer.post(f"{address}/remove", data={"reason": "Wrong file"}).status_code == 302
    entries = ledger.entries_since(before)
    assert [e.action for e in entries] == ["meeting.paper_removed"]
    assert entries[0].data == {
        "paper": paper.id,
        "title": "Wrong file",
        "sha256": paper.sha256,
        "reason": "Wrong file",
    }
    assert stored_files(app) == []
    assert app.test_client().get(address).status_code == 404
    assert "Wrong file" not in app.test_client().get(f"/meetings/{meeting_id}").get_data(
        as_text=True
    )
    again = officer.post(f"{address}/remove", data={"reason": "Again"})
    assert again.status_code == 422 and ledger.audit_seq() == before + 1


def test_a_papers_title_is_marked_with_its_language_and_the_interface_words_are_not(
    app, officer, meeting_id
):
    upload(officer, meeting_id, PDF, "안건.pdf", language="ko")
    page = officer.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert '<a lang="ko" hreflang="ko"' in page
    assert '<li lang="ko"' not in page  # "Remove", the size and tags stay in the reader's
