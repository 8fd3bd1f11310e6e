"""The read-only open-data API under /api/v1 (SPEC "API contract")."""

from __future__ import annotations

import functools
import re
from typing import Any

import sqlalchemy as sa
from babel import Locale
from flask import Blueprint, current_app, g, jsonify, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload
from werkzeug import Response

from network.api import serializers
from network.api.openapi import LANGUAGE_TAG, PARAMETERS, PREFIX
from network.api.openapi import document as openapi_document
from network.audit import queries as audit_queries
from network.charter import queries as charter_queries
from network.charter.models import CharterVersion, VersionStatus
from network.cities import queries as city_queries
from network.cities.models import MembershipStatus, Region
from network.cities.rules import is_language_tag, is_valid_slug
from network.commitments import queries as commitment_queries
from network.common.decorators import public
from network.common.errors import BadParameter
from network.common.errors import json_error as _json_error
from network.common.http import (
    client_address,
    search_text,
    small_int,
    strict_country,
    strict_enum,
)
from network.common.pagination import Window, api_page_request
from network.db import db
from network.declarations import queries as declaration_queries
from network.declarations.models import DeclarationStatus
from network.elections import queries as election_queries
from network.extensions import limiter
from network.indicators import queries as indicator_queries
from network.meetings import minutes as meeting_minutes
from network.meetings import papers as meeting_papers
from network.meetings import queries as meeting_queries
from network.meetings.models import Meeting
from network.motions import queries as motion_queries
from network.motions.models import MotionKind, MotionStatus
from network.practices import queries as practice_queries
from network.practices.models import Instrument, Pillar
from network.resolutions import queries as resolution_queries
from network.resolutions.models import ResolutionKind
from network.verify.queries import lookup as verify_lookup
from network.votes import queries as vote_queries
from network.votes import services as vote_services
from network.votes.models import Secrecy, Vote, VoteStatus

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Generous for reads, per client address; shared across processes through Redis.
limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=client_address)(bp)


def _list(statement: Any, serialise: Any) -> Response:
    """Answer a paginated list in the contract's envelope."""
    wanted = api_page_request(request.args)
    pagination = db.paginate(statement, page=wanted.page, per_page=wanted.per_page, error_out=False)
    return jsonify(
        items=[serialise(item) for item in pagination.items],
        page=wanted.page,
        per_page=wanted.per_page,
        total=pagination.total,
    )


DATA_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
# What a page on another site may ask of the API (CORS): reads only, no credentials.
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": (
        "ETag, Last-Modified, Content-Language, Link, Retry-After, "
        "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset"
    ),
}
CORS_PREFLIGHT = {
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Accept-Language, If-None-Match, If-Modified-Since",
    "Access-Control-Max-Age": "86400",
}


def _is_api_request() -> bool:
    return request.path == PREFIX or request.path.startswith(PREFIX + "/")


@bp.after_app_request
def api_headers(response: Response) -> Response:
    """Mark every API answer with its data licence, its language and CORS (reads only).

    Only under /api/v1, which reads no session and writes none: no page with a session
    is ever open to other sites.
    """
    if not _is_api_request():
        return response
    response.headers["Link"] = f'<{DATA_LICENSE}>; rel="license"'
    response.headers.setdefault("Content-Language", g.get("api_language") or _tag(get_locale()))
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        response.headers.update(CORS_HEADERS)
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
            response.headers.update(CORS_PREFLIGHT)
    return response


def _tag(code: Any) -> str:
    return str(code).replace("_", "-")


