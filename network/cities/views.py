"""The public member-city directory and city pages."""

from __future__ import annotations

import functools

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import get_locale
from werkzeug import Response

from network.cities import queries
from network.cities.models import MembershipStatus, Region
from network.cities.rules import is_language_tag
from network.common import clock
from network.common.decorators import public
from network.common.export import csv_response
from network.common.http import search_text, strict_country, strict_enum
from network.common.languages import asked_language
from network.common.pagination import Window, page_request
from network.common.templating import countries_by_name
from network.declarations import queries as declaration_queries
from network.elections import queries as election_queries
from network.elections.models import Office
from network.practices import queries as practice_queries

bp = Blueprint("cities", __name__, url_prefix="/cities")


def _enum_arg(enum_class: type, raw: str | None):  # noqa: ANN202
    try:
        return enum_class(raw) if raw else None
    except ValueError:
        return None


def directory_filter_from(args) -> queries.DirectoryFilter:  # noqa: ANN001
    """Read the directory filters from query parameters, ignoring unknown values."""
    country = (args.get("country") or "").strip().upper()
    return queries.DirectoryFilter(
        region=_enum_arg(Region, args.get("region")),
        country=country if len(country) == 2 and country.isalpha() else None,
        status=_enum_arg(MembershipStatus, args.get("status")),
        q=search_text(args.get("q")),
    )


@bp.route("/")
@public
def index() -> str:
    """List, filter and search the cities of the network."""
    filters = directory_filter_from(request.args)
    wanted = page_request(request.args, current_app.config["DIRECTORY_PER_PAGE"])
    locale = str(get_locale())
    pagination = Window.read(
        wanted,
        queries.directory_count(filters),
        functools.partial(queries.directory_page, filters, locale),
    )
    return render_template(
        "cities/index.html",
        pagination=pagination,
        filters=filters,
        countries=countries_by_name(queries.countries_in_directory()),
        regions=list(Region),
        statuses=list(MembershipStatus),
        locale=locale,
        chair=election_queries.holder(Office.chair, clock.today()),
    )


@bp.route("/<slug>")
@public
def show(slug: str) -> str:
    """Show one city: names, profile, status history and delegates."""
    city = queries.city_by_slug(slug)
    if city is None:
        abort(404)
    locale = str(get_locale())
    profiled = [language for language, text in sorted(city.texts.items()) if text.profile]
    # ?lang= shows the profile in another of its languages; the interface stays as it is.
    asked = asked_language(profiled)
    profile_language, profile = city.profile(asked or locale)
    return render_template(
        "cities/show.html",
        city=city,
        delegates=queries.delegates_of(city),
        terms=election_queries.terms_of(city.id),
        signed=declaration_queries.signed_by(city.id),
        practices=practice_queries.published_by_city(city.id),
        today=clock.today(),
        profile=profile,
        profile_language=profile_language,
        profile_languages=profiled,
        asked=asked,
        locale=locale,
    )


@bp.route("/export.csv")
@public
def export_csv() -> Response:
    """Export the directory, with the current filters, as CSV streamed row by row.

    With ``?lang=``, a ``local_name`` column beside ``name`` gives each city's name in
    that language (else in English); the page's download link asks for the reader's.
    """
    wanted = (request.args.get("lang") or "").strip()[:16]
    language = wanted if wanted and is_language_tag(wanted) else None
    # A filter outside what the directory knows is refused (400), as the API does,
    # rather than exporting every city as if it were not there.
    filters = queries.DirectoryFilter(
        region=strict_enum(Region, request.args, "region"),
        country=strict_country(request.args),
        status=strict_enum(MembershipStatus, request.args, "status"),
        q=search_text(request.args.get("q")),
    )
    header = list(queries.EXPORT_COLUMNS)
    if language is not None:
        header.insert(header.index("name") + 1, queries.LOCAL_NAME)
    rows = (
        [
            row.slug,
            row.name,
            *([row.local_name] if language is not None else []),
            row.country,
            row.region.value,
            row.status.value,
            row.joined_on.isoformat() if row.joined_on else "",
            row.website,
        ]
        for row in queries.directory_export_rows(filters, language=language)
    )
    return csv_response(header, rows, "dwcn-cities.csv")
