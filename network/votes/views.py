"""Vote pages: live participation, results, casting a ballot, opening and closing."""

from __future__ import annotations

import functools

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug import Response

from network.auth.models import Role
from network.common import clock
from network.common.decorators import public, role_required
from network.common.errors import DomainError
from network.common.forms import EmptyForm, perform, show_error
from network.common.pagination import PageRequest, Window, page_request
from network.db import db
from network.votes import queries, rules, services
from network.votes.forms import ballot_form_for
from network.votes.models import Secrecy, Vote, VoteStatus

bp = Blueprint("votes", __name__, url_prefix="/votes")

LIST_PER_PAGE = 100  # rows of the roll call, the ballots and the cities that voted


def _vote_or_404(vote_id: int) -> Vote:
    vote = queries.vote_with_options(vote_id)
    if vote is None:
        abort(404)
    return vote


def can_cast(user, vote: Vote) -> bool:  # noqa: ANN001
    """Tell whether the page should offer this user a ballot (the service decides for real)."""
    return (
        user.is_authenticated
        and user.role is Role.delegate
        and rules.is_accepting_ballots(vote.status, vote.closes_at, clock.now())
        and user.city is not None
        and user.city.is_in_good_standing
        and services.is_in_electorate(vote, user.city_id)
        and not queries.has_voted(vote, user.city_id)
    )


@bp.route("/<int:vote_id>")
@public
def show(vote_id: int) -> str:
    """Show a vote: participation while open; result and roll call or receipts once closed.

    The lists (roll call or ballots by receipt, ``?page=``; the cities that voted,
    ``?voters_page=``) come a hundred at a time: a vote of the whole network has 13,000
    ballots. The API answer and its JSON link give every ballot at once.
    """
    vote = _vote_or_404(vote_id)
    title, subject_url = services.describe(vote)
    closed = vote.status is VoteStatus.closed
    ballots_cast = queries.ballots_cast(vote)

    def window(read, wanted: PageRequest) -> Window:  # noqa: ANN001
        # Each city that voted cast one ballot: every list here is ballots_cast long.
        return Window.read(wanted, ballots_cast, functools.partial(read, vote))

    listed = page_request(request.args, LIST_PER_PAGE)
    recorded = closed and vote.secrecy is Secrecy.recorded
    voters_page = page_request({"page": request.args.get("voters_page", "")}, LIST_PER_PAGE)
    # Forms are built only for the secretariat, who sees them: a form puts a CSRF token
    # in the session, and a visitor's page with one in it is never cached.
    secretariat = current_user.is_authenticated and current_user.role is Role.secretariat
    return render_template(
        "votes/show.html",
        vote=vote,
        title=title,
        subject_url=subject_url,
        ballots_cast=ballots_cast,
        # A closed recorded vote's roll call names the cities that voted already.
        voters=None if recorded else window(queries.cities_that_voted, voters_page),
        roll_call=window(queries.roll_call, listed) if recorded else None,
        ballots=window(queries.published_ballots, listed)
        if closed and vote.secrecy is Secrecy.secret
        else None,
        past_closing=rules.is_past_closing(vote.status, vote.closes_at, clock.now()),
        can_cast=can_cast(current_user, vote),
        city_has_voted=current_user.is_authenticated
        and queries.has_voted(vote, current_user.city_id),
        button=EmptyForm() if secretariat else None,
        option_labels={str(o.id): o.label for o in vote.options},
    )


@bp.route("/<int:vote_id>/ballot", methods=["GET", "POST"])
@role_required(Role.delegate)
def ballot(vote_id: int) -> Response | str | tuple[str, int]:
    """Cast one's city's ballot (final once cast)."""
    vote = _vote_or_404(vote_id)
    title, _subject_url = services.describe(vote)
    form = ballot_form_for(vote)
    if form.validate_on_submit():
        content = form.content()
        try:
            cast = services.cast_ballot(
                vote, current_user.city, content, actor=current_user, now=clock.now()
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
            return render_template(
                "votes/ballot.html", vote=vote, title=title, form=form
            ), error.status
        else:
            receipt = cast.receipt
            db.session.commit()
            flash(
                _(
                    "Your city's ballot is cast. Its receipt code is %(code)s: keep it to find "
                    "your ballot in the published list once the vote closes.",
                    code=receipt,
                ),
                "success",
            )
            return redirect(url_for("votes.show", vote_id=vote.id))
    status = 422 if form.is_submitted() else 200
    return render_template("votes/ballot.html", vote=vote, title=title, form=form), status


@bp.route("/<int:vote_id>/open", methods=["POST"])
@role_required(Role.secretariat)
def open_vote(vote_id: int) -> Response:
    """Open a prepared vote now."""
    vote = _vote_or_404(vote_id)
    if EmptyForm().validate_on_submit():
        perform(
            lambda: services.open_vote(vote, actor=current_user, now=clock.now()),
            _("The vote is open."),
        )
    return redirect(url_for("votes.show", vote_id=vote.id))


@bp.route("/<int:vote_id>/close", methods=["POST"])
@role_required(Role.secretariat)
def close_vote(vote_id: int) -> Response:
    """Close an open vote now and publish its result."""
    vote = _vote_or_404(vote_id)
    if EmptyForm().validate_on_submit():
        perform(
            lambda: services.close_vote(vote, actor=current_user, now=clock.now()),
            _("The vote is closed and its result published."),
        )
    return redirect(url_for("votes.show", vote_id=vote.id))
