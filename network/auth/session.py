"""Flask-Login set-up: loading an account from the session token."""

from __future__ import annotations

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import AnonymousUserMixin, current_user, logout_user
from werkzeug import Response

from network.auth.models import User
from network.auth.services import two_factor_required
from network.common import clock
from network.common.http import small_int
from network.db import db
from network.extensions import login_manager


class AnonymousUser(AnonymousUserMixin):
    """The visitor who is not logged in: no role, no city, no language setting."""

    role = None
    city_id = None
    locale = None
    signing_authority = False


def load_user(token: str) -> User | None:
    """Load the account named by a session token ``"<id>:<session_version>"``.

    A token of an older session version, or of an inactive account, loads nobody,
    which ends that session.
    """
    user_id, _, version = token.partition(":")
    user_number, version_number = small_int(user_id), small_int(version)
    if user_number is None or version_number is None:
        return None
    user = db.session.get(User, user_number)
    if user is None or not user.is_active or user.session_version != version_number:
        return None
    return user


LAST_SEEN = "last_seen"
STARTED = "started"
# Requests a page's script makes on its own (the live session's polling). They are no
# activity of the person's, and their answers never write the session cookie unless
# they change the session: a poll answered just after a form's POST would otherwise put
# the cookie back as it was before that POST, losing what the POST set (its flash
# message, a logout, a new login).
BACKGROUND_ENDPOINTS = frozenset({"live.state"})


class SessionInterface(SecureCookieSessionInterface):
    """The signed-cookie session, not rewritten by background requests that leave it be."""

    def should_set_cookie(self, app: Flask, session: SessionMixin) -> bool:
        """Refresh the cookie on a person's requests; on background ones only if changed."""
        if request.endpoint in BACKGROUND_ENDPOINTS:
            return session.modified
        return super().should_set_cookie(app, session)


def end_idle_session() -> None:
    """Log out a session idle longer than IDLE_TIMEOUT or older than PERMANENT_SESSION_LIFETIME.

    The signed session cookie carries both times.
    """
    if "_user_id" not in session:
        return
    now = clock.now().timestamp()
    last_seen, started = session.get(LAST_SEEN), session.get(STARTED)
    idle = current_app.config["IDLE_TIMEOUT"].total_seconds()
    absolute = current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    if (
        not isinstance(last_seen, int | float)
        or not isinstance(started, int | float)
        or now - last_seen > idle
        or now - started > absolute
    ):
        logout_user()
        session.clear()
        flash(_("You were logged out after a period of inactivity."), "info")
        return
    if request.endpoint not in BACKGROUND_ENDPOINTS:
        session[LAST_SEEN] = now


# What an account that must enrol a second factor may still reach before it has.
ENROLMENT_ENDPOINTS = frozenset(
    {"auth.two_factor", "auth.enable_two_factor", "auth.logout", "static"}
)


def require_second_factor() -> Response | None:
    """Send an account whose role requires a second factor to enrol one before anything else."""
    if (
        request.endpoint is None
        or request.endpoint in ENROLMENT_ENDPOINTS
        or not current_user.is_authenticated
        or current_user.has_two_factor
        or not two_factor_required(current_user)
    ):
        return None
    return redirect(url_for("auth.two_factor"))


def configure_login(app: Flask) -> None:
    """Bind Flask-Login with strong session protection and a translated prompt."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    login_manager.anonymous_user = AnonymousUser
    login_manager.user_loader(load_user)
    app.session_interface = SessionInterface()
    app.before_request(end_idle_session)
    app.before_request(require_second_factor)
