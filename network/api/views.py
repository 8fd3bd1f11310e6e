"""The read-only open-data API under /api/v1 (SPEC "API contract")."""

from __future__ import annotations

import functools
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify, request
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload
from werkzeug import Response

from network.api import serializers
from network.api.openapi import document as openapi_document
from network.audit import queries as audit_queries
from network.charter import queries as charter_queries
from network.charter.models import CharterVersion, VersionStatus
from network.cities import queries as city_queries
from network.cities.models import MembershipStatus, Region
from network.cities.rules import is_language_tag
from network.common.decorators import public
from network.common.errors import BadParameter
from network.common.errors import json_error as _json_error
from network.common.http import client_address, search_text, small_int
from network.common.pagination import Window, api_page_request
from network.db import db
from network.declarations import queries as declaration_queries
from network.declarations.models import DeclarationStatus
from network.elections import queries as election_queries
from network.extensions import limiter
from network.resolutions import queries as resolution_queries
from network.resolutions.models import ResolutionKind
from network.verify.queries import lookup as verify_lookup
from network.votes import queries as vote_queries
from network.votes import services as vote_services
from network.votes.models import Secrecy, VoteStatus

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


def _content_language() -> str:
    """Return the language asked for with ``?lang=`` (any code), else the interface's."""
    from flask_babel import get_locale

    wanted = (request.args.get("lang") or "").strip()
    if wanted and not is_language_tag(wanted):
        raise BadParameter(_("“lang” must be a language code such as en or ko."))
    return wanted or str(get_locale())


def _strict_enum(enum_class: type, name: str) -> Any:
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        return enum_class(raw)
    except ValueError:
        allowed = ", ".join(member.value for member in enum_class)
        raise BadParameter(
            _("“%(name)s” must be one of: %(allowed)s.", name=name, allowed=allowed)
        ) from None


@bp.route("/cities")
@public
def cities() -> Response:
    """List cities, filtered by ``region``, ``country``, ``status`` and ``q``."""
    country = (request.args.get("country") or "").strip()
    if country and not (len(country) == 2 and country.isascii() and country.isalpha()):
        raise BadParameter(_("“country” must be an ISO 3166-1 alpha-2 code."))
    filters = city_queries.DirectoryFilter(
        region=_strict_enum(Region, "region"),
        country=country.upper() or None,
        status=_strict_enum(MembershipStatus, "status"),
        q=search_text(request.args.get("q")),
    )
    language = _content_language()
    return _list(
        city_queries.directory_statement(filters),
        functools.partial(serializers.city_summary, language=language),
    )


@bp.route("/cities/<slug>")
@public
def city(slug: str) -> Response | tuple[Response, int]:
    """Give one city with its names (and the one in ``?lang=``), profiles, delegates, history."""
    language = _content_language()
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
    return jsonify(serializers.charter_version(version, _content_language()))


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
    closed = found.status is VoteStatus.closed
    return jsonify(
        serializers.vote(
            found,
            title=vote_services.describe(found)[0],
            ballots_cast=vote_queries.ballots_cast(found),
            roll_call=vote_queries.roll_call(found, names=False)
            if closed and found.secrecy is Secrecy.recorded
            else None,
            ballots=vote_queries.published_ballots(found)
            if closed and found.secrecy is Secrecy.secret
            else None,
        )
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
    year = request.args.get("year", "")
    if year and not (small_int(year, digits=4) is not None and len(year) == 4):
        raise BadParameter(_("“year” must be a year such as 2018."))
    filters = {
        "year": int(year) if year else None,
        "kind": _strict_enum(ResolutionKind, "kind"),
        "q": search_text(request.args.get("q")),
    }
    return _list(resolution_queries.register_statement(**filters), serializers.resolution)


@bp.route("/declarations")
@public
def declarations() -> Response:
    """List the declarations (not drafts) in ``?lang=``, with signature counts."""
    language = _content_language()
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
    return jsonify(serializers.declaration(found, _content_language(), count))


@bp.route("/declarations/<slug>/signatures")
@public
def declaration_signatures(slug: str) -> Response | tuple[Response, int]:
    """List a declaration's signatures, withdrawn ones marked, cities named in ``?lang=``."""
    language = _content_language()
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


@bp.route("/openapi.json")
@public
def openapi() -> Response:
    """Give the OpenAPI 3.1 description of this API."""
    return jsonify(openapi_document(current_app.extensions["network_version"]))
