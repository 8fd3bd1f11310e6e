"""Public charter pages: the version in force, earlier versions, differences; comments."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug import Response
from wtforms import SelectChoice

from network import MAX_ID
from network.charter import queries, services
from network.charter.forms import CommentForm
from network.charter.models import CharterVersion, VersionStatus
from network.charter.rules import diff_articles
from network.common import clock
from network.common.decorators import login_required, public
from network.common.errors import DomainError
from network.common.forms import show_error
from network.common.languages import asked_language
from network.db import db

bp = Blueprint("charter", __name__, url_prefix="/charter")


def _readable_version(number: int) -> CharterVersion:
    """Return a version the current user may read; drafts only to logged-in people."""
    version = queries.version_by_number(number)
    if version is None:
        abort(404)
    if not version.is_public and not current_user.is_authenticated:
        abort(404)
    return version


def _reading_language(*versions: CharterVersion | None) -> str:
    """Return the language to show articles in: ``?lang=`` when written in it, else the reader's."""
    written = {code for version in versions if version for code in version.languages()}
    return asked_language(sorted(written)) or str(get_locale())


def _comment_form(version: CharterVersion) -> CommentForm:
    form = CommentForm()
    form.article.choices = [SelectChoice("", _("The whole draft"))] + [
        SelectChoice(str(a.number), _("Article %(number)s", number=a.number))
        for a in version.articles
    ]
    return form


@bp.route("/")
@public
def in_force() -> str:
    """Show the charter in force, or say that the founding rules still govern."""
    rules, source, version = queries.rules_in_force()
    return render_template(
        "charter/in_force.html",
        version=version,
        rules=rules,
        source=source,
        locale=str(get_locale()),
        language=_reading_language(version),
    )


@bp.route("/versions")
@public
def versions() -> str:
    """List every version the reader may see."""
    return render_template(
        "charter/versions.html",
        versions=queries.versions(include_drafts=current_user.is_authenticated),
    )


@bp.route("/versions/<int:number>")
@public
def version(number: int) -> str:
    """Show one version; drafts with their comments, to logged-in people."""
    found = _readable_version(number)
    return render_template(
        "charter/version.html",
        version=found,
        locale=str(get_locale()),
        language=_reading_language(found),
        comments=queries.comments_on(found),
        # Only logged-in people comment, on drafts: a visitor gets no form (and so no
        # CSRF token in their session, which would keep the page out of the cache).
        form=_comment_form(found)
        if current_user.is_authenticated and found.status is VersionStatus.draft
        else None,
    )


@bp.route("/versions/<int:number>/comments", methods=["POST"])
@login_required
def comment(number: int) -> Response | tuple[str, int]:
    """Comment on a draft (delegates, observers and the secretariat)."""
    found = _readable_version(number)
    form = _comment_form(found)
    if form.validate_on_submit():
        try:
            services.add_comment(
                found,
                form.body.data,
                article_number=int(form.article.data) if form.article.data else None,
                author=current_user,
                now=clock.now(),
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Your comment is added."), "success")
            return redirect(url_for("charter.version", number=number) + "#comments")
    return render_template(
        "charter/version.html",
        version=found,
        locale=str(get_locale()),
        language=_reading_language(found),
        comments=queries.comments_on(found),
        form=form,
    ), 422


@bp.route("/diff")
@public
def diff() -> str | tuple[str, int]:
    """Compare two versions article by article (``?from=1&to=2``, in ``?lang=``)."""
    try:
        old_number, new_number = int(request.args["from"]), int(request.args["to"])
    except (KeyError, ValueError):
        abort(400)
    if not (0 < old_number <= MAX_ID and 0 < new_number <= MAX_ID):
        abort(404)
    old, new = _readable_version(old_number), _readable_version(new_number)
    language = _reading_language(old, new)
    changes = diff_articles(queries.articles_in(old, language), queries.articles_in(new, language))
    languages = sorted(set(old.languages()) & set(new.languages()))
    return render_template(
        "charter/diff.html",
        old=old,
        new=new,
        changes=changes,
        language=language,
        languages=languages,
    )
