"""CSV downloads of the record beside the API: roll calls, ballots and the register.

Written like every export (``network.common.export``): formula guard, ``?bom=1``,
booleans as ``true``/``false``. Filters and ``?lang=`` are read as the API reads them,
so a wrong value answers 400 rather than a file of something else.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, url_for
from werkzeug import Response

from network.api.views import content_language, register_filters
from network.common.decorators import public
from network.common.export import csv_response
from network.db import db
from network.resolutions import queries as resolution_queries
from network.votes import queries as vote_queries
from network.votes.models import Secrecy, Vote, VoteStatus

bp = Blueprint("exports", __name__)

ROLL_CALL_FIELDS = ["city", "city_name", "choice"]
BALLOT_FIELDS = ["receipt", "choice"]
RESOLUTION_FIELDS = ["number", "title", "kind", "adopted_on", "mode", "vote", "meeting", "url"]


def choice_cell(choice: Any) -> str:
    """Write a choice in one cell: yes/no/abstain, a candidate, a ranking, or empty (blank)."""
    if choice is None:
        return ""
    if isinstance(choice, list):
        return " > ".join(str(part) for part in choice)
    return str(choice)


def _closed_vote(vote_id: int, secrecy: Secrecy) -> Vote:
    """Return the vote if it is closed and of this secrecy; else 404 (nothing to export)."""
    vote = vote_queries.vote_with_options(vote_id)
    if vote is None or vote.status is not VoteStatus.closed or vote.secrecy is not secrecy:
        abort(404)
    return vote


@bp.route("/votes/<int:vote_id>/roll-call.csv")
@public
def roll_call_csv(vote_id: int) -> Response:
    """Export a closed recorded vote's roll call: each city, named in ``?lang=``, and its choice."""
    language = content_language().replace("_", "-")
    vote = _closed_vote(vote_id, Secrecy.recorded)
    rows = (
        [entry["city"], entry["city_name"], choice_cell(entry["choice"])]
        for entry in vote_queries.roll_call_for_export(vote, language)
    )
    response = csv_response(ROLL_CALL_FIELDS, rows, f"vote-{vote.id}-roll-call.csv")
    response.headers["Content-Language"] = language
    return response


@bp.route("/votes/<int:vote_id>/ballots.csv")
@public
def ballots_csv(vote_id: int) -> Response:
    """Export a closed secret vote's ballots: each receipt and its choice, no city."""
    vote = _closed_vote(vote_id, Secrecy.secret)
    rows = (
        [entry["receipt"], choice_cell(entry["choice"])]
        for entry in vote_queries.published_ballots(vote)
    )
    return csv_response(BALLOT_FIELDS, rows, f"vote-{vote.id}-ballots.csv")


@bp.route("/resolutions/export.csv")
@public
def resolutions_csv() -> Response:
    """Export the register of resolutions with its filters (``year``, ``kind``, ``q``)."""
    # Read whole before the answer streams (a register of hundreds): objects read
    # lazily while streaming would outlive the session the conditional GET closes.
    resolutions = list(
        db.session.scalars(resolution_queries.register_statement(**register_filters()))
    )
    rows = (
        [
            resolution.number,
            resolution.title,
            resolution.kind.value,
            resolution.adopted_on.isoformat(),
            resolution.mode.value.replace("-", "_"),
            resolution.vote_id,
            resolution.meeting_id,
            url_for(
                "resolutions.show",
                year=resolution.year,
                sequence=resolution.sequence,
                _external=True,
            ),
        ]
        for resolution in resolutions
    )
    return csv_response(RESOLUTION_FIELDS, rows, "resolutions.csv")
