"""A declaration as a PDF: its text in the language asked for, its register, its footer."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from network.audit.models import AuditHead
from network.db import db
from network.declarations.models import Declaration, Signature
from network.documents import pdf

SEOUL = "/declarations/seoul-declaration-2017/document.pdf"


@pytest.fixture
def seeded(app, database):
    """The demo's data, with the Seoul Declaration of 2017 and its signatories."""
    result = app.test_cli_runner().invoke(args=["network", "seed-demo"])
    assert result.exit_code == 0, result.output


def text_of(body: bytes) -> str:
    """Return the PDF's text with every space and line break taken out.

    A line of the PDF may break inside a word or a code; the text compared is whole.
    """
    reader = PdfReader(io.BytesIO(body))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def squeeze(value: str) -> str:
    return re.sub(r"\s+", "", value)


def seoul_codes(app) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(Signature.verification_code)
                .join(Declaration)
                .where(Declaration.slug == "seoul-declaration-2017")
            )
        )


def audit_head(app) -> AuditHead:
    with app.app_context():
        return db.session.execute(sa.select(AuditHead)).scalar_one()


def test_the_declaration_page_links_its_pdf_in_the_language_shown(client, seeded):
    page = client.get("/declarations/seoul-declaration-2017?lang=ko").get_data(as_text=True)
    assert f'href="{SEOUL}?lang=ko" type="application/pdf"' in page


def test_the_korean_pdf_has_the_korean_text_and_every_verification_code(app, client, seeded):
    response = client.get(f"{SEOUL}?lang=ko", headers={"Accept-Language": "ko"})
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        'inline; filename="seoul-declaration-2017-ko.pdf"'
    )
    text = text_of(response.data)
    assert squeeze("좋은 일자리 도시 ‘서울선언’") in text
    assert squeeze("'노동존중특별시 서울'을 표방하며 좋은 일자리 실현에 앞장서온") in text
    codes = seoul_codes(app)
    assert len(codes) >= 5
    assert all(code in text for code in codes), codes
    assert "서울특별시" in text  # the city named in the reader's language
    head = audit_head(app)
    assert f"{head.seq}" in text and head.hash in text


def test_the_english_pdf_has_the_english_text_and_says_the_korean_prevails(app, client, seeded):
    response = client.get(f"{SEOUL}?lang=en", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith('-en.pdf"')
    text = text_of(response.data)
    assert squeeze("Decent Work City ‘Seoul Declaration’") in text
    assert (
        squeeze("extreme market fundamentalism, whose principle is unlimited competition") in text
    )
    assert squeeze("Translation. The Korean text is authoritative.") in text
    assert all(code in text for code in seoul_codes(app))
    assert squeeze("Produced from http://localhost/declarations/seoul-declaration-2017") in text
    # The reader's PDF reader shows the document's title.
    assert PdfReader(io.BytesIO(response.data)).metadata.title == (
        "Decent Work City ‘Seoul Declaration’"
    )


def test_a_language_without_a_text_falls_back_to_the_authoritative_one(app, client, seeded):
    response = client.get(f"{SEOUL}?lang=fr", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith('-ko.pdf"')
    text = text_of(response.data)
    assert squeeze("좋은 일자리 도시 ‘서울선언’") in text
    assert squeeze("there is no French text") in text


def test_the_pdf_is_embedded_in_the_shipped_font_and_fetches_nothing_else(
    app, client, seeded, monkeypatch
):
    fetched: list[str] = []
    fetch = pdf.StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return fetch(self, url, headers)

    monkeypatch.setattr(pdf.StaticOnlyFetcher, "fetch", spy)
    response = client.get(f"{SEOUL}?lang=ko")
    assert response.status_code == 200
    assert fetched == [(pdf.STATIC / "fonts" / "NotoSansKR-Subset.otf").as_uri()]
    reader = PdfReader(io.BytesIO(response.data))
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    # Named after the stylesheet's @font-face: every glyph, Hangul and Latin, comes
    # from the font the project ships, none from a font the server has installed.
    assert fonts and all(name.split("+")[1].startswith("DWCN-Noto-Sans-KR") for name in fonts)


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "https://dwcn.example/",
        "file:///etc/passwd",
        (pdf.STATIC / ".." / "config.py").as_uri(),
    ],
)
def test_a_pdf_may_fetch_nothing_but_the_static_files(url):
    with pytest.raises(ValueError, match="may not fetch"):
        pdf.StaticOnlyFetcher(allowed_protocols=("file",)).fetch(url)


def test_the_pdf_is_cached_like_the_public_pages(client, seeded):
    first = client.get(SEOUL)
    assert first.status_code == 200 and first.headers["ETag"]
    again = client.get(SEOUL, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_an_unknown_declaration_has_no_pdf(client, database):
    assert client.get("/declarations/no-such-declaration/document.pdf").status_code == 404


def test_each_address_may_ask_for_a_few_pdfs_a_minute(client, rate_limits):
    # Unknown declarations answer fast; they count all the same.
    for _ in range(20):
        assert client.get("/declarations/no-such-declaration/document.pdf").status_code == 404
    assert client.get("/cities/seoul/record.pdf").status_code == 429
    assert client.get("/declarations/no-such-declaration").status_code == 404  # pages are not


def test_the_pdf_is_tagged_for_screen_readers_in_the_readers_language(client, seeded):
    response = client.get(f"{SEOUL}?lang=ko", headers={"Accept-Language": "ko"})
    catalog = PdfReader(io.BytesIO(response.data)).trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "ko"
