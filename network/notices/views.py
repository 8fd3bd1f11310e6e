"""A person's notice settings and the one-click unsubscribe (RFC 8058)."""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug import Response

from network.auth.models import User
from network.common import clock
from network.common.decorators import login_required, public
from network.common.errors import DomainError
from network.common.forms import show_error
from network.db import db
from network.extensions import csrf
from network.notices import services
from network.notices.compose import read_unsubscribe_token
from network.notices.forms import preferences_form
from network.notices.models import NoticeMode
from network.notices.sender import deliver

bp = Blueprint("notices", __name__)
log = logging.getLogger("network.mail")


@bp.route("/account/notices", methods=["GET", "POST"])
@login_required
def preferences() -> Response | str | tuple[str, int]:
    """Show and change which optional notices one receives by e-mail."""
    user = current_user._get_current_object()
    form = preferences_form(services.preferences_of(user))
    if form.validate_on_submit():
        try:
            services.set_preferences(user, form.modes(), now=clock.now())
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Your notice settings are saved."), "success")
            return redirect(url_for("notices.preferences"))
    status = 422 if form.is_submitted() else 200
    return render_template("notices/preferences.html", form=form), status


@bp.route("/notices/unsubscribe/<token>", methods=["GET", "POST"])
@public
@csrf.exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click", with no cookie
def unsubscribe(token: str) -> tuple[str, int] | str:
    """Stop one kind of optional notice: GET asks to confirm, POST (one click) does it."""
    found = read_unsubscribe_token(token)
    user = db.session.get(User, found[0]) if found else None
    if found is None or user is None:
        return render_template("notices/unsubscribe.html", invalid=True), 400
    kind = found[1]
    if request.method == "POST":
        services.set_preferences(user, {kind: NoticeMode.off}, now=clock.now())
        db.session.commit()
        return render_template("notices/unsubscribe.html", kind=kind, done=True, token=token)
    return render_template("notices/unsubscribe.html", kind=kind, done=False, token=token)


@bp.teardown_app_request
def _deliver_after_request(error: BaseException | None) -> None:
    """Send at once what a request queued, where configured (development: no sender runs).

    The request's own session has committed or rolled back by now; it is closed first,
    so the sender's commits carry nothing of it.
    """
    if error is not None or not g.get("notices_queued"):
        return
    if not current_app.config["MAIL_DELIVER_AFTER_REQUEST"]:
        return
    db.session.close()
    try:
        deliver()
    except Exception:  # development only: a mail problem must not break the page
        log.exception("sending mail after the request failed; it stays in the outbox")
        db.session.rollback()
