"""The secretariat's charter pages: drafts, articles, and putting a draft to the vote."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug import Response

from network.auth.models import Role
from network.charter import queries, services
from network.charter.forms import ArticleForm, DraftForm, PutToVoteForm
from network.charter.models import CharterVersion
from network.common import clock
from network.common.decorators import role_required
from network.common.errors import DomainError
from network.common.forms import EmptyForm, perform, show_error
from network.db import db
from network.votes.models import Secrecy, VoteStatus

bp = Blueprint("secretariat_charter", __name__, url_prefix="/secretariat/charter")


def _version_or_404(number: int) -> CharterVersion:
    version = queries.version_by_number(number)
    if version is None:
        abort(404)
    return version


def _draft_page(
    version: CharterVersion,
    draft_form: DraftForm | None = None,
    vote_form: PutToVoteForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    if draft_form is None:
        draft_form = DraftForm()
        draft_form.fill_from(version.authoritative_language, version.rules)
    return render_template(
        "secretariat/charter_draft.html",
        version=version,
        form=draft_form,
        vote_form=vote_form or PutToVoteForm(),
        button=EmptyForm(),
    ), status


@bp.route("/")
@role_required(Role.secretariat)
def index() -> str:
    """List every version, drafts included, with the way to start a new draft."""
    return render_template(
        "secretariat/charter.html",
        versions=queries.versions(include_drafts=True),
        button=EmptyForm(),
    )


@bp.route("/drafts", methods=["POST"])
@role_required(Role.secretariat)
def new_draft() -> Response:
    """Start a draft from the version in force (or from scratch, before any)."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    version = services.create_draft(actor=current_user, now=clock.now())
    db.session.commit()
    flash(_("Draft version %(number)s is started.", number=version.number), "success")
    return redirect(url_for("secretariat_charter.draft", number=version.number))


@bp.route("/<int:number>", methods=["GET", "POST"])
@role_required(Role.secretariat)
def draft(number: int) -> Response | tuple[str, int]:
    """Edit a draft's authoritative language and rules; list its articles."""
    version = _version_or_404(number)
    if request.method == "GET":
        return _draft_page(version)
    form = DraftForm()
    if form.validate_on_submit():
        try:
            services.update_draft(
                version,
                authoritative_language=form.authoritative_language.data,
                rules=form.governance_rules(),
                actor=current_user,
                now=clock.now(),
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("The draft is saved."), "success")
            return redirect(url_for("secretariat_charter.draft", number=number))
    return _draft_page(version, draft_form=form, status=422)


def _article_entries(form: ArticleForm) -> list[services.ArticleEntry]:
    return [
        services.ArticleEntry(row.form.language.data, row.form.title.data, row.form.body.data)
        for row in form.texts
        if not row.form.is_blank()
    ]


def _article_page(
    version: CharterVersion, form: ArticleForm, replacing: int | None, status: int
) -> tuple[str, int]:
    while (
        len(form.texts) < form.texts.max_entries
        and sum(row.form.is_blank() for row in form.texts) < 1
    ):
        form.texts.append_entry()
    return render_template(
        "secretariat/charter_article.html", version=version, form=form, replacing=replacing
    ), status


@bp.route("/<int:number>/articles/new", methods=["GET", "POST"])
@bp.route("/<int:number>/articles/<int:article>", methods=["GET", "POST"])
@role_required(Role.secretariat)
def article(number: int, article: int | None = None) -> Response | tuple[str, int]:
    """Add an article to a draft, or edit one."""
    version = _version_or_404(number)
    existing = next((a for a in version.articles if a.number == article), None)
    if article is not None and existing is None:
        abort(404)
    form = ArticleForm()
    if request.method == "GET":
        if existing is not None:
            form.number.data = existing.number
            while len(form.texts):
                form.texts.pop_entry()
            for language in sorted(
                existing.texts, key=lambda c: (c != version.authoritative_language, c)
            ):
                text = existing.texts[language]
                form.texts.append_entry(
                    {"language": language, "title": text.title, "body": text.body}
                )
        else:
            form.number.data = max((a.number for a in version.articles), default=0) + 1
            form.texts[0].form.language.data = version.authoritative_language
        return _article_page(version, form, article, 200)
    if form.validate_on_submit():
        try:
            services.save_article(
                version,
                form.number.data,
                _article_entries(form),
                replacing=article,
                actor=current_user,
                now=clock.now(),
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Article %(number)s is saved.", number=form.number.data), "success")
            return redirect(url_for("secretariat_charter.draft", number=number))
    return _article_page(version, form, article, 422)


@bp.route("/<int:number>/articles/<int:article>/delete", methods=["POST"])
@role_required(Role.secretariat)
def delete_article(number: int, article: int) -> Response:
    """Remove an article from a draft."""
    version = _version_or_404(number)
    if EmptyForm().validate_on_submit():
        perform(
            lambda: services.delete_article(version, article, actor=current_user, now=clock.now()),
            _("Article %(number)s is removed.", number=article),
        )
    return redirect(url_for("secretariat_charter.draft", number=number))


@bp.route("/<int:number>/vote", methods=["POST"])
@role_required(Role.secretariat)
def put_to_vote(number: int) -> Response | tuple[str, int]:
    """Open the member cities' vote on adopting the draft."""
    version = _version_or_404(number)
    form = PutToVoteForm()
    if form.validate_on_submit():
        try:
            vote = services.put_to_vote(
                version,
                secrecy=Secrecy(form.secrecy.data),
                opens_at=clock.as_utc(form.opens_at.data),
                closes_at=clock.as_utc(form.closes_at.data),
                actor=current_user,
                now=clock.now(),
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(
                _("The adoption vote is open.")
                if vote.status is VoteStatus.open
                else _("The adoption vote will open at the time set."),
                "success",
            )
            return redirect(url_for("votes.show", vote_id=vote.id))
    return _draft_page(version, vote_form=form, status=422)
