"""Public election pages; delegates nominate and answer nominations."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug import Response
from wtforms import SelectChoice

from network.auth.models import Role
from network.cities import queries as city_queries
from network.common import clock
from network.common.decorators import public, role_required
from network.common.errors import AlreadyVoted, VoteNotOpen
from network.common.forms import EmptyForm, perform
from network.common.templating import city_name
from network.db import db
from network.elections import queries, rules, services
from network.elections.forms import (
    AnswerForm,
    BallotOpeningForm,
    DrawForm,
    NominationForm,
)
from network.elections.models import Election, ElectionStatus, Nomination, Office
from network.votes import services as vote_services
from network.votes.models import Vote, VoteStatus

bp = Blueprint("elections", __name__, url_prefix="/elections")


def election_or_404(election_id: int) -> Election:
    """Return an election with everything its page shows, or answer 404."""
    found = queries.election(election_id, names=True)
    if found is None:
        abort(404)
    return found


def nomination_form() -> NominationForm:
    """Build the nomination form with the member cities to choose from."""
    form = NominationForm()
    form.city.choices = [
        SelectChoice(city.slug, city_name(city)) for city in queries.nominable_cities()
    ]
    return form


@bp.route("/")
@public
def index() -> str:
    """List elections and every chair term, past and present."""
    today = clock.today()
    holder = queries.holder(Office.chair, today)
    return render_template(
        "elections/index.html",
        elections=queries.elections_listing(),
        terms=queries.all_terms(Office.chair),
        holder=holder,
        # Between terms, the chair elected for the next one and when it takes office.
        next_term=None if holder else queries.next_term(Office.chair, today),
    )


def _ballot_for_delegate(election: queries.ElectionPage) -> dict | None:
    """Tell a delegate where their city's ballot in the election's open round stands.

    ``{"vote": …, "can_cast": bool, "voted": bool, "reason": message or None}``, or None
    when no round takes ballots now.
    """
    if not election.rounds or election.rounds[-1].vote.status is not VoteStatus.open:
        return None
    vote = db.session.get(Vote, election.rounds[-1].vote.id)
    if vote is None:
        return None
    refusal = vote_services.ballot_refusal(vote, current_user.city, now=clock.now())
    if isinstance(refusal, VoteNotOpen):
        return None
    return {
        "vote": vote,
        "can_cast": refusal is None,
        "voted": isinstance(refusal, AlreadyVoted),
        "reason": None if refusal is None else refusal.message,
    }


@bp.route("/<int:election_id>")
@public
def show(election_id: int) -> str:
    """Show an election: nominations, every round with its counts, the result."""
    election = queries.election_page(election_id, str(get_locale()))
    if election is None:
        abort(404)
    # Only delegates nominate: the form lists every member city (13,000 in a large
    # network), which no other visitor should pay for. Forms are built only for the
    # roles that see them: a form writes a CSRF token into the session, and a visitor's
    # page with one in it is never cached.
    delegate = current_user.is_authenticated and current_user.role is Role.delegate
    secretariat = current_user.is_authenticated and current_user.role is Role.secretariat
    term = (
        rules.term_state(election.term_start, election.term_end, clock.today())
        if election.status is ElectionStatus.certified
        else None
    )
    return render_template(
        "elections/show.html",
        election=election,
        term=term,
        ballot=_ballot_for_delegate(election) if delegate and current_user.city_id else None,
        nomination_form=nomination_form() if delegate else None,
        answer_form=AnswerForm() if delegate else None,
        ballot_form=BallotOpeningForm() if secretariat else None,
        draw_form=DrawForm() if secretariat else None,
        button=EmptyForm() if secretariat else None,
    )


@bp.route("/<int:election_id>/nominations", methods=["POST"])
@role_required(Role.delegate)
def nominate(election_id: int) -> Response:
    """Nominate a member city."""
    election = election_or_404(election_id)
    form = nomination_form()
    if not form.validate_on_submit():
        flash(_("Choose a member city to nominate."), "error")
        return redirect(url_for("elections.show", election_id=election.id))
    city = city_queries.city_by_slug(form.city.data)
    perform(
        lambda: services.nominate(election, city, actor=current_user, now=clock.now()),
        _("%(city)s is nominated.", city=city_name(city)),
    )
    return redirect(url_for("elections.show", election_id=election.id))


@bp.route("/<int:election_id>/nominations/<int:nomination_id>", methods=["POST"])
@role_required(Role.delegate)
def answer(election_id: int, nomination_id: int) -> Response:
    """Accept or decline one's city's nomination."""
    election = election_or_404(election_id)
    nomination = db.session.get(Nomination, nomination_id)
    if nomination is None or nomination.election_id != election.id:
        abort(404)
    form = AnswerForm()
    if form.validate_on_submit():
        perform(
            lambda: services.answer_nomination(
                nomination, form.answer.data == "accept", actor=current_user, now=clock.now()
            ),
            _("Your answer is recorded."),
        )
    return redirect(url_for("elections.show", election_id=election.id))
