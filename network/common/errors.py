"""Domain errors raised by services, and the error pages and JSON errors."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, g, jsonify, render_template, request
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError


class DomainError(Exception):
    """A rule of the platform refused an action; nothing was written.

    ``field`` names the form field the message belongs to, when there is one.
    """

    status = 409
    code = "conflict"
    message: LazyString = _l("This action is not allowed.")

    def __init__(self, message: LazyString | str | None = None, *, field: str | None = None):
        if message is not None:
            self.message = message
        self.field = field
        super().__init__(str(self.message))


class NotAllowed(DomainError):
    """The acting user may not do this."""

    status = 403
    code = "forbidden"
    message = _l("You are not allowed to do this.")


class InvalidInput(DomainError):
    """The input breaks a rule that a form cannot check by itself."""

    status = 422
    code = "invalid"
    message = _l("The input is not valid.")


class Conflict(DomainError):
    """The action clashes with the current state (duplicate, wrong status)."""

    status = 409
    code = "conflict"


class VoteNotOpen(Conflict):
    """The vote does not take ballots now (not yet open, closed, or past its closing time)."""

    message = _l("This vote is not open for ballots.")


class AlreadyVoted(Conflict):
    """The city's one ballot in this vote has been cast already."""

    code = "already_voted"
    message = _l("Your city has already voted in this vote.")


class NotInElectorate(NotAllowed):
    """The city is not among those entitled to vote, or not in good standing now."""

    message = _l("Your city is not entitled to vote in this vote.")


class BadParameter(DomainError):
    """A query parameter has a value outside what the route accepts."""

    status = 400
    code = "bad_request"
    message = _l("A parameter of the request is not valid.")


# HTTP status → the API's error code and a fallback message.
API_ERROR_CODES: dict[int, tuple[str, LazyString]] = {
    400: ("bad_request", _l("The request is not valid.")),
    401: ("unauthorized", _l("You need to log in.")),
    403: ("forbidden", _l("You are not allowed to do this.")),
    404: ("not_found", _l("Nothing was found at this address.")),
    405: ("method_not_allowed", _l("This method is not allowed here.")),
    409: ("conflict", _l("The request clashes with the current state.")),
    413: ("too_large", _l("The request is too large.")),
    422: ("invalid", _l("The input is not valid.")),
    429: ("too_many_requests", _l("Too many requests. Please wait a moment and try again.")),
    500: ("server_error", _l("Something went wrong on our side. It has been logged.")),
    503: ("unavailable", _l("The service is briefly unavailable. Please try again shortly.")),
}

PAGE_TEXTS: dict[int, tuple[LazyString, LazyString]] = {
    400: (_l("Bad request"), _l("The request could not be understood.")),
    403: (_l("Not allowed"), _l("Your account does not give access to this page.")),
    404: (_l("Page not found"), _l("There is no page at this address. It may have moved.")),
    405: (_l("Method not allowed"), _l("This page cannot be used this way.")),
    413: (_l("Too large"), _l("What you sent is larger than this site accepts.")),
    429: (
        _l("Too many attempts"),
        _l("Too many requests came from you in a short time. Please wait and try again."),
    ),
    500: (
        _l("Something went wrong"),
        _l("An error occurred on our side. It has been logged; please try again later."),
    ),
    503: (
        _l("Briefly unavailable"),
        _l(
            "The site cannot reach its database at the moment, or it is busy. Nothing you "
            "sent was recorded. Please try again in a minute."
        ),
    ),
}
# Seconds a client is asked to wait before trying again after a 503.
RETRY_AFTER_SECONDS = 30
CSRF_TEXT = (
    _l("Form expired"),
    _l(
        "The form was missing its security token or it had expired. Go back, reload the page "
        "and submit it again."
    ),
)


def wants_json() -> bool:
    """Tell whether the current request is an API request, or one for a JSON document."""
    return request.path.startswith("/api/") or request.path.endswith(".json")


def json_error(status: int, message: Any = None, code: str | None = None):  # noqa: ANN201
    """Build the API's error body ``{"error": {"code", "message"}}`` with its status."""
    default_code, default_message = API_ERROR_CODES.get(status, API_ERROR_CODES[500])
    body = {"error": {"code": code or default_code, "message": str(message or default_message)}}
    return jsonify(body), status


