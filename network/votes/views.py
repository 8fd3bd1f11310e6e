"""Vote pages: live participation, results, casting a ballot, opening and closing."""

from __future__ import annotations

import functools
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug import Response

from network.auth.models import Role
from network.common import clock
from network.common.decorators import public, role_required
from network.common.errors import DomainError, VoteNotOpen
from network.common.forms import EmptyForm, perform, show_error
from network.common.pagination import PageRequest, Window, page_request
from network.common.templating import city_name
from network.db import db
from network.votes import queries, rules, services
from network.votes.forms import ballot_form_for
from network.votes.models import Secrecy, Vote, VoteStatus

bp = Blueprint("votes", __name__, url_prefix="/votes")

LIST_PER_PAGE = 100  # rows of the roll call, the ballots and the cities that voted

# The part of the site each kind of subject lives in: the breadcrumb above a vote.
SECTIONS = {
    "charter_version": (_l("Charter"), "charter.versions"),
    "motion": (_l("Motions"), "motions.index"),
    "election_round": (_l("Elections"), "elections.index"),
}

# The steps of the ballot form: choose, then review and confirm (or go back to change).
REVIEW, CONFIRM, CHANGE = "review", "confirm", "change"


def _vote_or_404(vote_id: int) -> Vote:
    vote = queries.vote_with_options(vote_id)
    if vote is None:
        abort(404)
    return vote


def _trail(vote: Vote, title: str, *below: str) -> list[tuple[str, str | None]]:
    """Return the breadcrumb of a vote's page, or of a page below it (``below``)."""
    trail: list[tuple[str, str | None]] = []
    if vote.subject_type in SECTIONS:
        label, endpoint = SECTIONS[vote.subject_type]
        trail.append((str(label), url_for(endpoint)))
    if below:
        trail.append((title, url_for("votes.show", vote_id=vote.id)))
        trail.extend((step, None) for step in below)
    else:
        trail.append((title, None))
    return trail


def _candidate_names(vote: Vote) -> dict[int, str]:
    """Name each candidate in the reader's language (a city's own name when it has one)."""
    return {
        option.id: city_name(option.city) if option.city else option.label
        for option in vote.options
    }


def _is_delegate(user: Any) -> bool:
    return user.is_authenticated and user.role is Role.delegate and user.city_id is not None


@bp.route("/<int:vote_id>")
@public
def show(vote_id: int) -> str:
    """Show a vote: participation while open; result and roll call or receipts once closed.

    The lists (roll call or ballots by receipt, ``?page=``; the cities that voted,
    ``?voters_page=``) come a hundred at a time: a vote of the whole network has 13,000
    ballots. The API answer and its JSON link give every ballot at once. A delegate is
    told what their city voted, or why it cannot vote.
    """
    vote = _vote_or_404(vote_id)
    title, subject_url = services.describe(vote)
    now = clock.now()
    closed = vote.status is VoteStatus.closed
    ballots_cast = queries.ballots_cast(vote)
    names = _candidate_names(vote)

    def window(read, wanted: PageRequest, total: int = ballots_cast) -> Window:  # noqa: ANN001
        # Each city that voted cast one ballot: the lists of ballots are ballots_cast long.
        return Window.read(wanted, total, functools.partial(read, vote))

    listed = page_request(request.args, LIST_PER_PAGE)
    recorded = closed and vote.secrecy is Secrecy.recorded
    voters_page = page_request({"page": request.args.get("voters_page", "")}, LIST_PER_PAGE)
    # Forms are built only for the secretariat, who sees them: a form puts a CSRF token
    # in the session, and a visitor's page with one in it is never cached.
    secretariat = current_user.is_authenticated and current_user.role is Role.secretariat
    mine, refusal = None, None
    if _is_delegate(current_user):
        mine = queries.city_ballot(vote, current_user.city_id, names)
        if mine is None and vote.status is VoteStatus.open:
            refusal = services.ballot_refusal(vote, current_user.city, now=now)
            if isinstance(refusal, VoteNotOpen):
                refusal = None  # the status already says that the voting time is over
    past_closing = rules.is_past_closing(vote.status, vote.closes_at, now)
    return render_template(
        "votes/show.html",
        vote=vote,
        title=title,
        subject_url=subject_url,
        trail=_trail(vote, title),
        ballots_cast=ballots_cast,
        # A closed recorded vote's roll call names every city of the electorate.
        voters=None if recorded else window(queries.cities_that_voted, voters_page),
        roll_call=window(
            functools.partial(queries.electorate_roll_call, labels=names),
            listed,
            vote.electorate_size or 0,
        )
        if recorded
        else None,
        ballots=window(functools.partial(queries.published_ballots, labels=names), listed)
        if closed and vote.secrecy is Secrecy.secret
        else None,
        resolution=queries.resolution_of(vote) if closed else None,
        past_closing=past_closing,
        mine=mine,
        refusal=refusal,
        can_cast=mine is None
        and refusal is None
        and _is_delegate(current_user)
        and vote.status is VoteStatus.open
        and not past_closing,
        # Closing before the closing time, with cities yet to vote, asks to confirm.
        close_asks=vote.status is VoteStatus.open
        and not past_closing
        and ballots_cast < (vote.electorate_size or 0),
        button=EmptyForm() if secretariat else None,
        option_labels={str(option_id): name for option_id, name in names.items()},
    )


