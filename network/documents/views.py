"""The public record as PDFs: a declaration, a vote's result, a resolution, a city's record.

Each PDF says where it was produced (the public page's address), when, and the audit
head it reflects (the newest entry's number and hash), so a printed copy can be
checked against the public record later. The routes are public GETs like the pages
they print, so the conditional GET (ETag on the audit head) and the page cache apply.
"""

from __future__ import annotations

from urllib.parse import urljoin

from flask import Blueprint, abort, request, url_for
from flask_babel import format_date, get_locale
from werkzeug import Response

from network.audit import queries as audit_queries
from network.cities import queries as city_queries
from network.cities.rules import is_language_tag
from network.common import clock
from network.common.decorators import public
from network.common.enums import label
from network.common.http import client_address
from network.common.languages import asked_language, is_same_language
from network.common.markdown import render as render_markdown
from network.common.templating import city_name
from network.declarations import queries as declaration_queries
from network.declarations.models import Declaration, DeclarationText, SignatureMode
from network.declarations.views import public_declaration
from network.documents.pdf import pdf_response, render_pdf
from network.documents.qr import qr_svg
from network.elections import queries as election_queries
from network.extensions import limiter
from network.indicators.figures import city_series, number
from network.resolutions import queries as resolution_queries
from network.votes import queries as vote_queries
from network.votes import services as vote_services
from network.votes.models import Secrecy, VoteStatus

bp = Blueprint("documents", __name__)

# A PDF costs a quarter of a second to make, a long register many seconds (a page costs
# milliseconds), and a query string the cache has not seen makes it again: each address
# may ask for a few a minute, whichever PDFs they are.
PDF_LIMIT = "20 per minute"
pdf_limit = limiter.shared_limit(PDF_LIMIT, scope="documents-pdf", key_func=client_address)


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
@pdf_limit
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


@bp.route("/votes/<int:vote_id>/result.pdf")
@public
@pdf_limit
def vote_result(vote_id: int) -> Response:
    """Print a closed vote's result: its counts, and its roll call or its ballots by receipt.

    A vote still pending or open has no result to print (404).
    """
    vote = vote_queries.vote_with_options(vote_id)
    if vote is None or vote.status is not VoteStatus.closed:
        abort(404)
    title, subject_url = vote_services.describe(vote)
    names = {
        option.id: city_name(option.city) if option.city else option.label
        for option in vote.options
    }
    recorded = vote.secrecy is Secrecy.recorded
    body = render_pdf(
        "documents/vote.html",
        vote=vote,
        title=title,
        subject_url=urljoin(url_for("home.index", _external=True), subject_url),
        roll_call=vote_queries.electorate_roll_call(vote, str(get_locale()), labels=names)
        if recorded
        else None,
        ballots=None if recorded else vote_queries.published_ballots(vote, labels=names),
        resolution=vote_queries.resolution_of(vote),
        option_labels={str(option_id): name for option_id, name in names.items()},
        address=url_for("votes.show", vote_id=vote.id, _external=True),
        **_produced(),
    )
    return pdf_response(body, f"vote-{vote.id}-result.pdf")


@bp.route("/resolutions/<int:year>/<int:sequence>/document.pdf")
@public
@pdf_limit
def resolution(year: int, sequence: int) -> Response:
    """Print a resolution: its number, title, text, and what adopted it."""
    found = resolution_queries.by_year_and_sequence(year, sequence)
    if found is None:
        abort(404)
    body = render_pdf(
        "documents/resolution.html",
        resolution=found,
        vote_title=vote_services.describe(found.vote)[0] if found.vote else None,
        text=render_markdown(found.text),
        address=url_for("resolutions.show", year=year, sequence=sequence, _external=True),
        **_produced(),
    )
    return pdf_response(body, f"resolution-{year}-{sequence}.pdf")


@bp.route("/cities/<slug>/record.pdf")
@public
@pdf_limit
def city_record(slug: str) -> Response:
    """Print a city's membership record: status history, terms, declarations, figures."""
    city = city_queries.city_by_slug(slug)
    if city is None:
        abort(404)
    locale = str(get_locale())
    body = render_pdf(
        "documents/city.html",
        city=city,
        terms=election_queries.terms_of(city.id),
        signed=declaration_queries.signed_by(city.id),
        figures=city_series(city),
        number=number,
        today=clock.today(),
        locale=locale,
        address=url_for("cities.show", slug=city.slug, _external=True),
        **_produced(),
    )
    return pdf_response(body, f"{city.slug}-membership-record.pdf")
