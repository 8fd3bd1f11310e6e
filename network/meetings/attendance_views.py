"""The secretariat's attendance page of a meeting, and delegates' proxies and proxy ballots."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug import Response

from network.auth.models import Role
from network.cities import queries as city_queries
from network.cities.models import City
from network.common import clock
from network.common.decorators import role_required
from network.common.errors import DomainError, InvalidInput
from network.common.forms import EmptyForm, perform, show_error
from network.db import db
from network.meetings import attendance, attendance_record, proxies, queries
from network.meetings.attendance_forms import ProxyForm, attendance_form
from network.meetings.models import Meeting, MeetingStatus
from network.votes import queries as vote_queries
from network.votes import services as vote_services
from network.votes.forms import ballot_form_for
from network.votes.models import Secrecy, Vote

bp = Blueprint("attendance", __name__)
# The minutes' record says who attended and which proxies were held (and this page's
# blueprint is registered wherever minutes are made: the site, its commands, the archive).
attendance_record.register()

# The steps of the ballot form, as on the city's own ballot (votes/views.py).
REVIEW, CONFIRM, CHANGE = "review", "confirm", "change"


def _meeting_or_404(meeting_id: int) -> Meeting:
    found = queries.meeting(meeting_id)
    if found is None:
        abort(404)
    return found


def meeting_page_context(meeting: Meeting, user: Any) -> dict[str, Any]:
    """Return what the meeting's page shows of attendance, quorum and proxies to ``user``.

    The public sees who attended once the meeting is in session; the secretariat sees
    the quorum in the room before each decision; a delegate with signing authority the
    form to give (or revoke) the city's proxy while the meeting is convened.
    """
    secretariat = user.is_authenticated and user.role is Role.secretariat
    published = attendance.is_published(meeting)
    context: dict[str, Any] = {
        "attendance": attendance.attendance_of(meeting) if published or secretariat else None,
        "session_quorum": attendance.quorum_of(meeting) if published or secretariat else None,
        "meeting_proxies": [p for p in proxies.proxies_of(meeting) if not p.is_revoked]
        if published or secretariat
        else None,
        "proxy_form": None,
        "own_proxy": None,
    }
    signatory = (
        user.is_authenticated
        and user.role is Role.delegate
        and user.city_id is not None
        and user.signing_authority
    )
    if signatory:
        context["own_proxy"] = proxies.proxy_given_by(meeting, user.city_id)
        if meeting.status is MeetingStatus.convened:
            form = ProxyForm()
            _holder_choices(form, user.city_id)
            context["proxy_form"] = form
            context["revoke_form"] = EmptyForm()
    return context


def _holder_choices(form: ProxyForm, own_city_id: int) -> None:
    form.holder.choices = [("", _("Choose a city"))] + [
        (city.slug, city.name)
        for city in city_queries.members_in_good_standing()
        if city.id != own_city_id
    ]


@bp.route("/meetings/<int:meeting_id>/attendance", methods=["GET", "POST"])
@role_required(Role.secretariat)
def edit(meeting_id: int) -> Response | tuple[str, int]:
    """Record which member cities are present, in the room or online, and who represents them."""
    meeting = _meeting_or_404(meeting_id)
    members = city_queries.members_in_good_standing()
    delegates = attendance.delegates_by_city([city.id for city in members])
    form = attendance_form(members, delegates)
    recorded = {row.city_id: row for row in attendance.attendance_of(meeting)}
    editable = attendance.is_editable(meeting)
    if request.method == "GET":
        form.cities.data = ",".join(str(city.id) for city in members)
        for city in members:
            row = recorded.get(city.id)
            form[f"mode_{city.id}"].data = row.mode.value if row else ""
            form[f"delegates_{city.id}"].data = (
                [str(d.user_id) for d in row.delegates] if row else []
            )
    elif form.validate_on_submit():
        try:
            ids = form.shown_ids()
            if ids is None:
                raise InvalidInput(
                    _("The list of cities changed meanwhile: reload the page and try again.")
                )
            changes = attendance.record_attendance(
                meeting, form.presences(ids), actor=current_user, now=clock.now()
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(
                _("The attendance is recorded.") if changes else _("Nothing changed."),
                "success",
            )
            return redirect(url_for("attendance.edit", meeting_id=meeting.id))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "meetings/attendance.html",
        meeting=meeting,
        form=form,
        members=members,
        delegates=delegates,
        editable=editable,
        session_quorum=attendance.quorum_of(meeting),
        all_proxies=proxies.proxies_of(meeting),
    ), status


@bp.route("/meetings/<int:meeting_id>/proxy", methods=["POST"])
@role_required(Role.delegate)
def grant(meeting_id: int) -> Response:
    """Give one's city's proxy for the meeting to another member city."""
    meeting = _meeting_or_404(meeting_id)
    form = ProxyForm()
    if current_user.city_id is not None:
        _holder_choices(form, current_user.city_id)
    if not form.validate_on_submit():
        for message in form.holder.errors:
            flash(str(message), "error")
        return redirect(url_for("meetings.show", meeting_id=meeting.id) + "#proxy")
    holder = city_queries.city_by_slug(form.holder.data)
    if holder is None:
        flash(_("Choose the city that will hold the proxy."), "error")
    else:
        perform(
            lambda: proxies.grant_proxy(meeting, holder, actor=current_user, now=clock.now()),
            _("Your city's proxy is given to %(city)s.", city=holder.name),
        )
    return redirect(url_for("meetings.show", meeting_id=meeting.id) + "#proxy")


@bp.route("/meetings/<int:meeting_id>/proxy/revoke", methods=["POST"])
@role_required(Role.delegate)
def revoke(meeting_id: int) -> Response:
    """Take back one's city's proxy for the meeting, before it opens."""
    meeting = _meeting_or_404(meeting_id)
    if EmptyForm().validate_on_submit():
        perform(
            lambda: proxies.revoke_proxy(meeting, actor=current_user, now=clock.now()),
            _("Your city's proxy is revoked."),
        )
    return redirect(url_for("meetings.show", meeting_id=meeting.id) + "#proxy")


def _ballot_page(
    vote: Vote, giver: City, template: str, status: int = 200, **context: Any
) -> tuple[str, int]:
    title, subject_url = vote_services.describe(vote)
    page = render_template(
        template,
        vote=vote,
        title=title,
        subject_url=subject_url,
        trail=[
            (title, url_for("votes.show", vote_id=vote.id)),
            (_("Ballot by proxy"), None),
        ],
        city=giver,
        proxy_holder=current_user.city,
        **context,
    )
    return page, status


@bp.route("/votes/<int:vote_id>/ballot/proxy/<slug>", methods=["GET", "POST"])
@role_required(Role.delegate)
def ballot(vote_id: int, slug: str) -> Response | tuple[str, int]:
    """Cast an absent city's ballot by the proxy one's city holds: choose, review, confirm.

    The same steps as one's own city's ballot; the ballot is the giving city's, and the
    roll call says it was cast by proxy. A secret ballot's receipt is shown once, here.
    """
    vote = vote_queries.vote_with_options(vote_id)
    giver = city_queries.city_by_slug(slug)
    if vote is None or giver is None:
        abort(404)
    refusal = proxies.proxy_ballot_refusal(vote, giver, actor=current_user, now=clock.now())
    if refusal is not None:
        return _ballot_page(
            vote, giver, "votes/ballot.html", refusal.status, form=None, refusal=refusal
        )
    form = ballot_form_for(vote)
    step = request.form.get("step", REVIEW)
    if form.is_submitted() and step == CHANGE:
        return _ballot_page(vote, giver, "votes/ballot.html", form=form)
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return _ballot_page(vote, giver, "votes/ballot.html", status, form=form)
    if step != CONFIRM:
        return _ballot_page(
            vote,
            giver,
            "votes/confirm.html",
            form=form,
            carried=form.carried(),
            choice=vote_queries.describe_choice(vote, form.content()),
        )
    try:
        cast = proxies.cast_ballot_by_proxy(
            vote, giver, form.content(), actor=current_user, now=clock.now()
        )
    except DomainError as error:
        db.session.rollback()
        show_error(form, error)
        return _ballot_page(vote, giver, "votes/ballot.html", error.status, form=form)
    receipt = cast.receipt
    db.session.commit()
    if vote.secrecy is Secrecy.secret:
        return _ballot_page(vote, giver, "votes/cast.html", receipt=receipt)
    flash(_("%(city)s's ballot is cast by proxy.", city=giver.name), "success")
    return redirect(url_for("votes.show", vote_id=vote.id))