# Query parameters whose value an empty string can never be (numbers, codes, enumerations).
def _may_be_empty(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "string" and not {"pattern", "enum"} & schema.keys()


@functools.cache
def _documented_parameters(version: str) -> dict[str, dict[str, dict[str, Any]]]:
    """Return, for each API path, its query parameters' schemas (from the OpenAPI document)."""
    paths = openapi_document(version)["paths"]
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for path, operations in paths.items():
        for parameter in operations["get"]["parameters"]:
            if "$ref" in parameter:
                parameter = PARAMETERS[parameter["$ref"].rsplit("/", 1)[1]]
            if parameter["in"] == "query":
                found.setdefault(path, {})[parameter["name"]] = parameter["schema"]
    return found


@bp.before_request
def refuse_ambiguous_parameters() -> None:
    """Refuse a documented query parameter given twice, or empty where it cannot be.

    ``?page=&page=abc`` or ``?country=`` mean nothing the schema allows: 400, as for
    any other value outside it, rather than reading the first or ignoring it.
    """
    if request.url_rule is None:
        return
    path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", request.url_rule.rule)
    documented = _documented_parameters(current_app.extensions["network_version"]).get(path, {})
    for name, schema in documented.items():
        values = request.args.getlist(name)
        if len(values) > 1:
            raise BadParameter(_("“%(name)s” may be given only once.", name=name))
        if values == [""] and not _may_be_empty(schema):
            raise BadParameter(_("“%(name)s” must not be empty.", name=name))


def content_language() -> str:
    """Return the language asked for with ``?lang=``, else the interface's.

    A tag with a region or a script names its language (``en-US`` is ``en``), and its
    script where that tells texts apart (``zh-Hant`` is ``zh_Hant``).
    A well-formed tag of a language Babel does not know (``yes``) is the schema's
    too: it names its first subtag, in which nothing has a text, so everything falls
    back as documented (names to English, texts to their authoritative language).
    """
    wanted = (request.args.get("lang") or "").strip()
    if not wanted:
        language = str(get_locale())
    elif not re.fullmatch(LANGUAGE_TAG, wanted):
        raise BadParameter(_("“lang” must be a language tag such as en, ko, en-US or zh-Hant."))
    elif not is_language_tag(wanted):
        g.api_language = "en"  # what the names fall back to
        return re.split(r"[-_]", wanted, maxsplit=1)[0]
    else:
        locale = Locale.parse(wanted.replace("-", "_"))
        language = locale.language + (f"_{locale.script}" if locale.script else "")
    g.api_language = _tag(language)
    return language


def _strict_enum(enum_class: type, name: str) -> Any:
    return strict_enum(enum_class, request.args, name)


def _city_filter() -> str | None:
    """Return the ``city`` filter's slug, or None; a value that is no slug is refused."""
    slug = (request.args.get("city") or "").strip()
    if slug and not is_valid_slug(slug):
        raise BadParameter(_("“city” must be a city's slug, such as seoul or new-york."))
    return slug or None


@bp.route("/cities")
@public
def cities() -> Response:
    """List cities, filtered by ``region``, ``country``, ``status`` and ``q``."""
    filters = city_queries.DirectoryFilter(
        region=_strict_enum(Region, "region"),
        country=strict_country(request.args),
        status=_strict_enum(MembershipStatus, "status"),
        q=search_text(request.args.get("q")),
    )
    language = content_language()
    return _list(
        city_queries.directory_statement(filters),
        functools.partial(serializers.city_summary, language=language),
    )


@bp.route("/cities/<slug>")
@public
def city(slug: str) -> Response | tuple[Response, int]:
    """Give one city with its names (and the one in ``?lang=``), profiles, delegates, history."""
    language = content_language()
    found = city_queries.city_by_slug(slug)
    if found is None:
        return _json_error(404, _("No city has this slug."))
    return jsonify(
        serializers.city_detail(
            found,
            city_queries.delegates_of(found),
            election_queries.terms_of(found.id),
            declaration_queries.signed_by(found.id),
            language,
        )
    )


@bp.route("/charter")
@public
def charter() -> Response | tuple[Response, int]:
    """Give the charter in force, its rules and articles in ``?lang=``."""
    version = charter_queries.version_in_force()
    if version is None:
        return _json_error(404, _("No charter is in force yet; the founding rules apply."))
    body = serializers.charter_version(version, content_language())
    g.api_language = ", ".join(sorted({_tag(a["language"]) for a in body["articles"]})) or None
    return jsonify(body)


@bp.route("/charter/versions")
@public
def charter_versions() -> Response:
    """List the public versions of the charter, newest first."""
    statement = (
        sa.select(CharterVersion)
        .options(selectinload(CharterVersion.resolution))
        .where(CharterVersion.status != VersionStatus.draft)
        .order_by(CharterVersion.number.desc())
    )
    return _list(statement, serializers.charter_version_summary)


@bp.route("/votes/<int:vote_id>")
@public
def vote(vote_id: int) -> Response | tuple[Response, int]:
    """Give a vote: participation while open, the result and ballots once closed."""
    found = vote_queries.vote_with_options(vote_id)
    if found is None:
        return _json_error(404, _("No vote has this number."))
    return jsonify(vote_answer(found))


def vote_answer(vote: Vote) -> dict[str, Any]:
    """Return a vote as the API gives it (the archive too): ballots only once it is closed.

    A recorded vote's roll call names each city's choice; a secret vote's ballots are
    listed by receipt alone. An open or pending vote gives its participation count only.
    """
    closed = vote.status is VoteStatus.closed
    return serializers.vote(
        vote,
        title=vote_services.describe(vote)[0],
        ballots_cast=vote_queries.ballots_cast(vote),
        roll_call=vote_queries.roll_call(vote, names=False)
        if closed and vote.secrecy is Secrecy.recorded
        else None,
        ballots=vote_queries.published_ballots(vote)
        if closed and vote.secrecy is Secrecy.secret
        else None,
    )


@bp.route("/verify/<code>")
@public
def verify(code: str) -> Response | tuple[Response, int]:
    """Say what a receipt code belongs to."""
    found = verify_lookup(code)
    if found is None:
        return _json_error(404, _("No ballot or signature has this code."))
    return jsonify(found)


@bp.route("/elections")
@public
def elections() -> Response:
    """List elections, newest term first, with their rounds and winners."""
    return _list(election_queries.elections_statement(), serializers.election)


@bp.route("/elections/<int:election_id>")
@public
def election(election_id: int) -> Response | tuple[Response, int]:
    """Give one election with its nominations, rounds and counts."""
    found = election_queries.election(election_id)
    if found is None:
        return _json_error(404, _("No election has this number."))
    return jsonify(serializers.election(found))


@bp.route("/resolutions")
@public
def resolutions() -> Response:
    """List the register of resolutions (``?year=&kind=&q=``), newest first."""
    return _list(
        resolution_queries.register_statement(**register_filters()), serializers.resolution
    )


def register_filters() -> dict[str, Any]:
    """Read the register's filters (``year``, ``kind``, ``q``); a wrong one answers 400."""
    year = request.args.get("year", "")
    if year and not (small_int(year, digits=4) is not None and len(year) == 4):
        raise BadParameter(_("“year” must be a year such as 2018."))
    return {
        "year": int(year) if year else None,
        "kind": _strict_enum(ResolutionKind, "kind"),
        "q": search_text(request.args.get("q")),
    }


@bp.route("/declarations")
@public
def declarations() -> Response:
    """List the declarations (not drafts) in ``?lang=``, with signature counts."""
    language = content_language()
    wanted = api_page_request(request.args)
    pagination = db.paginate(
        declaration_queries.public_statement(),
        page=wanted.page,
        per_page=wanted.per_page,
        error_out=False,
    )
    counts = declaration_queries.signature_counts(pagination.items)
    return jsonify(
        items=[serializers.declaration(d, language, counts[d.id]) for d in pagination.items],
        page=wanted.page,
        per_page=wanted.per_page,
        total=pagination.total,
    )


def _public_declaration(slug: str):  # noqa: ANN202
    found = declaration_queries.declaration(slug)
    if found is None or found.status is DeclarationStatus.draft:
        return None
    return found


@bp.route("/declarations/<slug>")
@public
def declaration(slug: str) -> Response | tuple[Response, int]:
    """Give one declaration with its text in ``?lang=``."""
    found = _public_declaration(slug)
    if found is None:
        return _json_error(404, _("No declaration has this address."))
    count = declaration_queries.signature_counts([found])[found.id]
    body = serializers.declaration(found, content_language(), count)
    if body["language"]:
        g.api_language = _tag(body["language"])  # the text's, when it falls back
    return jsonify(body)


@bp.route("/declarations/<slug>/signatures")
@public
def declaration_signatures(slug: str) -> Response | tuple[Response, int]:
    """List a declaration's signatures, withdrawn ones marked, cities named in ``?lang=``."""
    language = content_language()
    found = _public_declaration(slug)
    if found is None:
        return _json_error(404, _("No declaration has this address."))
    wanted = api_page_request(request.args)
    total, _standing = declaration_queries.signature_tally(found.id)
    window = Window.read(
        wanted,
        total,
        functools.partial(declaration_queries.signatory_page, found.id, language=language),
    )
    return jsonify(
        items=[serializers.signature_row(row) for row in window.items],
        page=window.page,
        per_page=window.per_page,
        total=window.total,
    )


@bp.route("/declarations/<slug>/reports")
@public
def declaration_reports(slug: str) -> Response | tuple[Response, int]:
    """List the submitted reports on a declaration's commitments (``?period=``), in ``?lang=``."""
    language = content_language()
    found = _public_declaration(slug)
    if found is None:
        return _json_error(404, _("No declaration has this address."))
    period_id = None
    wanted = (request.args.get("period") or "").strip()
    if wanted:
        period = next(
            (p for p in commitment_queries.periods_of(found.id) if p.label == wanted), None
        )
        if period is None:
            return _json_error(404, _("This declaration has no reporting period of this name."))
        period_id = period.id
    return _list(
        commitment_queries.submitted_statement(found.id, period_id),
        functools.partial(serializers.report, language=language),
    )


@bp.route("/motions")
@public
def motions() -> Response:
    """List motions, newest first, filtered by ``status`` and ``kind``, in ``?lang=``."""
    status = _strict_enum(MotionStatus, "status")
    kind = _strict_enum(MotionKind, "kind")
    language = _tag(content_language())
    return _list(
        motion_queries.api_statement(status=status, kind=kind),
        functools.partial(serializers.motion, language=language),
    )


@bp.route("/motions/<int:motion_id>")
@public
def motion(motion_id: int) -> Response | tuple[Response, int]:
    """Give one motion with its title and text in ``?lang=`` (else the original)."""
    language = _tag(content_language())
    found = motion_queries.motion(motion_id)
    if found is None:
        return _json_error(404, _("No motion has this number."))
    body = serializers.motion(found, language)
    g.api_language = body["language"]  # the text's, when it falls back to the original
    return jsonify(body)


@bp.route("/meetings")
@public
def meetings() -> Response:
    """List the council's meetings, latest first."""
    return _list(meeting_queries.meetings_statement(), serializers.meeting_summary)


@bp.route("/meetings/<int:meeting_id>")
@public
def meeting(meeting_id: int) -> Response | tuple[Response, int]:
    """Give one meeting with its agenda, decisions taken in the room and resolutions."""
    found = meeting_queries.meeting(meeting_id)
    if found is None:
        return _json_error(404, _("No meeting has this number."))
    return jsonify(meeting_answer(found))


def meeting_answer(meeting: Meeting) -> dict[str, Any]:
    """Return a meeting as the API gives it (the archive too), with papers and minutes.

    The public papers only; the latest published minutes, null until there are some.
    """
    body = serializers.meeting(
        meeting,
        meeting_queries.charter_version_numbers(meeting),
        meeting_queries.resolutions_adopted_at(meeting.id),
    )
    minutes = meeting_minutes.published_minutes([meeting.id]).get(meeting.id)
    body["minutes"] = serializers.minutes_summary(minutes) if minutes else None
    body["papers"] = [
        serializers.paper(paper) for paper in meeting_papers.papers_of(meeting.id, members=False)
    ]
    return body


@bp.route("/meetings/<int:meeting_id>/minutes")
@public
def minutes(meeting_id: int) -> Response | tuple[Response, int]:
    """List the published versions of a meeting's minutes, latest first, text and record."""
    if db.session.get(Meeting, meeting_id) is None:
        return _json_error(404, _("No meeting has this number."))
    return _list(meeting_minutes.published_statement(meeting_id), serializers.minutes_version)


@bp.route("/practices")
@public
def practices() -> Response:
    """List published practices (``?q=&pillar=&instrument=&region=&city=``) in ``?lang=``.

    ``q`` searches every language at once, as the library's page does.
    """
    filters = practice_queries.PracticeFilter(
        pillar=_strict_enum(Pillar, "pillar"),
        instrument=_strict_enum(Instrument, "instrument"),
        region=_strict_enum(Region, "region"),
        city=_city_filter(),
    )
    language = content_language()
    wanted = api_page_request(request.args)
    window = practice_queries.search(search_text(request.args.get("q")), filters, wanted)
    return jsonify(
        items=[serializers.practice(item, language) for item in window.items],
        page=window.page,
        per_page=window.per_page,
        total=window.total,
    )


@bp.route("/practices/<slug>")
@public
def practice(slug: str) -> Response | tuple[Response, int]:
    """Give one published practice with its full text in ``?lang=`` (else the authoritative)."""
    language = content_language()
    found = practice_queries.practice(slug)
    if found is None or not found.is_published:
        return _json_error(404, _("No practice has this address."))
    body = serializers.practice(found, language, full=True)
    if body["language"]:
        g.api_language = _tag(body["language"])  # the text's, when it falls back
    return jsonify(body)


@bp.route("/indicators")
@public
def indicators() -> Response:
    """List the decent-work indicators by code, named and defined in ``?lang=``."""
    language = content_language()
    return _list(
        indicator_queries.indicators_statement(),
        functools.partial(serializers.indicator, language=language),
    )


@bp.route("/indicators/<code>")
@public
def indicator(code: str) -> Response | tuple[Response, int]:
    """Give one indicator's definition in ``?lang=`` (else English), with every language's."""
    language = content_language()
    found = indicator_queries.indicator(code)
    if found is None:
        return _json_error(404, _("No indicator has this code."))
    body = serializers.indicator(found, language, full=True)
    g.api_language = _tag(body["language"])  # the text's, when it falls back to English
    return jsonify(body)


@bp.route("/indicators/<code>/values")
@public
def indicator_values(code: str) -> Response | tuple[Response, int]:
    """List an indicator's published values (``?city=&year=``), by year then city."""
    language = content_language()
    year = request.args.get("year", "")
    if year and not (small_int(year, digits=4) is not None and len(year) == 4):
        raise BadParameter(_("“year” must be a year such as 2024."))
    city_slug = _city_filter()
    found = indicator_queries.indicator(code)
    if found is None:
        return _json_error(404, _("No indicator has this code."))
    return _list(
        indicator_queries.published_statement(
            indicator_id=found.id, city_slug=city_slug, year=int(year) if year else None
        ),
        functools.partial(serializers.indicator_value, language=language),
    )


@bp.route("/audit/head")
@public
def audit_head() -> Response:
    """Give the number and hash of the newest audit entry."""
    head = audit_queries.head()
    return jsonify(seq=head.seq, hash=head.hash)


@bp.route("/audit/entries")
@public
def audit_entries() -> Response:
    """Give the whole chain, oldest first: public entries whole, others by their hashes only."""
    return _list(audit_queries.chain_statement(), serializers.audit_entry)


@bp.route("/")
@public
def index() -> Response:
    """List the API's routes (from the OpenAPI document), its description and its licence."""
    document = openapi_document(current_app.extensions["network_version"])
    return jsonify(
        endpoints=[
            {"path": path, "summary": operations["get"]["summary"]}
            for path, operations in document["paths"].items()
        ],
        openapi=url_for("api.openapi", _external=True),
        documentation=url_for("site.open_data", _external=True),
        license=DATA_LICENSE,
    )


@bp.route("/openapi.json")
@public
def openapi() -> Response:
    """Give the OpenAPI 3.1 description of this API."""
    return jsonify(openapi_document(current_app.extensions["network_version"]))
