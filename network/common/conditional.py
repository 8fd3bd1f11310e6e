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

A matching ``If-None-Match`` gets a 304 without rendering; ``If-None-Match: *`` and
``If-Modified-Since`` are weighed only once the view has answered 200, so a request the
view refuses (404, 400) is refused whatever its preconditions. ``Last-Modified`` is the
latest of the head entry's time, today's midnight (UTC) and the closing time of an open
vote just passed: the times at which the marks last moved. With ``PUBLIC_CACHE`` on,
a rendered body is kept under the same validator, so a new audit entry invalidates
every kept page at once (old entries simply stop being asked for and expire).

The marks (audit head and the closing times of open votes) are read with one
statement built once. Every commit that wrote an audit entry announces them, read in
its own transaction while it holds the audit head's lock (see ``announcements``):

- with Redis (shared by every process), a script publishes them under a key (never
  going back to an older entry: compare-and-set on the entry's number; they expire
  after a few minutes, and missing ones are read from the database again) and on a
  channel; each process also keeps a copy of the pages it served lately;
- without Redis, on PostgreSQL, the transaction sends them with NOTIFY;
- on SQLite, nothing: each request reads them from the database.

Each process listens and, before each request, looks (without waiting) at what
arrived: a cache hit or a 304 then needs no round trip at all. Whatever makes it
unsure (a new or restored connection, an error, a second without asking) sends it back
to Redis or the database. Either way a change committed by any process is seen at once.

Only anonymous requests with an empty session take part: a logged-in person's
pages show their own actions and forms, and are sent ``private, no-store``; a
session with anything in it (flashed messages, a login halfway through, a CSRF
token) or a page that writes one or renders a form token is left out too.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from datetime import UTC, datetime, time
from importlib import metadata
from typing import Any

import sqlalchemy as sa
from cachelib import SimpleCache
from flask import Flask, Response, current_app, g, has_app_context, request, session
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy.orm import Session
from werkzeug.http import is_resource_modified

from network.audit.models import AuditEntry, AuditHead
from network.common import clock
from network.common.announcements import (
    Listener,
    ListenerLost,
    Marks,
    PostgresListener,
    RedisListener,
    decode,
    encode,
)
from network.common.decorators import PUBLIC
from network.common.errors import is_unavailable
from network.db import db
from network.extensions import cache, limiter
from network.votes.models import Vote, VoteStatus

# Public GET routes whose pages hold a form with the visitor's CSRF token.
NOT_CACHEABLE = frozenset(
    {
        "auth.login",
        "auth.accept_invitation",
        "static",
        "health.live",
        "health.ready",
        # A meeting paper: up to 20 MB, validated by its own hash (papers_views).
        "meeting_papers.download",
        # A practice's document, likewise (practices/documents_views).
        "practice_documents.download",
    }
)
# Query parameters some public page reads. A page asked for with any other parameter,
# or with a long query, is answered and validated but not kept: otherwise anyone could
# fill the cache (shared with the rate-limit counters in Redis) with endless variants.
KNOWN_PARAMETERS = frozenset(
    {
        "page",
        "per_page",
        "voters_page",
        "q",
        "region",
        "country",
        "status",
        "year",
        "kind",
        "lang",
        "from",
        "to",
        "code",
    }
)
MAX_KEPT_QUERY = 200
# Response headers kept with a cached body, the validator's among them (the security
# headers are added to every answer).
KEPT_HEADERS = (
    "Content-Type",
    "Content-Disposition",
    "Content-Language",
    "ETag",
    "Last-Modified",
    "Cache-Control",
    "Vary",
)


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


