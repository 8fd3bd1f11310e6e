"""A practice's documents: uploads, removals and downloads.

Its city's delegates and the secretariat upload and remove; whoever reads the practice
downloads. A download is served as meeting papers are (``uploads.stored_file_response``) and is
left out of the cache of public pages (``conditional.NOT_CACHEABLE``).
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug import Response
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from network.auth.models import Role
from network.common import clock, uploads
from network.common.decorators import public, role_required
from network.common.errors import DomainError
from network.common.forms import NoControlCharacters, show_error, strip
from network.common.storage import storage
from network.db import db
from network.practices import documents, queries, rules
from network.practices.models import Practice, PracticeDocument

bp = Blueprint("practice_documents", __name__, url_prefix="/practices")

# The views that take a file: the security headers' guard lets their uploads through.
UPLOAD_ENDPOINTS = frozenset({"practice_documents.new"})


@bp.url_value_preprocessor
def allow_document_sizes(endpoint: str | None, _values: dict | None) -> None:
    """Let the upload's request body be as large as a document, before anything reads it."""
    if endpoint in UPLOAD_ENDPOINTS:
        request.max_content_length = (
            current_app.config["PRACTICE_DOCUMENT_MAX_SIZE"] + uploads.FORM_ALLOWANCE
        )


class DocumentForm(FlaskForm):
    """Attach a document to a practice."""

    file = FileField(
        _l("File"),
    )
    title = StringField(
        _l("Title"),
        filters=[strip],
        validators=[DataRequired(), Length(max=200), NoControlCharacters()],
    )
    language = StringField(
        _l("Language"),
        filters=[strip],
        validators=[DataRequired(), Length(max=16)],
        description=_l("A language code: en, ko, fr, es, or another such as pt-BR."),
    )


class RemoveDocumentForm(FlaskForm):
    """Take a document down, saying why."""

    reason = TextAreaField(
        _l("Why is it removed?"),
        filters=[strip],
        validators=[DataRequired(), Length(max=2000), NoControlCharacters()],
    )


def _readable(slug: str) -> Practice:
    """Return a practice the reader may see (else 404: a draft is not shown to others)."""
    found = queries.practice(slug)
    if found is None or not rules.can_read(
        current_user, city_id=found.city_id, published=found.is_published
    ):
        abort(404)
    return found


def _manageable(slug: str) -> Practice:
    found = _readable(slug)
    if not documents.can_manage(current_user, found):
        raise documents.NotAPracticeEditor()
    return found


def _document_or_404(practice: Practice, document_id: int) -> PracticeDocument:
    found = documents.document(practice, document_id)
    if found is None:
        abort(404)
    return found


def _page(template: str, practice: Practice, status: int, **context: object) -> tuple[str, int]:
    text = practice.text_in(str(get_locale()))
    return render_template(template, practice=practice, text=text, **context), status


@bp.route("/<slug>/documents/new", methods=["GET", "POST"])
@role_required(Role.delegate, Role.secretariat)
def new(slug: str) -> Response | tuple[str, int]:
    """Attach a document: its type is read from its content, its size limited."""
    practice = _manageable(slug)
    form = DocumentForm()
    form.file.description = _(
        "A PDF, an office document (docx, xlsx, pptx, odt, ods, odp) or plain text, "
        "at most %(size)s MB.",
        size=format_decimal(current_app.config["PRACTICE_DOCUMENT_MAX_SIZE"] / 1_000_000),
    )
    if request.method == "GET":
        form.language.data = practice.authoritative_language
    if form.validate_on_submit():
        upload = form.file.data
        if upload is None or not getattr(upload, "filename", None):
            form.file.errors = [_("Choose a file to upload.")]
        else:
            store = storage()
            key = None
            try:
                added = documents.add_document(
                    practice,
                    stream=upload.stream,
                    filename=upload.filename,
                    title=form.title.data,
                    language=form.language.data,
                    max_size=current_app.config["PRACTICE_DOCUMENT_MAX_SIZE"],
                    store=store,
                    actor=current_user,
                    now=clock.now(),
                )
                key = added.storage_key
                db.session.commit()
            except DomainError as error:
                db.session.rollback()
                show_error(form, error)
            except BaseException:
                db.session.rollback()
                if key is not None:
                    store.delete(key)
                raise
            else:
                flash(_("The document is attached to the practice."), "success")
                return redirect(url_for("practices.show", slug=slug) + "#documents")
    status = 422 if form.is_submitted() else 200
    return _page("practices/documents_new.html", practice, status, form=form)


new.accepts_files = True  # type: ignore[attr-defined]


@bp.route("/<slug>/documents/<int:document_id>")
@public
def download(slug: str, document_id: int) -> Response:
    """Send a document: a PDF shown in the browser, any other type saved to disk.

    A draft's document is not found by those who may not read the draft; a removed one
    by nobody (the audit record says why it was taken down).
    """
    practice = _readable(slug)
    found = _document_or_404(practice, document_id)
    if not documents.can_read(current_user, found):
        abort(404)
    return uploads.stored_file_response(
        storage(),
        found.storage_key,
        media_type=found.media_type,
        size=found.size,
        sha256=found.sha256,
        filename=found.filename,
        public=practice.is_published,
    )


@bp.route("/<slug>/documents/<int:document_id>/remove", methods=["GET", "POST"])
@role_required(Role.delegate, Role.secretariat)
def remove(slug: str, document_id: int) -> Response | tuple[str, int]:
    """Take a document down, with the reason; its file is deleted from the store."""
    practice = _manageable(slug)
    found = _document_or_404(practice, document_id)
    form = RemoveDocumentForm()
    if form.validate_on_submit():
        try:
            documents.remove_document(
                found, reason=form.reason.data, actor=current_user, now=clock.now()
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            storage().delete(found.storage_key)
            flash(_("The document is removed."), "success")
            return redirect(url_for("practices.show", slug=slug) + "#documents")
    status = 422 if form.is_submitted() else 200
    return _page("practices/documents_remove.html", practice, status, form=form, document=found)
