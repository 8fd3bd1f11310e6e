"""Motion pages: list, read, propose, second, withdraw, put to the vote."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug import Response
from wtforms import SelectChoice

from network.auth.models import Role
from network.charter import queries as charter_queries
from network.charter.models import VersionStatus
from network.cities import queries as city_queries
from network.common import clock
from network.common.decorators import login_required, public, role_required
from network.common.enums import label
from network.common.errors import DomainError
from network.common.forms import EmptyForm, perform, show_error
from network.common.http import small_int
from network.common.languages import asked_language
from network.common.markdown import render
from network.common.pagination import page_request
from network.common.templating import city_name
from network.db import db
from network.motions import queries, services
from network.motions.forms import MotionForm, MotionTranslationsForm, MotionVoteForm
from network.motions.models import Motion, MotionKind
from network.motions.rules import can_translate
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
        SelectChoice(city.slug, f"{city_name(city)} ({label(city.status)})")
        for city in city_queries.all_cities_for_choice()
    ]
    form.charter_version.choices = [SelectChoice("", _("None"))] + [
        SelectChoice(str(v.number), _("Version %(number)s", number=v.number))
        for v in charter_queries.versions(include_drafts=True)
        if v.status is VersionStatus.draft
    ]
    return form


@bp.route("/")
@public
def index() -> str:
    """List motions: open ones first, then all."""
    wanted = page_request(request.args, 50)
    pagination = db.paginate(
        queries.motions_statement(),
        page=wanted.page,
        per_page=wanted.per_page,
        error_out=False,
    )
    return render_template("motions/index.html", pagination=pagination, locale=str(get_locale()))


@bp.route("/<int:motion_id>")
@public
def show(motion_id: int) -> str:
    """Show a motion in the reader's language (or the one asked for with ``?lang=``).

    The original, in the language it was proposed in, is authoritative; a translation
    says so and links to it.
    """
    motion = _motion_or_404(motion_id)
    locale = str(get_locale())
    wording = motion.wording_in(asked_language(motion.languages) or locale)
    return render_template(
        "motions/show.html",
        motion=motion,
        wording=wording,
        locale=locale,
        text=render(wording.text),
        can_translate=current_user.is_authenticated and can_translate(current_user, motion),
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
                language=form.language.data or str(get_locale()),
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Your motion is proposed. It needs a second from another city."), "success")
            return redirect(url_for("motions.show", motion_id=motion.id))
    if not form.is_submitted():
        form.language.data = str(get_locale())
    status = 422 if form.is_submitted() else 200
    return render_template("motions/new.html", form=form), status


def _translation_entries(form: MotionTranslationsForm) -> list[services.TranslationEntry]:
    return [
        services.TranslationEntry(row.form.language.data, row.form.title.data, row.form.text.data)
        for row in form.texts
        if not row.form.is_blank()
    ]


def _translations_page(
    motion: Motion, form: MotionTranslationsForm, status: int
) -> tuple[str, int]:
    while (
        len(form.texts) < form.texts.max_entries
        and sum(row.form.is_blank() for row in form.texts) < 1
    ):
        form.texts.append_entry()
    return render_template("motions/translations.html", motion=motion, form=form), status


@bp.route("/<int:motion_id>/translations", methods=["GET", "POST"])
@role_required(Role.delegate, Role.secretariat)
def translations(motion_id: int) -> Response | tuple[str, int]:
    """Add or change translations of a motion beside its original (which stays as proposed)."""
    motion = _motion_or_404(motion_id)
    if not can_translate(current_user, motion):
        abort(403)
    form = MotionTranslationsForm()
    if request.method == "GET":
        while len(form.texts):
            form.texts.pop_entry()
        for language in motion.languages[1:]:
            text = motion.translations[language]
            form.texts.append_entry({"language": language, "title": text.title, "text": text.text})
        return _translations_page(motion, form, 200)
    if form.validate_on_submit():
        try:
            changed = services.save_translations(
                motion, _translation_entries(form), actor=current_user, now=clock.now()
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            if changed:
                flash(_("The translations are saved."), "success")
            else:
                flash(_("Nothing changed: the translations are as they were."), "success")
            return redirect(url_for("motions.show", motion_id=motion.id))
    return _translations_page(motion, form, 422)


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