# The marks, in one snapshot: the head, and the closing time of every open vote (one
# row each; one row with none when no vote is open). Built once: SQLAlchemy keeps the
# compiled form of a statement it has seen.
# The head entry's time comes with them, so Last-Modified costs no statement of its own.
PUBLISHED_MARKS = (
    sa.select(AuditHead.seq, AuditHead.hash, Vote.closes_at, AuditEntry.created_at)
    .select_from(AuditHead)
    .outerjoin(AuditEntry, AuditEntry.seq == AuditHead.seq)
    .outerjoin(Vote, sa.and_(Vote.status == VoteStatus.open, Vote.closes_at.is_not(None)))
    .order_by(Vote.closes_at)
)
MARKS_TTL = 300  # seconds: bounds how long a change made behind the platform's back hides
LOCAL_PAGES = 500  # pages each process keeps a copy of, besides the shared cache
# Set the marks unless the kept ones are of a newer audit entry (several processes
# publish; the newest entry wins whatever the order their publications arrive in), and
# announce them to every process listening on the key's channel.
_PUBLISH = """
local kept = redis.call('GET', KEYS[1])
if kept then
  local seq = tonumber(string.match(kept, '^%[(%d+)'))
  if seq and seq > tonumber(ARGV[1]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[2], 'EX', tonumber(ARGV[3]))
redis.call('PUBLISH', KEYS[1], ARGV[2])
return 1
"""


class SharedMarks:
    """The state marks and the kept pages in Redis, for every process of one database.

    Each process also listens for the marks announced on the key's channel, and keeps
    a copy of the pages it served lately (see ``announcements``).
    """

    def __init__(self, redis_url: str, key: str, page_prefix: str, page_timeout: int) -> None:
        """Connect (lazily) to ``redis_url``; the marks live under ``key``."""
        import redis

        self.client = redis.Redis.from_url(redis_url, socket_timeout=1.0)
        self.key = key
        self.page_prefix = page_prefix
        self.page_timeout = page_timeout
        self._publish = self.client.register_script(_PUBLISH)
        self.listener = RedisListener(self.client, key)
        self.pages = SimpleCache(threshold=LOCAL_PAGES, default_timeout=page_timeout)
        self._pages_pid = os.getpid()

    def heard(self) -> Marks | None:
        """Return the marks this process is sure of without a round trip, else None."""
        try:
            return self.listener.heard()
        except ListenerLost:
            current_app.logger.warning("state-mark announcements lost", exc_info=True)
            g.redis_down = True  # the rest of this request does without Redis
            return None

    def read(self) -> Marks | None:
        """Return the published marks, or None when there are none (or Redis fails)."""
        return self.read_with_page(None)[0]

    def read_with_page(self, page: str | None) -> tuple[Any, Any]:
        """Return the published marks and the page kept under ``page``, in one round trip.

        Either is None when missing; both are when Redis fails.
        """
        try:
            if page is None:
                raw, kept = self.client.get(self.key), None
            else:
                raw, kept = self.client.mget(self.key, self.page_prefix + page)
        except Exception:  # noqa: BLE001 - an outage falls back to the database
            current_app.logger.warning("state marks unavailable in Redis", exc_info=True)
            g.redis_down = True  # the rest of this request does without it
            return None, None
        marks = decode(raw)
        if marks is not None:
            self.listener.asked(marks)
        if kept is None:
            return marks, None
        value = pickle.loads(kept)  # noqa: S301 - our own
        self._local_pages().set(page, value)
        return marks, value

    def page(self, page: str) -> Any:
        """Return the page kept under ``page`` (None when missing or Redis fails)."""
        try:
            kept = self.client.get(self.page_prefix + page)
        except Exception:  # noqa: BLE001 - a cache outage must not take pages down
            current_app.logger.warning("public page cache unavailable", exc_info=True)
            g.redis_down = True
            return None
        if kept is None:
            return None
        value = pickle.loads(kept)  # noqa: S301 - our own
        self._local_pages().set(page, value)
        return value

    def local_page(self, page: str) -> Any:
        """Return this process's copy of the page kept under ``page`` (None if it has none)."""
        return self._local_pages().get(page)

    def keep_page(self, page: str, value: Any) -> None:
        """Keep a rendered page under ``page``, here and in Redis."""
        self._local_pages().set(page, value)
        try:
            self.client.set(self.page_prefix + page, pickle.dumps(value), ex=self.page_timeout)
        except Exception:  # noqa: BLE001 - a cache outage must not take pages down
            current_app.logger.warning("public page cache unavailable", exc_info=True)

    def _local_pages(self) -> SimpleCache:
        if self._pages_pid != os.getpid():  # a forked child starts with nothing of its parent's
            self.pages, self._pages_pid = SimpleCache(LOCAL_PAGES, self.page_timeout), os.getpid()
        return self.pages

    def publish(
        self, seq: int, head_hash: str, closings: list[datetime], head_at: datetime | None = None
    ) -> None:
        """Publish and announce the marks of audit entry ``seq`` unless newer ones are there."""
        marks = (seq, head_hash, list(closings), head_at)
        try:
            published = self._publish(keys=[self.key], args=[seq, encode(marks), MARKS_TTL])
        except Exception:  # noqa: BLE001 - never fail a committed change over the cache
            current_app.logger.warning("could not publish the state marks", exc_info=True)
            self.listener.forget()  # this process asks again at once; others within a second
            with contextlib.suppress(Exception):
                self.client.delete(self.key)  # readers go to the database instead
        else:
            if published:  # ours is the newest: known here even before it echoes back
                self.listener.asked(marks)


