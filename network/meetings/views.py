"""Meeting pages, and the secretariat's agenda and in-session decisions."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug import Response
from wtforms import SelectChoice, SelectField

from network.auth.models import Role
from network.cities import queries as city_queries
from network.cities.models import City
from network.common import clock
from network.common.decorators import public, role_required
from network.common.errors import DomainError, InvalidInput
from network.common.forms import show_error
from network.common.http import small_int
from network.common.markdown import render
from network.db import db
from network.meetings import minutes_views, papers_views, queries, services
from network.meetings.attendance_views import meeting_page_context
from network.meetings.forms import ROLL_CALL_CHOICES, AgendaItemForm, DecisionForm, MeetingForm
from network.meetings.models import AgendaKind, DecisionMethod, Meeting, MeetingMode
from network.motions import queries as motion_queries
from network.motions.models import Motion

bp = Blueprint("meetings", __name__, url_prefix="/meetings")


def _meeting_or_404(meeting_id: int) -> Meeting:
    found = queries.meeting(meeting_id)
    if found is None:
        abort(404)
    return found


def _motion_choices() -> list[SelectChoice]:
    return [SelectChoice("", _("None"))] + [
        SelectChoice(str(m.id), m.title) for m in motion_queries.seconded_motions()
    ]


def _decision_form(members: list[City]) -> DecisionForm:
    class Form(DecisionForm):
        pass

    for city in members:
        setattr(
            Form,
            f"city_{city.slug}",
            SelectField(city.name, choices=ROLL_CALL_CHOICES, validate_choice=False),
        )
    form = Form()
    form.motion.choices = _motion_choices()
    return form


def _page(
    meeting: Meeting,
    *,
    item_form: AgendaItemForm | None = None,
    decision_form: DecisionForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    # Only the secretariat sees the forms: a roll call has one field per member city,
    # which no other visitor should pay for (13,000 of them in a large network).
    is_secretariat = current_user.is_authenticated and current_user.role is Role.secretariat
    members = city_queries.members_in_good_standing() if is_secretariat else []
    if item_form is None and is_secretariat:
        item_form = AgendaItemForm()
        item_form.motion.choices = _motion_choices()
    if decision_form is None and is_secretariat:
        decision_form = _decision_form(members)
    return render_template(
        "meetings/show.html",
        meeting=meeting,
        members=members,
        item_form=item_form,
        decision_form=decision_form,
        render=render,
        # Attendance, the quorum in the room and proxies (meetings/attendance_views.py).
        **meeting_page_context(meeting, current_user),
        # Papers and the published minutes (papers_views.py, minutes_views.py).
        **papers_views.page_context(meeting),
        **minutes_views.page_context(meeting),
    ), status


@bp.route("/")
@public
def index() -> str:
    """List the council's meetings."""
    return render_template("meetings/index.html", meetings=queries.meetings())


@bp.route("/<int:meeting_id>")
@public
def show(meeting_id: int) -> tuple[str, int]:
    """Show a meeting: agenda and the decisions taken there."""
    return _page(_meeting_or_404(meeting_id))


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.secretariat)
def new() -> Response | tuple[str, int] | str:
    """Convene a meeting, at its times in its own zone."""
    form = MeetingForm()
    if form.validate_on_submit():
        starts_at, ends_at = form.moments()
        try:
            meeting = services.create_meeting(
                title=form.title.data,
                starts_at=starts_at,
                ends_at=ends_at,
                time_zone=form.time_zone.data,
                place=form.place.data or "",
                mode=MeetingMode(form.mode.data),
                online_url=form.online_url.data,
                actor=current_user,
                now=clock.now(),
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("The meeting is convened."), "success")
            return redirect(url_for("meetings.show", meeting_id=meeting.id))
    status = 422 if form.is_submitted() else 200
    return render_template("meetings/new.html", form=form), status


@bp.route("/<int:meeting_id>/items", methods=["POST"])
@role_required(Role.secretariat)
def add_item(meeting_id: int) -> Response | tuple[str, int]:
    """Add an item to the agenda."""
    meeting = _meeting_or_404(meeting_id)
    form = AgendaItemForm()
    form.motion.choices = _motion_choices()
    if form.validate_on_submit():
        motion_id = small_int(form.motion.data)
        motion = db.session.get(Motion, motion_id) if motion_id is not None else None
        try:
            services.add_agenda_item(
                meeting,
                kind=AgendaKind(form.kind.data),
                title=form.title.data,
                motion=motion,
                actor=current_user,
                now=clock.now(),
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("The item is on the agenda."), "success")
            return redirect(url_for("meetings.show", meeting_id=meeting.id))
    return _page(meeting, item_form=form, status=422)


@bp.route("/<int:meeting_id>/decisions", methods=["POST"])
@role_required(Role.secretariat)
def record_decision(meeting_id: int) -> Response | tuple[str, int]:
    """Record a decision taken in the room, by roll call or by consensus."""
    meeting = _meeting_or_404(meeting_id)
    members = city_queries.members_in_good_standing()
    form = _decision_form(members)
    if form.validate_on_submit():
        motion_id = small_int(form.motion.data)
        motion = db.session.get(Motion, motion_id) if motion_id is not None else None
        roll_call = {
            city.slug: form[f"city_{city.slug}"].data
            for city in members
            if form[f"city_{city.slug}"].data
        }
        try:
            if form.motion.data and motion is None:
                raise InvalidInput(_("Choose a motion from the list."), field="motion")
            decision = services.record_decision(
                meeting,
                title=form.title.data or "",
                text=form.text.data or "",
                method=DecisionMethod(form.method.data),
                roll_call=roll_call,
                motion=motion,
                actor=current_user,
                now=clock.now(),
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(
                _("The decision is recorded.")
                if decision.resolution_id is None
                else _(
                    "The decision is recorded as resolution %(number)s.",
                    number=decision.resolution.number,
                ),
                "success",
            )
            return redirect(url_for("meetings.show", meeting_id=meeting.id))
    return _page(meeting, decision_form=form, status=422)
