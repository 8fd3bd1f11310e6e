"""Conditional GET (ETag / 304) and a cache of rendered public pages.

Every change of state writes exactly one entry to the hash-chained audit log, and the
single ``audit_head`` row holds the newest entry's number and hash. So the head,
read with one small query *before* rendering, tells whether anything a public page
shows may have changed. The validator of an anonymous GET of a public page, feed,
export or API answer is a hash of:

- the audit head (seq and hash): any change of state;
- the earliest closing time still ahead among open votes: the one change that time
  makes without an entry (a vote past its closing time takes no ballot and says so,
  before anyone closes it); once that time passes the value moves on to the next one;
- today's date (UTC): the chair in office and the "current" term follow the calendar;
- the host, path, query string and interface language: what the page is of, and in;
- the application's version: a new release renders differently.

A matching ``If-None-Match`` gets a 304 without rendering; with ``PUBLIC_CACHE`` on,
a rendered body is kept under the same validator, so a new audit entry invalidates
every kept page at once (old entries simply stop being asked for and expire).

Only anonymous requests with an empty session take part: a logged-in person's
pages show their own actions and forms, and are sent ``private, no-store``; a
session with anything in it (flashed messages, a login halfway through, a CSRF
token) or a page that writes one or renders a form token is left out too.
"""

from __future__ import annotations

import hashlib
from importlib import metadata
from typing import Any

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, request, session
from flask_babel import get_locale
from flask_login import current_user

from network.audit.models import AuditHead
from network.common import clock
from network.common.decorators import PUBLIC
from network.db import db
from network.extensions import cache
from network.votes.models import Vote, VoteStatus

# Public GET routes whose pages hold a form with the visitor's CSRF token.
NOT_CACHEABLE = frozenset({"auth.login", "auth.accept_invitation", "static"})
# Response headers kept with a cached body (the others are added on every answer).
KEPT_HEADERS = ("Content-Type", "Content-Disposition")


def app_version() -> str:
    """Return the installed version of the application (part of every validator)."""
    try:
        return metadata.version("dwcn-network")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a bare checkout
        return "unreleased"


def is_public_read() -> bool:
    """Tell whether this request is an anonymous GET (or HEAD) of a public route."""
    if request.method not in {"GET", "HEAD"} or request.endpoint in NOT_CACHEABLE:
        return False
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "access", None) != PUBLIC:
        return False
    # Anything in the session (a login, a login halfway through, flashed messages, a
    # form's CSRF token) may show on the page, for this visitor only. Visitors keep
    # their language in a cookie, so a plain visitor has an empty session.
    if session:
        return False
    return not current_user.is_authenticated


def state_marks() -> tuple[Any, ...]:
    """Read, in one statement, the audit head and the next closing time of an open vote."""
    now = clock.now()
    next_closing = (
        sa.select(sa.func.min(Vote.closes_at))
        .where(Vote.status == VoteStatus.open, Vote.closes_at > now)
        .scalar_subquery()
    )
    seq, head_hash, closing = db.session.execute(
        sa.select(AuditHead.seq, AuditHead.hash, next_closing)
    ).one()
    return seq, head_hash, closing.isoformat() if closing else "", now.date().isoformat()


def validator() -> str:
    """Return the ETag of the current request (see the module's docstring)."""
    parts = (
        current_app.extensions["network_version"],
        *state_marks(),
        request.host_url,
        request.path,
        request.query_string.decode("latin-1"),
        str(get_locale()),
    )
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:40]


def _revalidate(response: Response, etag: str) -> Response:
    response.set_etag(etag)
    response.cache_control.no_cache = True  # a browser may keep it, but asks each time
    response.vary.update(("Accept-Language", "Cookie"))
    return response


def _cache_get(key: str) -> Any:
    try:
        return cache.get(key)
    except Exception:  # noqa: BLE001 - a cache outage must not take pages down
        current_app.logger.warning("public page cache unavailable", exc_info=True)
        return None


def _cache_set(key: str, value: Any) -> None:
    try:
        cache.set(key, value)
    except Exception:  # noqa: BLE001 - a cache outage must not take pages down
        current_app.logger.warning("public page cache unavailable", exc_info=True)


def before_public_read() -> Response | None:
    """Answer 304 or a cached page before the view runs, when the validator allows."""
    g.public_etag = None
    if not is_public_read():
        return None
    etag = g.public_etag = validator()
    if request.if_none_match.contains_weak(etag):
        g.public_answered = True
        return _revalidate(Response(status=304), etag)
    if current_app.config["PUBLIC_CACHE"] and request.method == "GET":
        kept = _cache_get("page:" + etag)
        if kept is not None:
            body, status, headers = kept
            g.public_answered = True
            return _revalidate(Response(body, status=status, headers=headers), etag)
    return None


def after_public_read(response: Response) -> Response:
    """Send the validator with a public page and keep it; keep others out of caches."""
    etag = g.get("public_etag")
    if etag is None:
        if request.endpoint != "static" and session.get("_user_id"):
            response.headers.setdefault("Cache-Control", "private, no-store")
        return response
    if g.get("public_answered"):
        return response
    if session.modified or "csrf_token" in g:
        # Something for this visitor only (a new session, a form token): never shared.
        response.headers.setdefault("Cache-Control", "private, no-store")
        return response
    if response.status_code != 200:
        return response
    _revalidate(response, etag)
    if (
        current_app.config["PUBLIC_CACHE"]
        and request.method == "GET"
        and not response.is_streamed
        and not response.direct_passthrough
    ):
        headers = [(k, response.headers[k]) for k in KEPT_HEADERS if k in response.headers]
        _cache_set("page:" + etag, (response.get_data(), response.status_code, headers))
    return response


def init_conditional_get(app: Flask) -> None:
    """Bind the page cache and install the validator hooks."""
    cache.init_app(app)
    app.extensions["network_version"] = app_version()
    app.before_request(before_public_read)
    app.after_request(after_public_read)
