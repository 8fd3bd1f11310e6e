"""When a dependency fails, the site says so and keeps what it can going (issue #21).

Each test starts what it breaks on a port of its own: a ``redis-server`` that it kills
and restarts, a PostgreSQL cluster made with ``initdb`` that it stops and starts, or a
lock held on the test database by a connection of its own. The machine's shared
services are never stopped.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa
import time_machine
from flask import Flask
from flask_migrate import upgrade

from network import create_app
from network.db import db
from network.extensions import limiter
from tests.conftest import TEST_DATABASE_URL, make_database_url, on_postgres

UNAVAILABLE_TITLE = "Briefly unavailable"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fresh_app(tmp_path: Path, name: str, **settings: object) -> tuple[Flask, object]:
    """Build an app on a database of its own, migrated; return it and a function to drop it."""
    url, drop = make_database_url(tmp_path, name)
    app = create_app("testing", {"DATABASE_URL": url, **settings})
    with app.app_context():
        upgrade()
    return app, drop


@pytest.fixture
def restore_limiter(app: Flask) -> Iterator[None]:
    """Give the one module-level limiter back to the suite's app after the test."""
    yield
    limiter.init_app(app)
    limiter.reset()
    limiter.enabled = False


# --- Redis --------------------------------------------------------------------------------


@contextmanager
def redis_server(port: int) -> Iterator[subprocess.Popen[bytes]]:
    """Run a private, memory-only redis-server on ``port`` until the block ends."""
    server = shutil.which("redis-server")
    assert server, "redis-server is missing: make test installs Debian's redis-server"
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port, socket_timeout=0.5)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.05)
    try:
        yield process
    finally:
        client.close()
        process.kill()
        process.wait()


def test_redis_lost_logins_and_the_api_go_on_throttled_per_process(tmp_path, app, restore_limiter):
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    with redis_server(port):
        broken, drop = fresh_app(
            tmp_path,
            "redis_lost",
            REDIS_URL=url,
            LOGIN_LIMIT_PER_ADDRESS="4 per 15 minutes",
        )
        limiter.enabled = True
        client = broken.test_client()

        def attempt() -> int:
            return client.post(
                "/login", data={"email": "nobody@example.org", "password": "wrong password"}
            ).status_code

        assert attempt() == 422
        assert redis.Redis(port=port).keys("LIMITS*"), "counted in Redis while it is up"
        ready = client.get("/health/ready").get_json()
        assert ready["status"] == "ready" and ready["rate_limits"] == "shared"
    # Redis is gone: no 500, the API answers, and logins are still throttled, per process.
    answers = [attempt() for _ in range(6)]
    assert 500 not in answers
    assert answers[:3] == [422, 422, 422] and answers[-1] == 429
    assert client.get("/api/v1/cities").status_code == 200
    ready = client.get("/health/ready")
    assert ready.status_code == 200
    assert ready.get_json() | {"database": "ok"} == {
        "status": "degraded",
        "database": "ok",
        "redis": "down",
        "rate_limits": "per-process",
    }
    # Redis is back (empty, as after a restart without persistence): once the limiter has
    # checked it again (with backoff, here a minute later), counting is shared again.
    with redis_server(port):
        with time_machine.travel(timedelta(minutes=1)):
            assert attempt() in (422, 429)
            assert attempt() in (422, 429)
            assert redis.Redis(port=port).keys("LIMITS*"), "counting in Redis again"
            ready = client.get("/health/ready").get_json()
            assert ready["status"] == "ready" and ready["rate_limits"] == "shared"
    with broken.app_context():
        db.engine.dispose()
    drop()


def test_liveness_asks_nothing_and_readiness_asks_the_database(client):
    assert client.get("/health/live").get_json() == {"status": "live"}
    answer = client.get("/health/ready")
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.get_json() == {
        "status": "ready",
        "database": "ok",
        "redis": "not configured",
        "rate_limits": "per-process",
    }


# --- a held lock ----------------------------------------------------------------------------


def test_a_held_lock_answers_503_within_the_lock_timeout(tmp_path, restore_limiter):
    """A table locked by someone else: requests that need it wait 1 s, then get 503."""
    timeout = timedelta(seconds=1)
    broken, drop = fresh_app(tmp_path, "held_lock", DATABASE_LOCK_TIMEOUT=timeout)
    client = broken.test_client()
    with broken.app_context():
        other = db.engine.raw_connection()  # a connection of its own, outside the pool's use
    try:
        if on_postgres():
            # Ballots locked: a page of cities does not touch them and keeps serving.
            other.cursor().execute("LOCK TABLE ballots IN ACCESS EXCLUSIVE MODE")
            path_needing_it = "/api/v1/verify/7KQ2-M9XD-4TPA-WRHN"  # a receipt, sought in ballots
            assert client.get("/cities/").status_code == 200
        else:
            # SQLite has one lock, the whole file's.
            other.cursor().execute("BEGIN EXCLUSIVE")
            path_needing_it = "/cities/"
        started = time.monotonic()
        answer = client.get(path_needing_it)
        waited = time.monotonic() - started
        assert answer.status_code == 503
        # 30 s, or later when the API's rate-limit window resets later (Flask-Limiter).
        assert int(answer.headers["Retry-After"]) >= 30
        assert waited < timeout.total_seconds() + 3
        if path_needing_it.startswith("/api/"):
            assert answer.get_json()["error"]["code"] == "unavailable"
        else:
            assert UNAVAILABLE_TITLE in answer.get_data(as_text=True)
    finally:
        other.rollback()
        other.close()
    assert client.get("/cities/").status_code == 200  # and it recovers at once
    with broken.app_context():
        db.engine.dispose()
    drop()


