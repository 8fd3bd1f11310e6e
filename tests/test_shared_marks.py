"""The state marks published in Redis: a cache hit reads no database, and a change
committed by any process is seen by every other one at once."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from werkzeug.test import TestResponse

from network import create_app
from network.auth.models import User
from network.cities import services as city_services
from network.cities.models import City, MembershipStatus
from network.common import announcements, clock
from network.common.conditional import SharedMarks
from network.db import db
from network.votes.models import Vote, VoteStatus
from tests.conftest import make_database_url, on_postgres, statements_during

REDIS_URL = "redis://127.0.0.1:6379/14"


def redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=0.5).ping())
    except redis.RedisError:
        return False


needs_redis = pytest.mark.skipif(
    not redis_reachable(), reason="the shared marks need Redis at 127.0.0.1:6379"
)
needs_pg = pytest.mark.skipif(
    not on_postgres(), reason="PostgreSQL's announcements need TEST_DATABASE_URL"
)


@pytest.fixture
def shared_database(tmp_path):
    """A database of its own, where commits are real, seeded with the demo."""
    url, drop = make_database_url(tmp_path, "dwcn_marks")
    seeding = create_app("testing", {"DATABASE_URL": url})
    with seeding.app_context():
        upgrade()
    assert seeding.test_cli_runner().invoke(args=["network", "seed-demo"]).exit_code == 0
    with seeding.app_context():
        db.engine.dispose()
    yield url
    drop()


def process(url: str, cache: str, prefix: str) -> Flask:
    """An app as one process of a site runs it, with its page cache on.

    ``cache`` is "redis" (shared pages, marks announced by Redis), "simple" (pages per
    process, marks read from the database) or "postgres" (pages per process, marks
    announced by PostgreSQL).
    """
    settings = {"DATABASE_URL": url, "PUBLIC_CACHE": True, "CACHE_KEY_PREFIX": prefix}
    if cache == "redis":
        settings |= {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": REDIS_URL}
    else:
        settings |= {"CACHE_TYPE": "SimpleCache", "POSTGRES_ANNOUNCEMENTS": cache == "postgres"}
    return create_app("testing", settings)


@pytest.fixture
def two_processes(shared_database, request):
    """Two app instances on one database: like two workers, they share only Redis."""
    prefix = f"dwcn-test-{uuid.uuid4().hex[:8]}:"
    apps = [process(shared_database, request.param, prefix) for _ in range(2)]
    yield apps
    for app in apps:
        if "network_marks_listener" in app.extensions:
            app.extensions["network_marks_listener"].close()
        with app.app_context():
            db.engine.dispose()
    if request.param == "redis":
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)


def admit_setagaya(app: Flask) -> None:
    """Change a city's status through the platform (an audit entry), and commit."""
    with app.app_context():
        officer = db.session.scalar(sa.select(User).where(User.email == "secretariat@example.org"))
        city = db.session.scalar(sa.select(City).where(City.slug == "setagaya"))
        city_services.change_status(
            city,
            MembershipStatus.member,
            effective_on=clock.today(),
            reason="Admitted by the council",
            actor=officer,
            now=clock.now(),
        )
        db.session.commit()


@needs_redis
@pytest.mark.parametrize("two_processes", ["redis"], indirect=True)
def test_with_redis_a_cached_page_needs_no_database(two_processes):
    reader, _writer = two_processes
    client = reader.test_client()
    rendered, first = statements_during(lambda: client.get("/cities/"))
    kept, second = statements_during(lambda: client.get("/cities/"))
    assert rendered > 0 and kept == 0
    assert second.get_data() == first.get_data()
    assert second.headers["ETag"] == first.headers["ETag"]
    revalidated, answer = statements_during(
        lambda: client.get("/cities/", headers={"If-None-Match": first.headers["ETag"]})
    )
    assert answer.status_code == 304 and revalidated == 0


def redis_commands(app: Flask, monkeypatch) -> list[tuple]:  # noqa: ANN001
    """Record the commands ``app`` sends Redis from now on (its subscription aside)."""
    client = app.extensions["network_shared_marks"].client
    sent: list[tuple] = []
    send = client.execute_command

    def recording(*args, **options):  # noqa: ANN002, ANN003
        sent.append(args)
        return send(*args, **options)

    monkeypatch.setattr(client, "execute_command", recording)
    return sent


@needs_redis
@pytest.mark.parametrize("two_processes", ["redis"], indirect=True)
def test_with_redis_a_process_serves_kept_pages_without_a_round_trip(two_processes, monkeypatch):
    """What a process heard announced, and its copy of a page, need neither Redis nor SQL;
    a change made by another process is still seen on the next request."""
    reader, writer = two_processes
    client = reader.test_client()
    first = client.get("/cities/?status=applicant")  # subscribes, asks Redis, renders
    client.get("/cities/?status=applicant")  # hears its subscription start: asks again
    sent = redis_commands(reader, monkeypatch)
    statements, kept = statements_during(lambda: client.get("/cities/?status=applicant"))
    assert (sent, statements) == ([], 0), sent
    assert kept.get_data() == first.get_data() and kept.headers["ETag"] == first.headers["ETag"]
    admit_setagaya(writer)
    after = answer_once_announced(client, "/cities/?status=applicant", first.headers["ETag"])
    assert after.status_code == 200 and "Setagaya" not in after.text
    marks_key = reader.extensions["network_shared_marks"].key
    # The new marks came on the subscription: Redis was asked for the page, not for them.
    assert [command[0] for command in sent] == ["GET", "SET"]
    assert all(marks_key not in command for command in sent)
    assert client.get("/cities/?status=applicant").get_data() == after.get_data()