def discard_changes() -> None:
    """Roll back the request's transaction before an error page is rendered.

    After a failed flush the session refuses every query until rolled back, and the
    page's layout queries (the account, the navigation): without this the error page
    itself would fail. A refusal must write nothing either.
    """
    from network.db import db

    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection may be gone; the page still renders
        current_app.logger.exception("rollback before the error page failed")


def is_unavailable(error: Exception) -> bool:
    """Tell whether a database error means "not now" rather than a fault in the code.

    Not now: no connection could be had (the server is down or the pool is empty), the
    connection was lost, or the statement waited too long for a lock or ran too long
    (``DATABASE_LOCK_TIMEOUT``, ``DATABASE_STATEMENT_TIMEOUT``). Anything else, such as
    a constraint violated or a table missing, is a fault: a 500, logged.
    """
    if isinstance(error, sa.exc.TimeoutError):  # the pool had no connection to give
        return True
    if not isinstance(error, sa.exc.DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    original = error.orig
    sqlstate = getattr(original, "sqlstate", None)
    if sqlstate:
        # PostgreSQL classes 08 connection, 53 resources, 57 operator intervention
        # (57014: statement timeout); 55P03: lock timeout.
        return sqlstate[:2] in {"08", "53", "57"} or sqlstate == "55P03"
    if type(original).__module__.startswith("psycopg"):
        # No SQLSTATE: the error came before any server answered (refused, reset).
        return isinstance(error, sa.exc.OperationalError)
    message = str(original).lower()
    return "database is locked" in message or "database is busy" in message


def as_visitor() -> None:
    """Render the coming error page for a visitor, without loading the account.

    The layout names the account and the locale selector reads its language: both
    load it, and what it links to, from the database, which may be what just failed.
    """
    g._login_user = current_app.login_manager.anonymous_user()  # Flask-Login's own slot


def register_error_pages(app: Flask) -> None:
    """Render every HTTP error as a page in the user's language, or as API JSON."""

    def render(status: int, title: Any, text: Any):  # noqa: ANN202
        return render_template("errors/error.html", status=status, title=title, text=text), status

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):  # noqa: ANN202
        if wants_json():
            return json_error(400, CSRF_TEXT[1])
        return render(400, *CSRF_TEXT)

    @app.errorhandler(SecurityError)
    def unknown_host(error: SecurityError):  # noqa: ANN202
        # A Host outside TRUSTED_HOSTS: no link can be built for it, so no page either.
        return "Unknown host.\n", 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # noqa: ANN202
        status = error.code or 500
        allow = {}
        if status == 405 and error.valid_methods:  # type: ignore[attr-defined]
            allow = {"Allow": ", ".join(error.valid_methods)}
        if wants_json():
            return (*json_error(status), allow)
        title, text = PAGE_TEXTS.get(status, (error.name, error.description))
        return (*render(status, title, text), allow)

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):  # noqa: ANN202
        discard_changes()
        if wants_json():
            return json_error(error.status, error.message, error.code)
        title = PAGE_TEXTS.get(error.status, PAGE_TEXTS[400])[0]
        return render(error.status, title, error.message)

    @app.errorhandler(sa.exc.DBAPIError)
    @app.errorhandler(sa.exc.TimeoutError)
    def database_unavailable(error: sa.exc.SQLAlchemyError):  # noqa: ANN202
        if not is_unavailable(error):
            raise error  # a fault: Flask logs it and answers 500 (server_error below)
        current_app.logger.warning("database unavailable: %s", error.__class__.__name__)
        discard_changes()
        as_visitor()
        retry = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        if wants_json():
            body, status = json_error(503)
            return body, status, retry
        page, status = render(503, *PAGE_TEXTS[503])
        return page, status, retry

    @app.errorhandler(500)
    def server_error(error: Exception):  # noqa: ANN202
        discard_changes()
        if "_login_user" not in g:
            try:
                current_user._get_current_object()  # noqa: SLF001 - load it now, or not at all
            except Exception:  # noqa: BLE001 - the database may be what failed
                as_visitor()
        if wants_json():
            return json_error(500)
        return render(500, *PAGE_TEXTS[500])
