"""Vote pages: live participation, results, casting a ballot, opening and closing."""

from __future__ import annotations

import functools
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, pgettext
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
from network.meetings import proxies
from network.votes import queries, rules, services
from network.votes.forms import ballot_form_for
from network.votes.models import Secrecy, Vote, VoteKind, VoteStatus

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


def _approval_words() -> dict[str, str]:
    """Return the words of an approval ballot, translated (a ballot's, pgettext "ballot")."""
    return {
        "yes": pgettext("ballot", "Yes"),
        "no": pgettext("ballot", "No"),
        "abstain": pgettext("ballot", "Abstain"),
    }


def _choice_texts(choices: list[Any], kind: VoteKind, words: dict[str, str]) -> list[str]:
    """Say each choice of a list of ballots in words, as the ``choice_text`` macro does.

    Written here rather than by the macro (templates/macros/_votes.html), which a list of
    a hundred ballots would call a hundred times; the words are translated once.
    """
    blank = _("Blank ballot")
    texts = []
    for choice in choices:
        if kind is VoteKind.approval:
            texts.append(words[choice] if choice is not None else "")
        elif choice is None or choice == []:
            texts.append(blank)
        elif isinstance(choice, str):
            texts.append(choice)
        else:
            texts.append(" › ".join(str(part) for part in choice))
    return texts


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
    vote = db.session.get(Vote, vote_id)
    if vote is None:
        abort(404)
    title, subject_url = services.describe(vote)
    now = clock.now()
    closed = vote.status is VoteStatus.closed
    recorded = closed and vote.secrecy is Secrecy.recorded
    # A closed recorded vote's page lists its electorate (electorate_size long) and counts
    # nothing else: the count of ballots cast is asked only where the page shows it.
    ballots_cast = None if recorded else queries.ballots_cast(vote)
    locale = str(get_locale())
    names = queries.candidate_names(vote.id, locale)
    words = _approval_words()

    def window(read, wanted: PageRequest, total: int | None = ballots_cast) -> Window:  # noqa: ANN001
        # Each city that voted cast one ballot: the lists of ballots are ballots_cast long.
        return Window.read(wanted, total or 0, functools.partial(read, vote))

    def roll_call_page(**page: int) -> list[queries.RollCallRow]:
        rows = queries.electorate_roll_call(vote, locale, labels=names, **page)
        texts = _choice_texts([row.choice for row in rows], vote.kind, words)
        for row, text in zip(rows, texts, strict=True):
            row.text = text
        return rows

    def ballots_page(**page: int) -> list[dict[str, Any]]:
        rows = queries.published_ballots(vote, labels=names, **page)
        texts = _choice_texts([row["choice"] for row in rows], vote.kind, words)
        for row, text in zip(rows, texts, strict=True):
            row["text"] = text
        return rows

    listed = page_request(request.args, LIST_PER_PAGE)
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
        roll_call=Window.read(listed, vote.electorate_size or 0, roll_call_page)
        if recorded
        else None,
        ballots=Window.read(listed, ballots_cast or 0, ballots_page)
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
        and (ballots_cast or 0) < (vote.electorate_size or 0),
        button=EmptyForm() if secretariat else None,
        # The absent cities whose proxy the reader's city holds at the vote's meeting.
        proxy_ballots=proxies.proxy_ballots_for(vote, current_user)
        if vote.status is VoteStatus.open
        else [],
        option_labels={str(option_id): name for option_id, name in names.items()},
        words=words,
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
    receipt, secret = cast.receipt, vote.secrecy is Secrecy.secret
    db.session.commit()
    if secret:
        return _ballot_page(vote, "votes/cast.html", receipt=receipt)
    # Nothing of the vote is read again after the commit: in the room, every
    # statement of a cast counts (bench/peak_bench.py).
    flash(_("Your city's ballot is cast."), "success")
    return redirect(url_for("votes.show", vote_id=vote_id))


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