def _read_published(session: Any) -> Marks:
    """Read the marks, in one statement on ``session``."""
    rows = session.execute(PUBLISHED_MARKS).all()
    seq, head_hash, head_at = rows[0][0], rows[0][1], rows[0][3]
    return seq, head_hash, [row[2] for row in rows if row[2] is not None], head_at


def _publisher() -> SharedMarks | None:
    """Return the Redis the marks are published to (always tried: a commit must tell)."""
    return current_app.extensions.get("network_shared_marks")


def _shared_marks() -> SharedMarks | None:
    """Return the Redis of the marks and pages; None without one, or once it failed.

    After one failed call in a request the rest of that request goes straight to the
    database, rather than waiting for Redis's timeout at every step.
    """
    return None if g.get("redis_down") else _publisher()


def _postgres_listener() -> PostgresListener | None:
    """Return this process's listener for marks announced by PostgreSQL (no Redis)."""
    return current_app.extensions.get("network_marks_listener")


def state_marks(published: Marks | None = None) -> tuple[Any, ...]:
    """Return the audit head, the next closing time of an open vote, and today.

    From ``published`` (the marks read from Redis with the page) when given, else from
    ``current_marks``.
    """
    now = clock.now()
    seq, head_hash, closings, _head_at = published or current_marks()
    closing = next((c for c in closings if c > now), None)
    return seq, head_hash, closing.isoformat() if closing else "", now.date().isoformat()


def current_marks() -> Marks:
    """Return the marks as this process heard them announced, when it is sure of them.

    Else: from Redis (read from the database and published there when missing); or,
    without Redis, from the database (noted by the PostgreSQL listener, if any).

    When the database cannot be reached (down, or locked past the lock timeout), the
    marks this process knew last stand: nothing can be committed that it has not been
    told of while nobody can reach the database, so the kept public pages are still the
    current ones and are served (stale-if-error, with a one-second window as ever).
    """
    try:
        marks = _current_marks()
    except sa.exc.DBAPIError as error:
        known = current_app.extensions.get(LAST_MARKS)
        if known is None or not is_unavailable(error):
            raise
        with contextlib.suppress(Exception):
            db.session.rollback()  # the session must not stay failed for the view
        current_app.logger.warning("database unavailable: public pages kept as last known")
        return known
    current_app.extensions[LAST_MARKS] = marks
    return marks


# Where each app keeps the marks it read last, for when the database cannot be reached.
LAST_MARKS = "network_last_marks"


def _current_marks() -> Marks:
    shared = _shared_marks()
    if shared is not None:
        marks = shared.heard() or (None if g.get("redis_down") else shared.read())
        if marks is not None:
            return marks
        if not g.get("redis_down"):  # missing (expired, or never published): publish
            marks = _read_published(db.session)
            shared.publish(*marks)
            return marks
    listener = _postgres_listener()
    if listener is not None and (marks := _heard_from(listener)) is not None:
        return marks
    marks = _read_published(db.session)
    if listener is not None:
        listener.asked(marks)
    return marks


def _heard_from(listener: Listener) -> Marks | None:
    try:
        return listener.heard()
    except ListenerLost:
        current_app.logger.warning("state-mark announcements lost", exc_info=True)
        return None


def _request_parts() -> tuple[str, ...]:
    """Return what the page is of and in: release, host, path, query and language."""
    return (
        current_app.extensions["network_version"],
        request.host_url,
        request.path,
        request.query_string.decode("latin-1"),
        str(get_locale()),
    )


def _digest(parts: tuple[Any, ...]) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:40]


