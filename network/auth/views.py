"""Logging in and out, accepting an invitation, one's own account."""

from __future__ import annotations

import logging
import secrets

import segno
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
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user
from werkzeug import Response
from wtforms import SelectChoice

from network.auth import rules, services
from network.auth.forms import (
    ChangePasswordForm,
    CodeForm,
    ConfirmPasswordForm,
    EnableTwoFactorForm,
    ForgotPasswordForm,
    LocaleForm,
    LoginForm,
    SetPasswordForm,
)
from network.auth.models import Role, User
from network.auth.reauth import after_password, reauth_limit
from network.auth.session import LAST_SEEN, STARTED, load_user
from network.calendars import queries as calendar_queries
from network.common import clock
from network.common.decorators import login_required, public
from network.common.errors import DomainError
from network.common.forms import EmptyForm, show_error
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


def _account_and_address_key() -> str:
    return f"{_account_key()}|{client_address()}"


def _landing(user: User) -> str:
    """Return where an account lands after logging in: the secretariat at its desk."""
    if user.role is Role.secretariat:
        return url_for("secretariat.index")
    return url_for("home.index")


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
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS"],
    methods=["POST"],
    key_func=_account_and_address_key,
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
        return redirect(target or _landing(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None and user.has_two_factor:
            _await_second_factor(user, target)
            security_log.info("password ok user=%s from=%s", user.id, client_address())
            return redirect(url_for("auth.verify"))
        if user is not None:
            _start_session(user)
            security_log.info("login ok user=%s from=%s", user.id, client_address())
            flash(_("Welcome, %(name)s.", name=user.name), "success")
            if services.two_factor_required(user):
                flash(
                    _("Your role requires two-factor authentication: set it up to go on."), "info"
                )
                return redirect(url_for("auth.two_factor"))
            return redirect(target or _landing(user))
        security_log.info("login failed from=%s", client_address())
        # One message whether the address is unknown or the password wrong.
        form.password.errors = [_("The e-mail address or the password is not correct.")]
    status = 422 if form.is_submitted() else 200
    return render_template("auth/login.html", form=form, next=target), status


PENDING_USER = "pending_user"
PENDING_SINCE = "pending_since"
PENDING_NEXT = "pending_next"
TOTP_SETUP = "totp_setup"


def _await_second_factor(user: User, target: str | None) -> None:
    """Remember, in a fresh session, who gave the right password and where they were going."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    session[PENDING_USER] = user.get_id()
    session[PENDING_SINCE] = clock.now().timestamp()
    if target:
        session[PENDING_NEXT] = target


def _pending_user() -> User | None:
    """Return the account halfway through logging in, if that is recent enough."""
    token, since = session.get(PENDING_USER), session.get(PENDING_SINCE)
    if not isinstance(token, str) or not isinstance(since, int | float):
        return None
    age = current_app.config["TWO_FACTOR_PENDING_AGE"].total_seconds()
    if clock.now().timestamp() - since > age:
        return None
    return load_user(token)


def _pending_key() -> str:
    token = session.get(PENDING_USER)
    return f"second-factor:{token.partition(':')[0]}" if isinstance(token, str) else "second-factor"


@bp.route("/login/verify", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["TWO_FACTOR_LIMIT"],
    methods=["POST"],
    key_func=_pending_key,
    deduct_when=_login_failed,
)
def verify() -> Response | str | tuple[str, int]:
    """Ask for the login's second step: an authenticator code or a recovery code."""
    user = _pending_user()
    if user is None:
        for key in (PENDING_USER, PENDING_SINCE, PENDING_NEXT):
            session.pop(key, None)
        flash(_("Log in with your e-mail address and password first."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        used = services.check_second_factor(user, form.code.data, now=clock.now())
        if used is not None:
            db.session.commit()
            target = session.get(PENDING_NEXT)
            _start_session(user)
            security_log.info("login ok user=%s by=%s from=%s", user.id, used, client_address())
            flash(_("Welcome, %(name)s.", name=user.name), "success")
            if used == "recovery":
                flash(
                    ngettext(
                        "You used a recovery code; %(num)d is left. Make new ones on your "
                        "account page.",
                        "You used a recovery code; %(num)d are left. Make new ones on your "
                        "account page if you are running out.",
                        services.recovery_codes_left(user),
                    ),
                    "info",
                )
            return redirect(target if is_safe_next(target) else _landing(user))
        db.session.rollback()
        security_log.info("second factor failed user=%s from=%s", user.id, client_address())
        form.code.errors = [_("The code is not correct, or it was used already.")]
    status = 422 if form.is_submitted() else 200
    return render_template("auth/verify.html", form=form), status


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


def _reset_account_key() -> str:
    return "password-reset:" + services.normalise_email(request.form.get("email", ""))


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["PASSWORD_RESET_LIMIT_PER_ADDRESS"],
    methods=["POST"],
    key_func=client_address,
)
@limiter.limit(
    lambda: current_app.config["PASSWORD_RESET_LIMIT_PER_ACCOUNT"],
    methods=["POST"],
    key_func=_reset_account_key,
)
def forgot_password() -> Response | str | tuple[str, int]:
    """Mail a link to choose a new password; answer the same whatever the address."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = services.request_password_reset(form.email.data, now=clock.now())
        db.session.commit()
        security_log.info(
            "password reset asked user=%s from=%s", user.id if user else "-", client_address()
        )
        flash(
            _(
                "If an account uses this address, a link to choose a new password is on its "
                "way. It works once, within an hour. Nothing arrived? Check the address, "
                "or ask the secretariat."
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/forgot_password.html", form=form), status


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
@limiter.limit("20 per hour", methods=["POST"], key_func=client_address)
def reset_password(token: str) -> Response | tuple[str, int] | str:
    """Choose a new password through a mailed link; every session of the account ends."""
    now = clock.now()
    try:
        user = services.user_from_reset_token(token, now=now)
    except DomainError as error:
        return render_template("auth/reset_invalid.html", message=error.message), 400
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data, now=now)
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            security_log.info("password reset user=%s from=%s", user.id, client_address())
            flash(_("Your new password is set. Log in with it."), "success")
            return redirect(url_for("auth.login"))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/reset_password.html", form=form, user=user), status


def _locale_form() -> LocaleForm:
    form = LocaleForm(prefix="locale")
    form.locale.choices = [SelectChoice("", _("Follow my browser"))] + [
        # Each language named in itself, so marked with its own lang for screen readers.
        SelectChoice(code, language_name(code, code), render_kw={"lang": code})
        for code in current_app.config["LANGUAGES"]
    ]
    return form


def _calendar() -> dict[str, object]:
    """Return what the account page shows of one's private calendar (issue #15)."""
    return {
        "calendar_address": calendar_queries.address_of(current_user),
        "calendar_form": EmptyForm(),
    }


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
        **_calendar(),
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
        "auth/account.html",
        locale_form=form,
        password_form=ChangePasswordForm(prefix="password"),
        **_calendar(),
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
    return render_template(
        "auth/account.html", locale_form=locale_form, password_form=form, **_calendar()
    ), 422


def _setup_secret() -> str:
    """Return the key being set up in this session (the session holds only a nonce)."""
    nonce = session.get(TOTP_SETUP)
    if not isinstance(nonce, str) or len(nonce) < 22:
        nonce = session[TOTP_SETUP] = secrets.token_urlsafe(16)
    return rules.setup_secret(current_app.config["SECRET_KEY"], current_user.id, nonce)


def _two_factor_page(
    enable_form: EnableTwoFactorForm | None = None,
    password_form: ConfirmPasswordForm | None = None,
    disable_form: ConfirmPasswordForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    user = current_user._get_current_object()
    context: dict[str, object] = {
        "required": services.two_factor_required(user),
        "password_form": password_form or ConfirmPasswordForm(prefix="codes"),
        "disable_form": disable_form or ConfirmPasswordForm(prefix="disable"),
    }
    if user.has_two_factor:
        context["codes_left"] = services.recovery_codes_left(user)
    else:
        secret = _setup_secret()
        uri = rules.provisioning_uri(secret, user.email, current_app.config["TWO_FACTOR_ISSUER"])
        context.update(
            enable_form=enable_form or EnableTwoFactorForm(),
            key=rules.grouped(secret),
            qr_svg=segno.make(uri, error="m").svg_inline(scale=4, border=4, omitsize=True),
        )
    return render_template("auth/two_factor.html", **context), status


@bp.route("/account/two-factor")
@login_required
def two_factor() -> tuple[str, int]:
    """Show the second factor's state; to set it up, a QR code and the key to type in."""
    return _two_factor_page()


def _refuse_while_off() -> tuple[str, int]:
    """Answer a form that needs the second factor on, posted while it is off."""
    flash(_("Two-factor authentication is off."), "error")
    return _two_factor_page(status=409)


def _show_recovery_codes(codes: list[str]) -> str:
    return render_template("auth/recovery_codes.html", codes=codes)


@bp.route("/account/two-factor", methods=["POST"])
@login_required
def enable_two_factor() -> str | tuple[str, int]:
    """Turn the second factor on with the code the new authenticator shows."""
    form = EnableTwoFactorForm()
    if form.validate_on_submit():
        try:
            codes = services.enable_two_factor(
                current_user._get_current_object(),
                _setup_secret(),
                form.code.data,
                now=clock.now(),
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            session.pop(TOTP_SETUP, None)
            flash(_("Two-factor authentication is on."), "success")
            return _show_recovery_codes(codes)
    return _two_factor_page(enable_form=form, status=422)


@bp.route("/account/two-factor/recovery-codes", methods=["POST"])
@login_required
@reauth_limit
def new_recovery_codes() -> str | tuple[str, int]:
    """Replace the recovery codes (password asked again); the old ones stop working."""
    if not current_user.has_two_factor:
        return _refuse_while_off()
    form = ConfirmPasswordForm(prefix="codes")
    if form.validate_on_submit():
        try:
            codes = after_password(
                form.password.data,
                lambda: services.regenerate_recovery_codes(
                    current_user._get_current_object(), now=clock.now()
                ),
            )()
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("New recovery codes are ready; the old ones no longer work."), "success")
            return _show_recovery_codes(codes)
    return _two_factor_page(password_form=form, status=422)


@bp.route("/account/two-factor/disable", methods=["POST"])
@login_required
@reauth_limit
def disable_two_factor() -> Response | tuple[str, int]:
    """Turn one's second factor off (password asked again), where the role allows it."""
    if not current_user.has_two_factor:
        return _refuse_while_off()
    form = ConfirmPasswordForm(prefix="disable")
    if form.validate_on_submit():
        try:
            after_password(
                form.password.data,
                lambda: services.disable_two_factor(
                    current_user._get_current_object(), now=clock.now()
                ),
            )()
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
            return _two_factor_page(disable_form=form, status=error.status)
        else:
            db.session.commit()
            flash(_("Two-factor authentication is off."), "success")
            return redirect(url_for("auth.account"))
    return _two_factor_page(disable_form=form, status=422)
