"""Motion pages: list, read, propose, second, withdraw, put to the vote."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug import Response
from wtforms import SelectChoice

from network.auth.models import Role
from network.charter import queries as charter_queries
from network.cities import queries as city_queries
from network.common import clock
from network.common.decorators import login_required, public, role_required
from network.common.errors import DomainError
from network.common.forms import EmptyForm, perform, show_error
from network.common.http import small_int
from network.common.markdown import render
from network.common.pagination import page_request
from network.db import db
from network.motions import queries, services
from network.motions.forms import MotionForm, MotionVoteForm
from network.motions.models import Motion, MotionKind
from network.votes.models import Secrecy

bp = Blueprint("motions", __name__, url_prefix="/motions")


def _motion_or_404(motion_id: int) -> Motion:
    found = queries.motion(motion_id)
    if found is None:
        abort(404)
    return found


def _motion_form() -> MotionForm:
    form = MotionForm()
    form.city.choices = [SelectChoice("", _("None"))] + [
        SelectChoice(city.slug, f"{city.name} ({city.status.value})")
        for city in city_queries.all_cities_for_choice()
    ]
    form.charter_version.choices = [SelectChoice("", _("None"))] + [
        SelectChoice(str(v.number), _("Version %(number)s", number=v.number))
        for v in charter_queries.versions(include_drafts=True)
        if v.status.value == "draft"
    ]
    return form


@bp.route("/")
@public
def index() -> str:
    """List motions: open ones first, then all."""
    wanted = page_request(request.args, 50)
    pagination = db.paginate(
        queries.motions_statement(open_only=False),
        page=wanted.page,
        per_page=wanted.per_page,
        error_out=False,
    )
    return render_template("motions/index.html", pagination=pagination)


@bp.route("/<int:motion_id>")
@public
def show(motion_id: int) -> str:
    """Show a motion with its text, its seconder, its vote and its resolution."""
    motion = _motion_or_404(motion_id)
    return render_template(
        "motions/show.html",
        motion=motion,
        text=render(motion.text),
        button=EmptyForm(),
        vote_form=MotionVoteForm(),
        now=clock.now(),
    )


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.delegate, Role.secretariat)
def new() -> Response | tuple[str, int] | str:
    """Propose a motion."""
    form = _motion_form()
    if form.validate_on_submit():
        city = city_queries.city_by_slug(form.city.data) if form.city.data else None
        number = small_int(form.charter_version.data)
        version = charter_queries.version_by_number(number) if number is not None else None
        try:
            motion = services.propose(
                title=form.title.data,
                text=form.text.data,
                kind=MotionKind(form.kind.data),
                subject_city=city,
                charter_version=version,
                actor=current_user,
                now=clock.now(),
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Your motion is proposed. It needs a second from another city."), "success")
            return redirect(url_for("motions.show", motion_id=motion.id))
    status = 422 if form.is_submitted() else 200
    return render_template("motions/new.html", form=form), status


def _act(motion_id: int, action, success: str) -> Response:  # noqa: ANN001
    motion = _motion_or_404(motion_id)
    if EmptyForm().validate_on_submit():
        perform(
            lambda: action(motion),
            success,
        )
    return redirect(url_for("motions.show", motion_id=motion.id))


@bp.route("/<int:motion_id>/second", methods=["POST"])
@role_required(Role.delegate)
def second(motion_id: int) -> Response:
    """Second a motion for one's city."""
    return _act(
        motion_id,
        lambda m: services.second(m, actor=current_user, now=clock.now()),
        _("You have seconded the motion."),
    )


@bp.route("/<int:motion_id>/withdraw", methods=["POST"])
@login_required
def withdraw(motion_id: int) -> Response:
    """Withdraw one's own motion before the vote."""
    return _act(
        motion_id,
        lambda m: services.withdraw(m, actor=current_user, now=clock.now()),
        _("The motion is withdrawn."),
    )


@bp.route("/<int:motion_id>/vote", methods=["POST"])
@role_required(Role.secretariat)
def put_to_vote(motion_id: int) -> Response:
    """Put a seconded motion to the vote of the member cities."""
    motion = _motion_or_404(motion_id)
    form = MotionVoteForm()
    if not form.validate_on_submit():
        flash(_("Choose the kind of ballot, and a closing time in the future if any."), "error")
        return redirect(url_for("motions.show", motion_id=motion.id))
    try:
        vote = services.put_to_vote(
            motion,
            secrecy=Secrecy(form.secrecy.data),
            closes_at=clock.as_utc(form.closes_at.data),
            actor=current_user,
            now=clock.now(),
        )
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("motions.show", motion_id=motion.id))
    db.session.commit()
    flash(_("The vote on the motion is open."), "success")
    return redirect(url_for("votes.show", vote_id=vote.id))
