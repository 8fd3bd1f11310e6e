"""Pages that have a PDF offer it and a Print button: a vendored script, no inline code."""

from __future__ import annotations

import re
from pathlib import Path

from tests.documents.test_declaration_pdf import seeded  # noqa: F401

SCRIPT = Path(__file__).resolve().parents[2] / "network" / "static" / "js" / "print.js"


def test_the_button_comes_with_the_pdf_and_its_script(app, make, seeded):  # noqa: F811
    public = app.test_client()
    for url, pdf in (
        ("/declarations/seoul-declaration-2017", "/document.pdf"),
        ("/cities/seoul", "/record.pdf"),
    ):
        page = public.get(url).text
        assert pdf in page, url
        assert re.search(r'<button type="button" class="print-button" data-print hidden>', page)
        assert re.search(r"<script src=\"/static/js/print\.js\?v=[0-9a-f]+\" defer>", page), url
        assert "window.print" not in page  # no inline script: the CSP forbids it
        assert "script-src 'self'" in public.get(url).headers["Content-Security-Policy"]


def test_the_script_prints_and_shows_the_buttons():
    script = SCRIPT.read_text()
    assert "window.print()" in script and "button.hidden = false" in script
