"""Meeting papers: the secretariat's upload and removal, and everyone's download.

A download is served as the store holds it (``uploads.stored_file_response``: the
ETag is the file's SHA-256, ``nosniff``, a Content-Disposition that names the file
safely, ``inline`` for a PDF only). It is left out of the cache of public pages
(``conditional.NOT_CACHEABLE``): a 20 MB file has no place in it, and a paper's
validator is its content's, not the audit head's.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug import Response
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from network.auth.models import Role
from network.common import clock, uploads
from network.common.decorators import public, role_required
from network.common.enums import choices
from network.common.errors import DomainError
from network.common.forms import NoControlCharacters, show_error, strip
from network.common.http import small_int
from network.common.storage import storage
from network.db import db
from network.meetings import papers, queries
from network.meetings.models import Meeting
from network.meetings.papers import Paper, PaperVisibility

bp = Blueprint("meeting_papers", __name__, url_prefix="/meetings")

# The views that take a file: the security headers' guard lets their uploads through.
UPLOAD_ENDPOINTS = frozenset({"meeting_papers.new"})


@bp.url_value_preprocessor
def allow_paper_sizes(endpoint: str | None, _values: dict | None) -> None:
    """Let the upload's request body be as large as a paper, before anything reads it.

    URL value preprocessors run before every ``before_request`` (the CSRF check reads
    the form), so the limit is in place when the body is first parsed.
    """
    if endpoint in UPLOAD_ENDPOINTS:
        request.max_content_length = current_app.config["PAPER_MAX_SIZE"] + uploads.FORM_ALLOWANCE


class PaperForm(FlaskForm):
    """Upload a paper to a meeting or to one of its agenda items."""

    file = FileField(
        _l("File"),
        description=_l(
            "A PDF, an office document (docx, xlsx, pptx, odt, ods, odp) or plain text, "
            "at most 20 MB."
        ),
    )
    title = StringField(
        _l("Title"),
        filters=[strip],
        validators=[DataRequired(), Length(max=200), NoControlCharacters()],
    )
    language = StringField(
        _l("Language"),
        default="en",
        filters=[strip],
        validators=[DataRequired(), Length(max=16)],
        description=_l("A language code: en, ko, fr, es, or another such as pt-BR."),
    )
    item = SelectField(_l("Agenda item"), validate_choice=False)
    translation_of = SelectField(
        _l("Translation of"),
        validate_choice=False,
        description=_l("If this paper translates another paper of the meeting, choose it."),
    )
    visibility = SelectField(
        _l("Who may read it"),
        choices=choices(PaperVisibility),
        default=PaperVisibility.public.value,
    )


class RemovePaperForm(FlaskForm):
    """Take a paper down, saying why."""

    reason = TextAreaField(
        _l("Why is it removed?"),
        filters=[strip],
        validators=[DataRequired(), Length(max=2000), NoControlCharacters()],
    )


def _meeting_or_404(meeting_id: int) -> Meeting:
    found = queries.meeting(meeting_id)
    if found is None:
        abort(404)
    return found


def _paper_or_404(meeting_id: int, paper_id: int) -> Paper:
    found = papers.paper(meeting_id, paper_id)
    if found is None:
        abort(404)
    return found


def _form(meeting: Meeting) -> PaperForm:
    form = PaperForm()
    form.item.choices = [SelectChoice("", _("The meeting as a whole"))] + [
        SelectChoice(str(item.id), f"{item.position}. {item.title}") for item in meeting.items
    ]
    form.translation_of.choices = [SelectChoice("", _("None: this is an original"))] + [
        SelectChoice(str(p.id), f"{p.title} ({p.language})")
        for p in papers.papers_of(meeting.id, members=True)
        if p.translation_of_id is None
    ]
    return form


def page_context(meeting: Meeting) -> dict[str, object]:
    """Return what the meeting's page shows of its papers, for the person reading it."""
    members = papers.can_read_members_papers(current_user)
    found = papers.papers_of(meeting.id, members=members)
    return {"papers_by_item": papers.by_item(found), "has_papers": bool(found)}


