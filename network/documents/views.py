"""The public record as PDFs: a declaration with its signatory register.

Each PDF says where it was produced (the public page's address), when, and the audit
head it reflects (the newest entry's number and hash), so a printed copy can be
checked against the public record later. The routes are public GETs like the pages
they print, so the conditional GET (ETag on the audit head) and the page cache apply.
"""

from __future__ import annotations

from flask import Blueprint, request, url_for
from flask_babel import format_date, get_locale
from werkzeug import Response

from network.audit import queries as audit_queries
from network.cities.rules import is_language_tag
from network.common import clock
from network.common.decorators import public
from network.common.enums import label
from network.common.languages import asked_language, is_same_language
from network.declarations import queries as declaration_queries
from network.declarations.models import Declaration, DeclarationText, SignatureMode
from network.declarations.views import public_declaration
from network.documents.pdf import pdf_response, render_pdf
from network.documents.qr import qr_svg

bp = Blueprint("documents", __name__)


def _produced() -> dict[str, object]:
    """Return what every PDF's footer says: when it was produced and the audit head."""
    head = audit_queries.head()
    return {"produced_at": clock.now(), "head_seq": head.seq, "head_hash": head.hash}


def wanted_language(texts: dict[str, object]) -> str:
    """Return the language a PDF is asked in: ``?lang=`` (any language tag), else the reader's.

    Unlike a page, which ignores a ``?lang=`` the text does not exist in, a PDF keeps
    it, so that it falls back to the authoritative text and says so.
    """
    asked = asked_language(texts)
    if asked:
        return asked
    raw = request.args.get("lang", "", type=str).strip()[:16]
    return raw if raw and is_language_tag(raw) else str(get_locale())


def text_for(declaration: Declaration, wanted: str) -> DeclarationText | None:
    """Return the declaration's text in ``wanted``, else the authoritative text."""
    found = next((code for code in declaration.texts if is_same_language(code, wanted)), None)
    return declaration.text_in(found or declaration.authoritative_language)


@bp.route("/declarations/<slug>/document.pdf")
@public
def declaration(slug: str) -> Response:
    """Print a declaration: its text in ``?lang=`` (else the reader's), and its signatories.

    The register lists every signature, withdrawn ones marked, each with a QR code to
    its public verification page.
    """
    found = public_declaration(slug)
    language = wanted_language(found.texts)
    text = text_for(found, language)
    locale = str(get_locale())
    signatories = list(declaration_queries.signatures_for_export(found, language=locale))
    body = render_pdf(
        "documents/declaration.html",
        declaration=found,
        language=language,
        text=text,
        signatories=signatories,
        standing=sum(1 for row in signatories if row.withdrawn_at is None),
        modes={mode: label(mode) for mode in SignatureMode},
        dates={day: format_date(day) for day in {row.signed_on for row in signatories}},
        qr={
            row.verification_code: qr_svg(
                url_for("verify.show", code=row.verification_code, _external=True)
            )
            for row in signatories
        },
        address=url_for("declarations.show", slug=found.slug, _external=True),
        locale=locale,
        **_produced(),
    )
    shown = text.language if text is not None else found.authoritative_language
    return pdf_response(body, f"{found.slug}-{shown}.pdf")
