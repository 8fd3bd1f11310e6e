"""Render a template as a PDF with WeasyPrint, in the fonts the project ships.

The PDFs are made from HTML templates and ``static/css/pdf.css``. Their font is
``static/fonts/NotoSansKR-Subset.otf`` (Hangul and Latin with accents, see
``tools/subset_fonts.py``), named by ``@font-face`` in the stylesheet, so a Korean
PDF comes out the same on a server with no fonts installed. WeasyPrint needs Pango
from the system (Debian's libpango-1.0-0 and libpangoft2-1.0-0).

WeasyPrint fetches what a document points at (stylesheets, fonts, images). Here it
may read the project's static files and nothing else: no address on the network (a
link in a declaration's text is a link, never fetched), no other file.
"""

from __future__ import annotations

import functools
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import Response, render_template, url_for
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

STATIC = Path(__file__).resolve().parent.parent / "static"
STYLESHEET = STATIC / "css" / "pdf.css"


class StaticOnlyFetcher(URLFetcher):
    """Fetch the project's static files (the font); refuse every other address."""

    def fetch(self, url: str, headers: dict[str, str] | None = None):  # noqa: ANN201
        """Fetch ``url`` if it is a file under ``static/``.

        :raises ValueError: for any other address (WeasyPrint then leaves it out).
        """
        parts = urlsplit(url)
        if parts.scheme == "file":
            path = Path(unquote(parts.path)).resolve()
            if path.is_relative_to(STATIC) and path.is_file():
                return super().fetch(url, headers)
        raise ValueError(f"a PDF may not fetch {url}")


@functools.cache
def _fetcher() -> StaticOnlyFetcher:
    return StaticOnlyFetcher(allowed_protocols=("file",))


def render_pdf(template: str, **context: object) -> bytes:
    """Render ``template`` with ``context`` and return it as a PDF.

    The stylesheet's ``url()`` are resolved against its own file, so it finds the font
    beside it in ``static/``; the document's links against the public address.
    """
    html = render_template(template, **context)
    # A font configuration per document: WeasyPrint's is not meant to be shared
    # between threads, and building it costs little beside the layout.
    fonts = FontConfiguration()
    stylesheet = CSS(filename=str(STYLESHEET), font_config=fonts, url_fetcher=_fetcher())
    # Relative links (another language's version) point at the public site.
    root = url_for("home.index", _external=True)
    document = HTML(string=html, base_url=root, url_fetcher=_fetcher())
    # Tagged (headings, tables, reading order) so that a screen reader can follow it.
    return document.write_pdf(stylesheets=[stylesheet], font_config=fonts, pdf_tags=True)


def pdf_response(body: bytes, filename: str) -> Response:
    """Answer with a PDF shown in the browser, saved under ``filename``.

    ``filename`` is made of a slug, a number or a language tag: letters, digits and
    hyphens, nothing to quote.
    """
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
