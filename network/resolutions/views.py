"""Resolution pages."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from network.common.decorators import public
from network.resolutions import queries
from network.votes import services as vote_services

bp = Blueprint("resolutions", __name__, url_prefix="/resolutions")


@bp.route("/<int:year>/<int:sequence>")
@public
def show(year: int, sequence: int) -> str:
    """Show a resolution with the vote that adopted it."""
    resolution = queries.by_year_and_sequence(year, sequence)
    if resolution is None:
        abort(404)
    vote_title = vote_services.describe(resolution.vote)[0] if resolution.vote else None
    return render_template("resolutions/show.html", resolution=resolution, vote_title=vote_title)