@pytest.mark.postgres
@pytest.mark.skipif(not on_postgres(), reason="statement timeouts are PostgreSQL's")
def test_a_runaway_statement_is_cancelled_with_503(tmp_path, restore_limiter):
    broken, drop = fresh_app(
        tmp_path, "runaway", DATABASE_STATEMENT_TIMEOUT=timedelta(milliseconds=300)
    )

    @broken.route("/slow")
    def slow() -> str:  # pragma: no cover - the statement is cancelled
        db.session.execute(sa.text("SELECT pg_sleep(5)"))
        return "done"

    slow.access = "public"  # type: ignore[attr-defined]
    started = time.monotonic()
    answer = broken.test_client().get("/slow")
    assert answer.status_code == 503 and time.monotonic() - started < 3
    with broken.app_context():
        db.engine.dispose()
    drop()


def test_a_fault_that_is_not_an_outage_stays_a_500(tmp_path, restore_limiter):
    broken, drop = fresh_app(tmp_path, "fault")
    broken.config["PROPAGATE_EXCEPTIONS"] = False  # as in production

    @broken.route("/broken")
    def broken_view() -> str:
        db.session.execute(sa.text("SELECT * FROM no_such_table"))
        return "unreachable"

    broken_view.access = "public"  # type: ignore[attr-defined]
    answer = broken.test_client().get("/broken")
    assert answer.status_code == 500 and "Retry-After" not in answer.headers
    with broken.app_context():
        db.engine.dispose()
    drop()


# --- PostgreSQL stopped -----------------------------------------------------------------------


def _postgres_bin(name: str) -> str:
    found = shutil.which(name) or next(
        iter(sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)), None
    )
    assert found, f"{name} is missing: PostgreSQL's server package provides it"
    return str(found)


class PrivateCluster:
    """A PostgreSQL cluster of the test's own, on a free port, that it can stop."""

    def __init__(self) -> None:
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="dwcn-pg-"))
        self.data = self.folder / "data"
        # initdb refuses to run as root: run the server as the postgres account then.
        self.prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.prefix:
            shutil.chown(self.folder, "postgres")
        self._run(_postgres_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "root")
        self.url = f"postgresql://root@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str) -> None:
        subprocess.run(
            [*self.prefix, *command], check=True, capture_output=True, timeout=120, cwd="/"
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self._run(
            _postgres_bin("pg_ctl"), "-D", str(self.data), "-o", options, "-w", "start",
            "-l", str(self.folder / "log"),
        )  # fmt: skip

    def stop(self) -> None:
        self._run(_postgres_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.mark.postgres
@pytest.mark.skipif(not TEST_DATABASE_URL, reason="the outage is of a PostgreSQL server")
def test_postgres_stopped_then_back(restore_limiter):
    cluster = PrivateCluster()
    cluster.start()
    app = None
    try:
        app = create_app(
            "testing",
            {"DATABASE_URL": cluster.url, "PUBLIC_CACHE": True, "POSTGRES_ANNOUNCEMENTS": True},
        )
        runner = app.test_cli_runner()
        with app.app_context():
            upgrade()
        assert runner.invoke(args=["network", "seed-demo"]).exit_code == 0
        client = app.test_client()
        assert client.get("/declarations/").status_code == 200  # now kept in the cache
        delegate = app.test_client()
        login = delegate.post(
            "/login", data={"email": "seoul@example.org", "password": "decent-work-2018"}
        )
        assert login.status_code == 302

        cluster.stop()
        # The kept public page is still served; a page that needs the database, and a
        # logged-in page, answer the app's own 503 page (not a bare server error).
        assert client.get("/declarations/").status_code == 200
        for who, path in ((client, "/cities/?q=seoul"), (delegate, "/account")):
            answer = who.get(path)
            assert answer.status_code == 503, path
            assert int(answer.headers["Retry-After"]) >= 30
            assert UNAVAILABLE_TITLE in answer.get_data(as_text=True)
        api = client.get("/api/v1/cities?q=seoul")
        assert api.status_code == 503 and api.get_json()["error"]["code"] == "unavailable"
        ready = client.get("/health/ready")
        assert ready.status_code == 503 and ready.get_json()["database"] == "down"
        assert client.get("/health/live").status_code == 200

        cluster.start()
        # Back without restarting the app: stale pooled connections are replaced.
        assert client.get("/cities/?q=seoul").status_code == 200
        assert delegate.get("/account").status_code == 200
        assert client.get("/health/ready").get_json()["status"] == "ready"
        verify = runner.invoke(args=["audit", "verify"])
        assert verify.exit_code == 0, verify.output
    finally:
        if app is not None:
            # The announcements' listening connection is the process's own, outside the
            # pool: close it, or the garbage collector finds it open in a later test.
            listener = app.extensions.get("network_marks_listener")
            if listener is not None:
                listener.close()
            with app.app_context():
                db.engine.dispose()
        cluster.remove()