def _ballot_page(vote: Vote, template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    title, subject_url = services.describe(vote)
    page = render_template(
        template,
        vote=vote,
        title=title,
        subject_url=subject_url,
        trail=_trail(vote, title, _("Ballot")),
        city=current_user.city,
        **context,
    )
    return page, status


@bp.route("/<int:vote_id>/ballot", methods=["GET", "POST"])
@role_required(Role.delegate)
def ballot(vote_id: int) -> Response | tuple[str, int]:
    """Cast one's city's ballot: choose, review, confirm (final once cast).

    The first POST only shows the choice back with Confirm and Change buttons; the
    confirming POST carries the choice again and is checked again before the ballot is
    cast. A city that cannot vote is told why instead of being shown a form. A secret
    ballot's receipt is shown once, on the page that answers the confirming POST: it
    never travels in the session cookie.
    """
    vote = _vote_or_404(vote_id)
    refusal = services.ballot_refusal(vote, current_user.city, now=clock.now())
    if refusal is not None:
        return _ballot_page(vote, "votes/ballot.html", refusal.status, form=None, refusal=refusal)
    form = ballot_form_for(vote)
    step = request.form.get("step", REVIEW)
    if form.is_submitted() and step == CHANGE:
        return _ballot_page(vote, "votes/ballot.html", form=form)  # the choice, to change
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return _ballot_page(vote, "votes/ballot.html", status, form=form)
    if step != CONFIRM:
        names = _candidate_names(vote)
        return _ballot_page(
            vote,
            "votes/confirm.html",
            form=form,
            carried=form.carried(),
            choice=queries.describe_choice(vote, form.content(), names),
        )
    try:
        cast = services.cast_ballot(
            vote, current_user.city, form.content(), actor=current_user, now=clock.now()
        )
    except DomainError as error:
        db.session.rollback()
        show_error(form, error)
        return _ballot_page(vote, "votes/ballot.html", error.status, form=form)
    receipt = cast.receipt
    db.session.commit()
    if vote.secrecy is Secrecy.secret:
        return _ballot_page(vote, "votes/cast.html", receipt=receipt)
    flash(_("Your city's ballot is cast."), "success")
    return redirect(url_for("votes.show", vote_id=vote.id))


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


@bp.get("/<int:vote_id>/close")
@role_required(Role.secretariat)
def confirm_close(vote_id: int) -> Response | str:
    """Ask to confirm closing a vote early, saying how many cities have not voted yet."""
    vote = _vote_or_404(vote_id)
    if vote.status is not VoteStatus.open:
        flash(_("Only an open vote can be closed."), "error")
        return redirect(url_for("votes.show", vote_id=vote.id))
    title, subject_url = services.describe(vote)
    return render_template(
        "votes/close.html",
        vote=vote,
        title=title,
        subject_url=subject_url,
        trail=_trail(vote, title, _("Close the vote")),
        not_voted=max((vote.electorate_size or 0) - queries.ballots_cast(vote), 0),
        past_closing=rules.is_past_closing(vote.status, vote.closes_at, clock.now()),
        button=EmptyForm(),
    )


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
