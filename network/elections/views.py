"""Public election pages; delegates nominate and answer nominations."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug import Response
from wtforms import SelectChoice

from network.auth.models import Role
from network.cities import queries as city_queries
from network.common import clock
from network.common.decorators import public, role_required
from network.common.forms import EmptyForm, perform
from network.db import db
from network.elections import queries, services
from network.elections.forms import (
    AnswerForm,
    BallotOpeningForm,
    DrawForm,
    NominationForm,
)
from network.elections.models import Election, Nomination, Office

bp = Blueprint("elections", __name__, url_prefix="/elections")


def election_or_404(election_id: int) -> Election:
    """Return an election with everything its page shows, or answer 404."""
    found = queries.election(election_id)
    if found is None:
        abort(404)
    return found


def nomination_form() -> NominationForm:
    """Build the nomination form with the member cities to choose from."""
    form = NominationForm()
    form.city.choices = [
        SelectChoice(city.slug, city.name) for city in city_queries.members_in_good_standing()
    ]
    return form


@bp.route("/")
@public
def index() -> str:
    """List elections and every chair term, past and present."""
    return render_template(
        "elections/index.html",
        elections=db.session.scalars(queries.elections_statement()),
        terms=queries.all_terms(Office.chair),
        holder=queries.holder(Office.chair, clock.today()),
    )


@bp.route("/<int:election_id>")
@public
def show(election_id: int) -> str:
    """Show an election: nominations, every round with its counts, the result."""
    election = election_or_404(election_id)
    # Only delegates nominate: the form lists every member city (13,000 in a large
    # network), which no other visitor should pay for. Forms are built only for the
    # roles that see them: a form writes a CSRF token into the session, and a visitor's
    # page with one in it is never cached.
    delegate = current_user.is_authenticated and current_user.role is Role.delegate
    secretariat = current_user.is_authenticated and current_user.role is Role.secretariat
    return render_template(
        "elections/show.html",
        election=election,
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
        _("%(city)s is nominated.", city=city.name),
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
