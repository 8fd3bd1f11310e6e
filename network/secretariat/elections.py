"""The secretariat's election actions: open, close nominations, ballot, draw, certify."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug import Response

from network.auth.forms import ConfirmPasswordForm
from network.auth.models import Role
from network.auth.reauth import after_password, reauth_limit
from network.cities import queries as city_queries
from network.common import clock
from network.common.decorators import role_required
from network.common.errors import DomainError, InvalidInput
from network.common.forms import EmptyForm, perform, show_error
from network.db import db
from network.elections import services
from network.elections.forms import BallotOpeningForm, DrawForm, ElectionForm
from network.elections.models import Office
from network.elections.views import election_or_404
from network.votes.models import Secrecy

bp = Blueprint("secretariat_elections", __name__, url_prefix="/secretariat/elections")


def _back(election_id: int) -> Response:
    return redirect(url_for("elections.show", election_id=election_id))


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.secretariat)
def new() -> Response | tuple[str, int] | str:
    """Open an election; nominations open at once."""
    form = ElectionForm()
    if form.validate_on_submit():
        try:
            election = services.create_election(
                office=Office(form.office.data),
                term_start=form.term_start.data,
                term_end=form.term_end.data,
                nominations_close_at=clock.as_utc(form.nominations_close_at.data),
                actor=current_user,
                now=clock.now(),
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("The election is open for nominations."), "success")
            return _back(election.id)
    status = 422 if form.is_submitted() else 200
    return render_template("elections/new.html", form=form), status


@bp.route("/<int:election_id>/close-nominations", methods=["POST"])
@role_required(Role.secretariat)
def close_nominations(election_id: int) -> Response:
    """End nominations."""
    election = election_or_404(election_id)
    if EmptyForm().validate_on_submit():
        perform(
            lambda: services.close_nominations(election, actor=current_user, now=clock.now()),
            _("Nominations are closed."),
        )
    return _back(election.id)


@bp.route("/<int:election_id>/ballot", methods=["POST"])
@role_required(Role.secretariat)
def open_ballot(election_id: int) -> Response:
    """Open a round of balloting among the accepted candidates."""
    election = election_or_404(election_id)
    form = BallotOpeningForm()
    if not form.validate_on_submit():
        flash(_("Choose the kind of ballot, and a closing time in the future if any."), "error")
        return _back(election.id)
    try:
        vote = services.open_ballot(
            election,
            secrecy=Secrecy(form.secrecy.data),
            closes_at=clock.as_utc(form.closes_at.data),
            actor=current_user,
            now=clock.now(),
        )
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return _back(election.id)
    db.session.commit()
    flash(_("The ballot is open."), "success")
    return redirect(url_for("votes.show", vote_id=vote.id))


@bp.route("/<int:election_id>/draw", methods=["POST"])
@role_required(Role.secretariat)
def draw(election_id: int) -> Response:
    """Record the draw by lot that settles a tie."""
    election = election_or_404(election_id)
    form = DrawForm()
    if not form.validate_on_submit():
        flash(_("Give the order of the draw and how it was made."), "error")
        return _back(election.id)
    slugs = [slug.strip() for slug in form.order.data.split(",") if slug.strip()]
    cities = [city_queries.city_by_slug(slug) for slug in slugs]
    try:
        if any(city is None for city in cities):
            raise InvalidInput(_("The draw must name each tied city once."))
        services.settle_tie(
            election,
            [city.id for city in cities],
            form.note.data,
            actor=current_user,
            now=clock.now(),
        )
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(_("The draw is recorded."), "success")
    return _back(election.id)


@bp.route("/<int:election_id>/certify", methods=["POST"])
@role_required(Role.secretariat)
@reauth_limit
def certify(election_id: int) -> Response:
    """Certify the result (the officer's password asked again): the winner takes office."""
    election = election_or_404(election_id)
    form = ConfirmPasswordForm()
    if form.validate_on_submit():
        perform(
            after_password(
                form.password.data,
                lambda: services.certify(election, actor=current_user, now=clock.now()),
            ),
            _("The result is certified."),
        )
    else:
        flash(_("Type your password to certify the result."), "error")
    return _back(election.id)
