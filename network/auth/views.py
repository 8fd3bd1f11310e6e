"""Logging in and out, accepting an invitation, one's own account."""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug import Response
from wtforms import SelectChoice

from network.auth import services
from network.auth.forms import ChangePasswordForm, LocaleForm, LoginForm, SetPasswordForm
from network.auth.models import User
from network.auth.session import LAST_SEEN, STARTED
from network.common import clock
from network.common.decorators import login_required, public
from network.common.errors import DomainError
from network.common.forms import show_error
from network.common.http import client_address, is_safe_next
from network.common.templating import language_name
from network.db import db
from network.extensions import limiter

bp = Blueprint("auth", __name__)
security_log = logging.getLogger("network.security")


def _login_failed(response: Response) -> bool:
    """Count only failed attempts against the login limits."""
    return response.status_code != 302


def _account_key() -> str:
    return "login-account:" + services.normalise_email(request.form.get("email", ""))


def _start_session(user: User) -> None:
    """Start a fresh session for ``user``, keeping only the page's language choice."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    login_user(user)
    session.permanent = True
    session[LAST_SEEN] = session[STARTED] = clock.now().timestamp()


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
    methods=["POST"],
    key_func=client_address,
    deduct_when=_login_failed,
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    methods=["POST"],
    key_func=_account_key,
    deduct_when=_login_failed,
)
def login() -> Response | str | tuple[str, int]:
    """Show the login form and log in; a ``next`` off this site is ignored."""
    target = request.args.get("next")
    if not is_safe_next(target):
        target = None
    if current_user.is_authenticated:
        return redirect(target or url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            _start_session(user)
            security_log.info("login ok user=%s from=%s", user.id, client_address())
            flash(_("Welcome, %(name)s.", name=user.name), "success")
            return redirect(target or url_for("home.index"))
        security_log.info("login failed from=%s", client_address())
        # One message whether the address is unknown or the password wrong.
        form.password.errors = [_("The e-mail address or the password is not correct.")]
    status = 422 if form.is_submitted() else 200
    return render_template("auth/login.html", form=form, next=target), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    """End every session of the account (this one and any other device's)."""
    services.end_all_sessions(current_user._get_current_object(), now=clock.now())
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have logged out."), "success")
    return redirect(url_for("home.index"))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@public
@limiter.limit("20 per hour", methods=["POST"], key_func=client_address)
def accept_invitation(token: str) -> Response | tuple[str, int] | str:
    """Let an invited person set a password, then log them in."""
    now = clock.now()
    try:
        invitation = services.invitation_from_token(token, now)
    except DomainError as error:
        return render_template("auth/invitation_invalid.html", message=error.message), 400
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.accept_invitation(token, form.password.data, now=now)
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            _start_session(user)
            flash(
                _("Your password is set. Welcome to the network, %(name)s.", name=user.name),
                "success",
            )
            return redirect(url_for("home.index"))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/accept_invitation.html", form=form, invitation=invitation), status


def _locale_form() -> LocaleForm:
    form = LocaleForm(prefix="locale")
    form.locale.choices = [SelectChoice("", _("Follow my browser"))] + [
        SelectChoice(code, language_name(code, code)) for code in current_app.config["LANGUAGES"]
    ]
    return form


@bp.route("/account")
@login_required
def account() -> str:
    """Show one's own account, language setting and password form."""
    locale_form = _locale_form()
    locale_form.locale.data = current_user.locale or ""
    return render_template(
        "auth/account.html",
        locale_form=locale_form,
        password_form=ChangePasswordForm(prefix="password"),
    )


@bp.route("/account/locale", methods=["POST"])
@login_required
def set_locale() -> Response | tuple[str, int]:
    """Save the interface language of one's account."""
    form = _locale_form()
    if form.validate_on_submit():
        try:
            services.set_locale(current_user, form.locale.data or None, now=clock.now())
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Your language setting is saved."), "success")
            return redirect(url_for("auth.account"))
    return render_template(
        "auth/account.html", locale_form=form, password_form=ChangePasswordForm(prefix="password")
    ), 422


@bp.route("/account/password", methods=["POST"])
@login_required
def change_password() -> Response | tuple[str, int]:
    """Change one's password; every other session of the account ends."""
    form = ChangePasswordForm(prefix="password")
    if form.validate_on_submit():
        try:
            # The account itself, not the proxy: it goes back into login_user().
            user = services.change_password(
                current_user._get_current_object(),
                form.current_password.data,
                form.password.data,
                now=clock.now(),
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            _start_session(user)
            flash(_("Your password is changed. Other sessions have been logged out."), "success")
            return redirect(url_for("auth.account"))
    locale_form = _locale_form()
    locale_form.locale.data = current_user.locale or ""
    return render_template("auth/account.html", locale_form=locale_form, password_form=form), 422