def validator(marks: tuple[Any, ...], parts: tuple[str, ...]) -> str:
    """Return the ETag of a request from its state marks and ``_request_parts``."""
    version, *place = parts
    return _digest((version, *marks, *place))


def validator_for(*extra: str) -> str:
    """Return the validator of this request as above, with ``extra`` parts of its own.

    For answers that differ by person (a delegate's city), which the hooks above leave
    out: the parts say whose answer it is. Costs what a public 304 costs: the marks,
    heard without a round trip where they are announced.
    """
    return validator(state_marks(current_marks()), (*_request_parts(), *extra))


def last_modified(marks: Marks) -> datetime:
    """Return when the state the marks describe last moved, to the second (see above)."""
    seq, _hash, closings, created = marks
    if created is None and seq:  # marks announced without it (an older release's)
        created = db.session.scalar(sa.select(AuditEntry.created_at).where(AuditEntry.seq == seq))
    created = created or datetime(1970, 1, 1, tzinfo=UTC)  # no entry yet
    now = clock.now()
    midnight = datetime.combine(now.date(), time(), tzinfo=UTC)
    passed = [closing for closing in closings if closing <= now]
    latest = max([_aware(created), midnight, *map(_aware, passed)])
    return latest.replace(microsecond=0)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


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
    """Answer 304 or a cached page before the view runs, when the validator allows.

    A page is kept under what it is of (path, query, language…) with the ETag it was
    rendered under, and served only while that is still the current ETag. With Redis,
    the marks this process heard announced and its own copy of the page need no round
    trip; failing those, the marks and the kept page come in one.
    """
    g.public_etag = None
    if not is_public_read():
        return None
    caching = current_app.config["PUBLIC_CACHE"] and request.method == "GET"
    parts = _request_parts()
    page = g.public_page = "page:" + _digest(parts) if caching else None
    shared = _shared_marks()
    published = kept = None
    local = False  # kept is this process's copy, which may be older than Redis's
    if shared is not None:
        published = shared.heard()
        if published is None and not g.get("redis_down"):
            # A revalidation most often ends in a 304: it does not fetch the page.
            published, kept = shared.read_with_page(None if request.if_none_match else page)
        elif page is not None:
            kept, local = shared.local_page(page), True
    marks = g.public_marks = published or current_marks()
    etag = g.public_etag = validator(state_marks(marks), parts)
    if request.if_none_match.star_tag or (request.if_modified_since and not request.if_none_match):
        # Weighed once the view has validated the request (after_public_read): a 404 or
        # a 400 stays one, whatever the preconditions say.
        return None
    if request.if_none_match.contains_weak(etag):
        g.public_answered = True
        return _revalidate(Response(status=304), etag)
    if page is not None:
        if kept is None or (local and kept[0] != etag):
            shared = _shared_marks()  # None if Redis failed above: no second wait
            if shared is not None:
                kept = shared.page(page)
            elif not g.get("redis_down"):
                kept = _cache_get(page)
        if kept is not None and kept[0] == etag:
            _etag, body, status, headers = kept
            g.public_answered = True
            return Response(body, status=status, headers=headers)  # as it was first sent
    return None


def after_public_read(response: Response) -> Response:
    """Send the validator with a public page and keep it; keep others out of caches."""
    etag = g.get("public_etag")
    if etag is None:
        # Pages of someone logged in, halfway through logging in, or carrying a form
        # token or a message: for this browser only, never for a shared cache.
        if request.endpoint != "static" and (session or request.endpoint in NOT_CACHEABLE):
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
    response.last_modified = last_modified(g.public_marks)
    if not is_resource_modified(
        request.environ, etag=etag, last_modified=response.last_modified
    ) or request.if_none_match.contains_weak(etag):
        response.status_code = 304  # werkzeug sends neither body nor entity headers
        return response
    if (
        current_app.config["PUBLIC_CACHE"]
        and request.method == "GET"
        and not response.is_streamed
        and not response.direct_passthrough
        and len(request.query_string) <= MAX_KEPT_QUERY
        and KNOWN_PARAMETERS.issuperset(request.args.keys())
    ):
        headers = [(k, response.headers[k]) for k in KEPT_HEADERS if k in response.headers]
        # With the security headers (added after this hook), so a kept page is answered
        # as sent, without adding them one by one again.
        headers += current_app.extensions.get("network_security_headers", [])
        kept = (etag, response.get_data(), response.status_code, headers)
        shared = _shared_marks()
        if shared is not None:
            shared.keep_page(g.public_page, kept)
        elif not g.get("redis_down"):
            _cache_set(g.public_page, kept)
    return response