def answer_once_announced(
    client: FlaskClient, url: str, etag: str, seconds: float = 2.0
) -> TestResponse:
    """Ask for ``url`` with an old ETag until the process has heard of the change.

    A change is announced at commit, and the announcement reaches the other process's
    socket a moment later (microseconds; more on a loaded machine): until then that
    process still answers 304. It asks for itself after ``TRUSTED_SECONDS`` at most,
    so within ``seconds`` the answer must be the new page.
    """
    deadline = time.monotonic() + seconds
    while True:
        answer = client.get(url, headers={"If-None-Match": etag})
        if answer.status_code != 304 or time.monotonic() > deadline:
            return answer
        time.sleep(0.005)


def heard_within(listener: SharedMarks, marks: tuple, seconds: float = 1.0) -> bool:
    """Tell whether ``listener`` hears ``marks`` announced (delivery takes microseconds)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if listener.heard() == marks:
            return True
        time.sleep(0.001)
    return False


@needs_pg
@pytest.mark.parametrize("two_processes", ["postgres"], indirect=True)
def test_on_postgresql_without_redis_kept_pages_need_no_query(two_processes):
    """Each process hears PostgreSQL announce every change (NOTIFY at commit): its kept
    pages need no statement, and a change made by another process is seen at once."""
    reader, writer = two_processes
    client = reader.test_client()
    first = client.get("/cities/?status=applicant")  # listens, reads the marks, renders
    statements, kept = statements_during(lambda: client.get("/cities/?status=applicant"))
    assert statements == 0
    assert kept.get_data() == first.get_data() and kept.headers["ETag"] == first.headers["ETag"]
    admit_setagaya(writer)
    after = answer_once_announced(client, "/cities/?status=applicant", first.headers["ETag"])
    assert after.status_code == 200 and "Setagaya" not in after.text
    statements, again = statements_during(lambda: client.get("/cities/?status=applicant"))
    assert statements == 0 and again.get_data() == after.get_data()
    # The writer knows its own change without waiting for the announcement to echo.
    writer_client = writer.test_client()
    assert "Setagaya" not in writer_client.get("/cities/?status=applicant").text


@needs_pg
@pytest.mark.parametrize("two_processes", ["postgres"], indirect=True)
def test_a_lost_postgresql_listener_sends_the_process_back_to_the_database(two_processes):
    reader, writer = two_processes
    client = reader.test_client()
    client.get("/charter/")
    listener = reader.extensions["network_marks_listener"]
    backend = listener._connection.info.backend_pid
    with writer.app_context():
        # Ended, and waited for (up to 5 s): the backend says so on the socket as it goes.
        db.session.execute(sa.select(sa.func.pg_terminate_backend(backend, 5000)))
        db.session.commit()
    statements, answer = statements_during(lambda: client.get("/charter/"))
    assert answer.status_code == 200 and statements > 0  # asked the database instead
    admit_setagaya(writer)  # announced on the new connection
    assert "Setagaya" not in client.get("/cities/?status=applicant").text
    assert listener._connection.info.backend_pid != backend


@needs_pg
@pytest.mark.parametrize("two_processes", ["postgres"], indirect=True)
def test_marks_too_long_to_announce_send_every_process_to_the_database(two_processes, monkeypatch):
    reader, writer = two_processes
    client = reader.test_client()
    client.get("/cities/?status=applicant")
    monkeypatch.setattr(announcements.PostgresListener, "LONGEST", 10)
    admit_setagaya(writer)  # commits: an empty announcement, not a failed change
    statements, after = statements_during(lambda: client.get("/cities/?status=applicant"))
    assert statements > 0 and "Setagaya" not in after.text


@needs_redis
def test_a_process_trusts_what_it_heard_only_while_it_is_sure(monkeypatch):
    prefix = f"dwcn-test-{uuid.uuid4().hex[:8]}:"
    listener = SharedMarks(REDIS_URL, f"{prefix}state-marks", page_prefix=prefix, page_timeout=60)
    other = SharedMarks(REDIS_URL, f"{prefix}state-marks", page_prefix=prefix, page_timeout=60)
    app = Flask(__name__)
    try:
        with app.test_request_context():
            other.publish(3, "h3", [])
            assert listener.heard() is None  # no subscription yet: it subscribes
            # Until its subscription is confirmed it is not sure, and asks Redis.
            for _attempt in range(50):
                assert listener.read() == (3, "h3", [], None)
                if listener.heard() is not None:
                    break
                time.sleep(0.01)
            assert listener.heard() == (3, "h3", [], None)
            other.publish(4, "h4", [])
            assert heard_within(listener, (4, "h4", [], None))  # heard, not asked
            other.publish(2, "h2", [])  # a late publication of an older entry is refused
            other.publish(5, "h5", [])
            assert heard_within(listener, (5, "h5", [], None))
            later = time.monotonic() + announcements.TRUSTED_SECONDS + 1
            monkeypatch.setattr(announcements.time, "monotonic", lambda: later)
            assert listener.heard() is None  # a second without asking: ask again
            assert listener.read() == (5, "h5", [], None)
            assert listener.heard() == (5, "h5", [], None)
            # A connection lost, and restored by redis-py:
            listener.listener._subscription.connection.disconnect()
            assert listener.heard() is None
            assert listener.read() == (5, "h5", [], None)
    finally:
        listener.client.delete(listener.key)


@pytest.mark.parametrize(
    "two_processes",
    [pytest.param("redis", marks=needs_redis), "simple", pytest.param("postgres", marks=needs_pg)],
    indirect=True,
)
def test_a_change_committed_by_another_process_is_seen_once_announced(two_processes):
    reader, writer = two_processes
    client = reader.test_client()
    before = client.get("/cities/?status=applicant")
    assert "Setagaya" in before.text
    assert client.get("/cities/?status=applicant").get_data() == before.get_data()  # kept
    admit_setagaya(writer)  # another process, with a cache of its own (or the same Redis)
    after = answer_once_announced(client, "/cities/?status=applicant", before.headers["ETag"])
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert "Setagaya" not in after.text
    api = client.get("/api/v1/cities/setagaya").get_json()
    assert api["status"] == "member"


@needs_redis
@pytest.mark.parametrize("two_processes", ["redis"], indirect=True)
def test_a_vote_reaching_its_closing_time_changes_the_validator(two_processes, time_machine):
    reader, writer = two_processes
    with writer.app_context():
        vote = db.session.scalar(sa.select(Vote).where(Vote.status == VoteStatus.open))
        vote_id = vote.id
        closing = datetime.combine(clock.today() + timedelta(days=3), datetime.min.time(), UTC)
        vote.closes_at = closing
        # A change made without an audit entry is not published: this one comes with
        # the status change below, which every real change is.
        db.session.commit()
    admit_setagaya(writer)
    client = reader.test_client()
    time_machine.move_to(closing - timedelta(minutes=1), tick=False)
    before = client.get(f"/votes/{vote_id}")
    assert client.get(f"/votes/{vote_id}").headers["ETag"] == before.headers["ETag"]
    time_machine.move_to(closing + timedelta(minutes=1), tick=False)
    after = client.get(f"/votes/{vote_id}", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and "voting time is over" in after.text


@needs_redis
def test_publications_never_go_back_to_an_older_entry():
    prefix = f"dwcn-test-{uuid.uuid4().hex[:8]}:"
    marks = SharedMarks(REDIS_URL, f"{prefix}state-marks", page_prefix=prefix, page_timeout=60)
    closing = datetime(2030, 1, 1, tzinfo=UTC)
    try:
        assert marks.read() is None
        marks.publish(7, "h7", [closing])
        marks.publish(6, "h6", [])  # a slower process, with what it read before entry 7
        assert marks.read() == (7, "h7", [closing], None)
        marks.publish(8, "h8", [])
        assert marks.read() == (8, "h8", [], None)
        assert 0 < marks.client.ttl(marks.key) <= 300
    finally:
        marks.client.delete(marks.key)


def test_without_redis_pages_are_still_served_from_the_database(shared_database):
    app = create_app(
        "testing",
        {
            "DATABASE_URL": shared_database,
            "PUBLIC_CACHE": True,
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": "redis://127.0.0.1:1/0",  # nothing listens there
        },
    )
    client = app.test_client()
    response = client.get("/cities/")
    assert response.status_code == 200 and response.headers["ETag"]
    assert (
        client.get("/cities/", headers={"If-None-Match": response.headers["ETag"]}).status_code
        == 304
    )
    with app.app_context():
        db.engine.dispose()


def test_an_unreachable_redis_is_tried_once_per_request(shared_database, monkeypatch):
    """Each try may wait for Redis's timeout: after one failure the request does without."""
    import redis

    calls = []

    def unreachable(self, *args, **options):  # noqa: ANN001, ANN002, ANN003
        calls.append(args[0])
        raise redis.ConnectionError("no Redis here")

    monkeypatch.setattr(redis.Redis, "execute_command", unreachable)
    monkeypatch.setattr(redis.client.PubSub, "execute_command", unreachable)
    app = create_app(
        "testing",
        {
            "DATABASE_URL": shared_database,
            "PUBLIC_CACHE": True,
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": "redis://127.0.0.1:1/0",
        },
    )
    client = app.test_client()
    for url in ("/cities/", "/charter/", "/api/v1/cities"):
        calls.clear()
        response = client.get(url)
        assert response.status_code == 200 and response.headers["ETag"]
        assert len(calls) == 1, (url, calls)
    with app.app_context():
        db.engine.dispose()