@bp.route("/<int:meeting_id>/papers/new", methods=["GET", "POST"])
@role_required(Role.secretariat)
def new(meeting_id: int) -> Response | tuple[str, int]:
    """Upload a paper: its type is read from its content, its size limited."""
    meeting = _meeting_or_404(meeting_id)
    form = _form(meeting)
    if form.validate_on_submit():
        upload = form.file.data
        item_id = small_int(form.item.data or "")
        original_id = small_int(form.translation_of.data or "")
        item = next((i for i in meeting.items if i.id == item_id), None)
        original = papers.paper(meeting.id, original_id) if original_id is not None else None
        store = storage()
        key = None
        try:
            if upload is None or not getattr(upload, "filename", None):
                form.file.errors = [_("Choose a file to upload.")]
                raise _NoFile
            if item_id is not None and item is None:
                form.item.errors = [_("Choose an item of this meeting's agenda.")]
                raise _NoFile
            if form.visibility.data not in {v.value for v in PaperVisibility}:
                form.visibility.errors = [_("Choose one of the list.")]
                raise _NoFile
            paper = papers.add_paper(
                meeting,
                stream=upload.stream,
                filename=upload.filename,
                title=form.title.data,
                language=form.language.data,
                item=item,
                translation_of=original,
                visibility=PaperVisibility(form.visibility.data),
                max_size=current_app.config["PAPER_MAX_SIZE"],
                store=store,
                actor=current_user,
                now=clock.now(),
            )
            key = paper.storage_key
            db.session.commit()
        except _NoFile:
            db.session.rollback()
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        except BaseException:
            db.session.rollback()
            if key is not None:
                store.delete(key)
            raise
        else:
            flash(_("The paper is attached to the meeting."), "success")
            return redirect(url_for("meetings.show", meeting_id=meeting.id) + "#papers")
    status = 422 if form.is_submitted() else 200
    return render_template("meetings/papers_new.html", meeting=meeting, form=form), status


class _NoFile(Exception):
    """A field the form alone can tell is wrong (its message is on the field)."""


new.accepts_files = True  # type: ignore[attr-defined]


@bp.route("/<int:meeting_id>/papers/<int:paper_id>")
@public
def download(meeting_id: int, paper_id: int) -> Response:
    """Send a paper: a PDF shown in the browser, any other type saved to disk.

    A paper for the network's people asks a visitor to log in; a removed one is not
    found (the audit record says why it was taken down).
    """
    paper = _paper_or_404(meeting_id, paper_id)
    if paper.removed_at is not None:
        abort(404)
    if not papers.can_read(current_user, paper):
        from network.extensions import login_manager

        return login_manager.unauthorized()
    return uploads.stored_file_response(
        storage(),
        paper.storage_key,
        media_type=paper.media_type,
        size=paper.size,
        sha256=paper.sha256,
        filename=paper.filename,
        public=paper.visibility is PaperVisibility.public,
    )


@bp.route("/<int:meeting_id>/papers/<int:paper_id>/remove", methods=["GET", "POST"])
@role_required(Role.secretariat)
def remove(meeting_id: int, paper_id: int) -> Response | tuple[str, int]:
    """Take a paper down, with the reason; its file is deleted from the store."""
    meeting = _meeting_or_404(meeting_id)
    paper = _paper_or_404(meeting_id, paper_id)
    form = RemovePaperForm()
    if form.validate_on_submit():
        try:
            papers.remove_paper(paper, reason=form.reason.data, actor=current_user, now=clock.now())
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            storage().delete(paper.storage_key)
            flash(_("The paper is removed."), "success")
            return redirect(url_for("meetings.show", meeting_id=meeting.id) + "#papers")
    status = 422 if form.is_submitted() else 200
    return render_template(
        "meetings/papers_remove.html", meeting=meeting, paper=paper, form=form
    ), status
