"""The public register of resolutions, each resolution's page, and its Atom feed."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from werkzeug import Response

from network.common import feeds
from network.common.decorators import public
from network.common.http import search_text, small_int
from network.common.markdown import render
from network.common.pagination import page_request
from network.db import db
from network.resolutions import queries
from network.resolutions.models import ResolutionKind
from network.votes import services as vote_services

bp = Blueprint("resolutions", __name__, url_prefix="/resolutions")


def register_filters(args) -> dict:  # noqa: ANN001
    """Read the register's filters (``year``, ``kind``, ``q``), ignoring nonsense."""
    year = args.get("year", "")
    kind = args.get("kind", "")
    return {
        "year": small_int(year, digits=4) if len(year) == 4 else None,
        "kind": ResolutionKind(kind) if kind in set(ResolutionKind) else None,
        "q": search_text(args.get("q")),
    }


@bp.route("/")
@public
def index() -> str:
    """List the register, newest first, with filters and search."""
    filters = register_filters(request.args)
    wanted = page_request(request.args, 50)
    pagination = db.paginate(
        queries.register_statement(**filters),
        page=wanted.page,
        per_page=wanted.per_page,
        error_out=False,
    )
    return render_template(
        "resolutions/index.html",
        pagination=pagination,
        filters=filters,
        years=queries.years(),
        kinds=list(ResolutionKind),
    )


@bp.route("/<int:year>/<int:sequence>")
@public
def show(year: int, sequence: int) -> str:
    """Show a resolution with its text, the vote or meeting that adopted it."""
    resolution = queries.by_year_and_sequence(year, sequence)
    if resolution is None:
        abort(404)
    vote_title = vote_services.describe(resolution.vote)[0] if resolution.vote else None
    return render_template(
        "resolutions/show.html",
        resolution=resolution,
        vote_title=vote_title,
        text=render(resolution.text),
    )


@bp.route("/feed.atom")
@public
def feed() -> Response:
    """Publish the newest resolutions as an Atom feed, in ``?lang=`` or the reader's language."""
    language = feeds.feed_language()
    resolutions = queries.latest()
    return feeds.atom_response(
        "resolutions/feed.xml",
        language,
        resolutions=resolutions,
        updated=feeds.feed_updated(resolution.created_at for resolution in resolutions),
    )