def _note_audit_entry(session: Any, _flush_context: Any) -> None:
    """Remember that this transaction wrote an audit entry (after a flush)."""
    if any(isinstance(item, AuditEntry) for item in session.new):
        session.info["network_audit_written"] = True


def _read_marks_to_publish(session: Any) -> None:
    """Before a commit that wrote an audit entry, read the marks it will leave.

    The transaction holds the audit head's lock (every change takes it), so what it
    reads is exactly the state its commit leaves.
    """
    if not session.info.pop("network_audit_written", False) or not has_app_context():
        return
    if _publisher() is not None:
        session.info["network_marks"] = _read_published(session)
    elif (listener := _postgres_listener()) is not None:
        # Sent by PostgreSQL when, and only if, this transaction commits.
        marks = session.info["network_marks"] = _read_published(session)
        announcement = listener.announcement(marks)
        session.execute(sa.select(sa.func.pg_notify(listener.channel, announcement)))


def _publish_marks(session: Any) -> None:
    """After the commit, publish the marks read just before it (known here at once)."""
    marks = session.info.pop("network_marks", None)
    if marks is None or not has_app_context():
        return
    if (shared := _publisher()) is not None:
        shared.publish(*marks)
    elif (listener := _postgres_listener()) is not None:
        listener.asked(marks)


def _forget_marks(session: Any, *_args: Any) -> None:
    """Drop marks read for a commit that failed and was rolled back.

    The note of an audit entry stays: a savepoint's rollback must not hide an entry
    its outer transaction still commits, and publishing the state once more is harmless.
    """
    session.info.pop("network_marks", None)


def init_conditional_get(app: Flask) -> None:
    """Bind the page cache and install the validator hooks."""
    cache.init_app(app)
    app.extensions["network_version"] = app_version()
    if app.config.get("CACHE_TYPE") == "RedisCache" and app.config.get("CACHE_REDIS_URL"):
        # One key per database: several sites (or the tests) may share one Redis.
        database = hashlib.sha256(app.config["SQLALCHEMY_DATABASE_URI"].encode()).hexdigest()
        key = f"{app.config['CACHE_KEY_PREFIX']}state-marks:{database[:16]}"
        app.extensions["network_shared_marks"] = SharedMarks(
            app.config["CACHE_REDIS_URL"],
            key,
            page_prefix=app.config["CACHE_KEY_PREFIX"],
            page_timeout=app.config["CACHE_DEFAULT_TIMEOUT"],
        )
    elif (
        app.config["POSTGRES_ANNOUNCEMENTS"]
        and (url := sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])).get_backend_name()
        == "postgresql"
    ):
        # No Redis: PostgreSQL announces the marks (NOTIFY), one channel per database.
        database = hashlib.sha256(app.config["SQLALCHEMY_DATABASE_URI"].encode()).hexdigest()
        app.extensions["network_marks_listener"] = PostgresListener(
            url.set(drivername="postgresql").render_as_string(hide_password=False),
            f"dwcn_state_marks_{database[:16]}",
        )
    for name, listener in (
        ("after_flush", _note_audit_entry),
        ("before_commit", _read_marks_to_publish),
        ("after_commit", _publish_marks),
        ("after_soft_rollback", _forget_marks),
    ):
        if not sa.event.contains(Session, name, listener):
            sa.event.listen(Session, name, listener)
    app.before_request(before_public_read)
    app.after_request(after_public_read)
    # Answer a kept page as early as the rate limits allow: the hooks in between (idle
    # sessions, second factor, uploads, CSRF) have nothing to do for an anonymous GET
    # of a public page, which is all this one answers.
    hooks = app.before_request_funcs[None]
    hooks.remove(before_public_read)
    limits = [i for i, hook in enumerate(hooks) if getattr(hook, "__self__", None) is limiter]
    hooks.insert(limits[-1] + 1 if limits else 0, before_public_read)
