"""Locale selection: the user's setting, else the page's choice, else the browser's."""

from __future__ import annotations

from flask import current_app, has_request_context, request, session
from flask_login import current_user

SESSION_KEY = "locale"
# A visitor's choice lives in a cookie of its own, not in the session: a session
# makes every page personal (Flask-Login rewrites it on each request), so a visitor
# with one could never be given a cached public page.
COOKIE_NAME = "locale"
COOKIE_MAX_AGE = 365 * 24 * 3600


def supported_locale(value: str | None) -> str | None:
    """Return ``value`` when it is one of the interface languages, else None."""
    return value if value in current_app.config["LANGUAGES"] else None


def select_locale() -> str:
    """Pick the interface language for this request."""
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        return default
    if current_user.is_authenticated and supported_locale(current_user.locale):
        return current_user.locale
    chosen = supported_locale(session.get(SESSION_KEY)) or supported_locale(
        request.cookies.get(COOKIE_NAME)
    )
    if chosen:
        return chosen
    return request.accept_languages.best_match(current_app.config["LANGUAGES"]) or default
