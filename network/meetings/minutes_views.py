"""A meeting's minutes: the public page and PDF, and the secretariat's steps.

Public: the latest published version (``/meetings/<id>/minutes``), any published
version (``…/minutes/<version>``) and the PDF of the latest. Signed-in people also see
the version being worked on, marked as a draft. The secretariat starts the minutes
from the record, edits the draft, records the council's approval, publishes, and
starts a correction; each a POST, one audit entry.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug import Response
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from network.auth.models import Role
from network.common import clock
from network.common.decorators import public, role_required
from network.common.errors import Conflict, DomainError
from network.common.forms import NoControlCharacters, perform, show_error, strip
from network.common.markdown import render
from network.db import db
from network.documents.pdf import pdf_response, render_pdf
from network.documents.views import _produced as produced
from network.documents.views import pdf_limit
from network.meetings import minutes as service
from network.meetings import queries
from network.meetings.minutes import Minutes, MinutesStatus
from network.meetings.models import Meeting, MeetingStatus

bp = Blueprint("meeting_minutes", __name__, url_prefix="/meetings")


class StartMinutesForm(FlaskForm):
    """Start the minutes, in their authoritative language."""

    language = StringField(
        _l("Language of the minutes"),
        default="en",
        filters=[strip],
        validators=[DataRequired(), Length(max=16)],
        description=_l("The authoritative language: en, ko, fr, es, or another code."),
    )


class MinutesForm(StartMinutesForm):
    """Edit the text of a draft."""

    text = TextAreaField(
        _l("Text of the minutes"),
        filters=[strip],
        validators=[DataRequired(), Length(max=service.MAX_TEXT), NoControlCharacters()],
        description=_l(
            "Markdown. The record (agenda, votes, decisions, resolutions) is printed "
            "with the text and cannot be edited here."
        ),
    )


class ApproveForm(FlaskForm):
    """Record the council's approval."""

    approved_on = DateField(
        _l("Day the council approved the minutes"), validators=[InputRequired()]
    )


class CorrectForm(FlaskForm):
    """Start a correction of published minutes."""

    reason = TextAreaField(
        _l("Why are the minutes corrected?"),
        filters=[strip],
        validators=[DataRequired(), Length(max=2000), NoControlCharacters()],
    )


class PublishForm(FlaskForm):
    """Publish approved minutes (a button)."""


def _meeting_or_404(meeting_id: int) -> Meeting:
    found = queries.meeting(meeting_id)
    if found is None:
        abort(404)
    return found


def _is_secretariat() -> bool:
    return current_user.is_authenticated and current_user.role is Role.secretariat


def page_context(meeting: Meeting) -> dict[str, Any]:
    """Return what the meeting's page says of its minutes (no statement: its status)."""
    return {"minutes_approved": meeting.status is MeetingStatus.minutes_approved}


def facts_of(minutes: Minutes, meeting: Meeting) -> dict[str, Any]:
    """Return the record a version shows: frozen once approved, else the record now."""
    return minutes.record if minutes.record is not None else service.record_of(meeting)


def _render_page(
    meeting: Meeting,
    versions: list[Minutes],
    shown: Minutes | None,
    *,
    forms: dict[str, FlaskForm] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    working = service.current_draft(versions)
    signed_in = current_user.is_authenticated
    if forms is None and _is_secretariat():
        forms = _forms(working)
    return render_template(
        "meetings/minutes.html",
        meeting=meeting,
        versions=versions,
        published=service.published(versions),
        shown=shown,
        facts=facts_of(shown, meeting) if shown is not None else None,
        working=working if signed_in else None,
        working_facts=facts_of(working, meeting) if signed_in and working else None,
        is_over=service.is_over(meeting, clock.now()),
        forms=forms or {},
        render=render,
        record_labels=service.record_labels(),
    ), status


def _forms(working: Minutes | None) -> dict[str, FlaskForm]:
    forms: dict[str, FlaskForm] = {
        "start": StartMinutesForm(),
        "correct": CorrectForm(),
        "approve": ApproveForm(),
        "publish": PublishForm(),
    }
    edit = MinutesForm()
    if working is not None and not edit.is_submitted():
        edit.text.data = working.text
        edit.language.data = working.language
    forms["edit"] = edit
    return forms


@bp.route("/<int:meeting_id>/minutes")
@public
def show(meeting_id: int) -> tuple[str, int]:
    """Show the latest published minutes (and, to signed-in people, the draft)."""
    meeting = _meeting_or_404(meeting_id)
    versions = service.versions_of(meeting.id)
    published = service.published(versions)
    return _render_page(meeting, versions, published[0] if published else None)


@bp.route("/<int:meeting_id>/minutes/<int:version>")
@public
def version(meeting_id: int, version: int) -> tuple[str, int]:
    """Show one published version of the minutes (an earlier one, before a correction)."""
    meeting = _meeting_or_404(meeting_id)
    versions = service.versions_of(meeting.id)
    shown = next((v for v in service.published(versions) if v.version == version), None)
    if shown is None:
        abort(404)
    return _render_page(meeting, versions, shown)


@bp.route("/<int:meeting_id>/minutes.pdf")
@public
@pdf_limit
def pdf(meeting_id: int) -> Response:
    """Print the latest published minutes: the text, the record, and the approval."""
    meeting = _meeting_or_404(meeting_id)
    shown = service.published_minutes([meeting.id]).get(meeting.id)
    if shown is None:
        abort(404)
    return pdf_response(minutes_pdf(meeting, shown), f"minutes-{meeting.id}-v{shown.version}.pdf")


def minutes_pdf(meeting: Meeting, shown: Minutes) -> bytes:
    """Render a published version of the minutes as a PDF (the archive's too)."""
    return render_pdf(
        "documents/minutes.html",
        meeting=meeting,
        minutes=shown,
        facts=facts_of(shown, meeting),
        text=render(shown.text, headings_from=2),
        record_labels=service.record_labels(),
        address=url_for("meeting_minutes.show", meeting_id=meeting.id, _external=True),
        **produced(),
    )


def _back(meeting: Meeting) -> Response:
    return redirect(url_for("meeting_minutes.show", meeting_id=meeting.id))


def _working_or_409(meeting: Meeting) -> Minutes | None:
    return service.current_draft(service.versions_of(meeting.id))


NO_DRAFT = _l("These minutes have no draft in progress.")
APPROVED = _l("Approved minutes cannot be edited; start a correction, saying why, instead.")


def _refuse(meeting: Meeting, message: object) -> Response:
    """Refuse a step the minutes are not at (their page shows where they are)."""
    flash(str(message), "error")
    return _back(meeting)


@bp.route("/<int:meeting_id>/minutes/start", methods=["POST"])
@role_required(Role.secretariat)
def start(meeting_id: int) -> Response | tuple[str, int]:
    """Start the minutes, their first text drafted from the record."""
    meeting = _meeting_or_404(meeting_id)
    form = StartMinutesForm()
    if service.versions_of(meeting.id):
        return _refuse(meeting, _("This meeting has minutes already."))
    if not service.is_over(meeting, clock.now()):
        return _refuse(meeting, _("Minutes are drafted once the meeting is adjourned."))
    if form.validate_on_submit():
        try:
            service.start_minutes(
                meeting, language=form.language.data, actor=current_user, now=clock.now()
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("The minutes are started from the record. Edit the draft below."), "success")
            return _back(meeting)
    versions = service.versions_of(meeting.id)
    forms = _forms(service.current_draft(versions)) | {"start": form}
    return _render_page(meeting, versions, None, forms=forms, status=422)


@bp.route("/<int:meeting_id>/minutes/draft", methods=["POST"])
@role_required(Role.secretariat)
def save(meeting_id: int) -> Response | tuple[str, int]:
    """Save the draft's text and language."""
    meeting = _meeting_or_404(meeting_id)
    form = MinutesForm()
    working = _working_or_409(meeting)
    if working is None or not working.is_editable:
        return _refuse(meeting, NO_DRAFT if working is None else APPROVED)
    if form.validate_on_submit():
        try:
            service.save_draft(
                working,
                text=form.text.data,
                language=form.language.data,
                actor=current_user,
                now=clock.now(),
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("The draft is saved."), "success")
            return _back(meeting)
    versions = service.versions_of(meeting.id)
    forms = _forms(service.current_draft(versions)) | {"edit": form}
    return _render_page(meeting, versions, None, forms=forms, status=422)


@bp.route("/<int:meeting_id>/minutes/approve", methods=["POST"])
@role_required(Role.secretariat)
def approve(meeting_id: int) -> Response | tuple[str, int]:
    """Record the council's approval of the draft: text and record are final."""
    meeting = _meeting_or_404(meeting_id)
    form = ApproveForm()
    working = _working_or_409(meeting)
    if working is None or not working.is_editable:
        return _refuse(meeting, NO_DRAFT if working is None else APPROVED)
    if form.validate_on_submit():
        day: date = form.approved_on.data
        try:
            service.approve_minutes(
                working, meeting, approved_on=day, actor=current_user, now=clock.now()
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("The council's approval is recorded. Publish the minutes next."), "success")
            return _back(meeting)
    versions = service.versions_of(meeting.id)
    forms = _forms(service.current_draft(versions)) | {"approve": form}
    return _render_page(meeting, versions, None, forms=forms, status=422)


@bp.route("/<int:meeting_id>/minutes/publish", methods=["POST"])
@role_required(Role.secretariat)
def publish(meeting_id: int) -> Response:
    """Publish the approved minutes."""
    meeting = _meeting_or_404(meeting_id)
    working = _working_or_409(meeting)

    def act() -> None:
        if working is None:
            raise Conflict(NO_DRAFT)
        service.publish_minutes(working, meeting, actor=current_user, now=clock.now())

    if PublishForm().validate_on_submit():
        perform(act, _("The minutes are published."))
    return _back(meeting)


@bp.route("/<int:meeting_id>/minutes/correct", methods=["POST"])
@role_required(Role.secretariat)
def correct(meeting_id: int) -> Response | tuple[str, int]:
    """Start a correction: a new draft version, with the reason for it."""
    meeting = _meeting_or_404(meeting_id)
    form = CorrectForm()
    versions = service.versions_of(meeting.id)
    if not versions or versions[0].status is not MinutesStatus.published:
        return _refuse(meeting, _("Only published minutes are corrected by a new version."))
    if form.validate_on_submit():
        try:
            service.correct_minutes(
                meeting, reason=form.reason.data, actor=current_user, now=clock.now()
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("A new version is drafted. Edit it, then have it approved."), "success")
            return _back(meeting)
    versions = service.versions_of(meeting.id)
    forms = _forms(service.current_draft(versions)) | {"correct": form}
    published = service.published(versions)
    return _render_page(
        meeting, versions, published[0] if published else None, forms=forms, status=422
    )
