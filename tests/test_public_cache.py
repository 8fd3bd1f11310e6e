"""ETags, 304s and the cache of public pages: right for visitors, never shared with accounts."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Blueprint, render_template_string

from network import create_app
from network.auth.models import User
from network.cities import services as city_services
from network.cities.models import City, MembershipStatus
from network.common import clock
from network.common.decorators import public
from network.db import db
from network.demo.seed import DEMO_PASSWORD
from network.extensions import cache
from network.votes.models import Vote, VoteStatus
from tests.conftest import statements_during

PAGES = [
    "/",
    "/cities/",
    "/cities/?region=europe-central-asia",
    "/cities/seoul",
    "/cities/export.csv",
    "/charter/",
    "/charter/versions",
    "/elections/",
    "/motions/",
    "/meetings/",
    "/resolutions/",
    "/resolutions/feed.atom",
    "/declarations/",
    "/declarations/seoul-declaration-2017",
    "/declarations/seoul-declaration-2017/signatures.csv",
    "/declarations/seoul-declaration-2017/signatures.json",
    "/declarations/feed.atom",
    "/verify/",
    "/api/v1/cities",
    "/api/v1/cities/seoul",
    "/api/v1/charter/versions",
    "/api/v1/elections",
    "/api/v1/resolutions",
    "/api/v1/declarations",
    "/api/v1/declarations/seoul-declaration-2017/signatures",
    "/api/v1/audit/head",
    "/api/v1/openapi.json",
]


@pytest.fixture
def demo(app, database):
    assert app.test_cli_runner().invoke(args=["network", "seed-demo"]).exit_code == 0
    with app.app_context():
        first_vote = db.session.scalar(sa.select(sa.func.min(Vote.id)))
    return [*PAGES, f"/votes/{first_vote}", f"/api/v1/votes/{first_vote}"]


@pytest.fixture
def public_cache(app, monkeypatch):
    """Switch the page cache on, empty (test transactions reuse audit heads)."""
    monkeypatch.setitem(app.config, "PUBLIC_CACHE", True)
    with app.app_context():
        cache.clear()
    yield
    with app.app_context():
        cache.clear()


def change_setagaya_to_member(app) -> None:
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


def test_every_public_read_sends_a_validator_and_answers_304(app, client, demo):
    for url in demo:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers.get("ETag"), url
        assert "no-cache" in response.headers["Cache-Control"], url
        assert {"Accept-Language", "Cookie"} <= set(response.vary), url
        # Nothing personal on a page every visitor may be given.
        assert "Set-Cookie" not in response.headers, url
        assert 'name="csrf_token"' not in response.get_data(as_text=True), url
        count, again = statements_during(
            lambda u=url, r=response: client.get(u, headers={"If-None-Match": r.headers["ETag"]}),
        )
        assert again.status_code == 304, url
        assert again.get_data() == b"", url
        assert again.headers["ETag"] == response.headers["ETag"], url
        assert count == 1, url  # the validator's one query, no rendering


def test_a_change_of_state_changes_the_validator(app, client, demo):
    first = client.get("/cities/")
    assert "Setagaya" in first.text
    change_setagaya_to_member(app)
    response = client.get("/cities/", headers={"If-None-Match": first.headers["ETag"]})
    assert response.status_code == 200
    assert response.headers["ETag"] != first.headers["ETag"]
    assert response.text.count("badge-applicant") == first.text.count("badge-applicant") - 1


def test_language_host_and_query_are_part_of_the_validator(client, demo):
    english = client.get("/cities/", headers={"Accept-Language": "en"})
    korean = client.get("/cities/", headers={"Accept-Language": "ko"})
    filtered = client.get("/cities/?region=europe-central-asia", headers={"Accept-Language": "en"})
    other_host = client.get("/cities/", base_url="http://elsewhere.example")
    etags = {r.headers["ETag"] for r in (english, korean, filtered, other_host)}
    assert len(etags) == 4
    chosen = client.post("/language", data={"locale": "fr", "next": "/cities/"})
    assert chosen.status_code == 302
    french = client.get("/cities/", headers={"If-None-Match": english.headers["ETag"]})
    assert french.status_code == 200 and '<html lang="fr">' in french.text
    # The choice is a cookie, not a session: the visitor still gets validators.
    assert french.headers["ETag"] not in etags and "Set-Cookie" not in french.headers
    again = client.get("/cities/", headers={"If-None-Match": french.headers["ETag"]})
    assert again.status_code == 304


def test_time_passing_changes_the_validator_when_a_vote_closes(app, client, demo, time_machine):
    with app.app_context():
        vote = db.session.scalar(sa.select(Vote).where(Vote.status == VoteStatus.open))
        vote_id = vote.id
        closing = datetime.combine(clock.today() + timedelta(days=3), datetime.min.time(), UTC)
        vote.closes_at = closing + timedelta(hours=12)
        db.session.commit()
    url = f"/votes/{vote_id}"
    time_machine.move_to(closing + timedelta(hours=11), tick=False)
    before = client.get(url)
    time_machine.move_to(closing + timedelta(hours=11, minutes=59), tick=False)
    assert client.get(url).headers["ETag"] == before.headers["ETag"]  # nothing happened
    time_machine.move_to(closing + timedelta(hours=12, minutes=1), tick=False)
    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert "voting time is over" in after.text and "voting time is over" not in before.text
    api = client.get(f"/api/v1/votes/{vote_id}")
    assert api.get_json()["accepting_ballots"] is False
    time_machine.move_to(closing + timedelta(days=1), tick=False)  # the next day: chair etc.
    assert client.get(url).headers["ETag"] != after.headers["ETag"]


def test_logged_in_pages_are_private_and_never_answered_from_the_visitors_validator(
    app, client, demo, as_user
):
    anonymous = client.get("/cities/")
    delegate = as_user(db_user(app, "seoul@example.org"), password=DEMO_PASSWORD)
    response = delegate.get("/cities/", headers={"If-None-Match": anonymous.headers["ETag"]})
    assert response.status_code == 200
    assert "ETag" not in response.headers
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "Log out" in response.text


def test_flashed_messages_are_not_answered_with_304(client, demo):
    first = client.get("/cities/")
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "A message for this visitor only")]
    response = client.get("/cities/", headers={"If-None-Match": first.headers["ETag"]})
    assert response.status_code == 200 and "A message for this visitor only" in response.text
    assert "ETag" not in response.headers
    assert client.get("/cities/").headers["ETag"] == first.headers["ETag"]


def test_a_visitor_switches_language_without_a_token(app, client, demo, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = client.post("/language", data={"locale": "ko", "next": "/cities/"})
    assert response.status_code == 302 and response.location == "/cities/"
    korean = client.get("/cities/")
    assert '<html lang="ko">' in korean.text and korean.headers["ETag"]


def test_a_cached_page_is_served_until_the_state_changes(app, client, demo, public_cache):
    rendered, first = statements_during(lambda: client.get("/cities/"))
    kept, second = statements_during(lambda: client.get("/cities/"))
    assert kept == 1 < rendered  # only the validator's query
    assert second.get_data() == first.get_data()
    assert second.headers["ETag"] == first.headers["ETag"]
    assert second.headers["Content-Type"] == first.headers["Content-Type"]
    assert second.headers["Content-Security-Policy"]
    assert sorted(second.headers.items()) == sorted(first.headers.items())  # each once
    api_first = client.get("/api/v1/cities?status=applicant")
    assert [c["slug"] for c in api_first.get_json()["items"]] == ["setagaya"]
    change_setagaya_to_member(app)
    fresh = client.get("/cities/")
    assert fresh.text.count("badge-applicant") == first.text.count("badge-applicant") - 1
    assert client.get("/api/v1/cities?status=applicant").get_json()["items"] == []


def test_the_cache_keeps_accounts_and_visitors_apart(app, client, demo, public_cache, as_user):
    client.get("/cities/")  # a visitor's page is kept
    delegate = as_user(db_user(app, "seoul@example.org"), password=DEMO_PASSWORD)
    mine = delegate.get("/cities/")
    assert "Log out" in mine.text and "ETag" not in mine.headers
    # A visitor after the delegate gets the visitors' page, not the delegate's.
    other = app.test_client()
    assert "Log out" not in other.get("/cities/").text
    assert "Log out" not in other.get("/motions/").text
    assert re.search(r"Log out", delegate.get("/motions/").text)


def test_the_cache_key_holds_language_and_query(app, client, demo, public_cache):
    english = client.get("/cities/", headers={"Accept-Language": "en"}).text
    korean = client.get("/cities/", headers={"Accept-Language": "ko"}).text
    assert english != korean and '<html lang="ko">' in korean
    filtered = client.get("/cities/?status=applicant", headers={"Accept-Language": "en"}).text
    assert "Setagaya" in filtered and "Hamburg" not in filtered and "Hamburg" in english
    assert client.get("/cities/", headers={"Accept-Language": "en"}).text == english


def test_public_cache_follows_the_environment(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("PUBLIC_CACHE", "0")
    assert create_app("development").config["PUBLIC_CACHE"] is False
    monkeypatch.setenv("PUBLIC_CACHE", "1")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/5")
    app = create_app("development")
    assert app.config["PUBLIC_CACHE"] is True
    assert app.config["CACHE_TYPE"] == "RedisCache"
    assert app.config["CACHE_REDIS_URL"] == "redis://127.0.0.1:6379/5"
    monkeypatch.delenv("PUBLIC_CACHE")
    monkeypatch.delenv("REDIS_URL")
    app = create_app("development")
    assert app.config["PUBLIC_CACHE"] is True and app.config["CACHE_TYPE"] == "SimpleCache"
    assert create_app("testing").config["PUBLIC_CACHE"] is False


def db_user(app, email: str) -> User:
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        db.session.expunge(user)
        return user


def test_a_visitor_with_something_in_their_session_is_left_out(client, demo):
    first = client.get("/cities/")
    with client.session_transaction() as session:
        session["csrf_token"] = "from the login page"
    response = client.get("/cities/", headers={"If-None-Match": first.headers["ETag"]})
    assert response.status_code == 200 and "ETag" not in response.headers


def test_a_public_page_that_renders_a_form_token_is_never_shared(database_url, database):
    probe_app = create_app("testing", {"DATABASE_URL": database_url, "PUBLIC_CACHE": True})
    probe = Blueprint("probe", __name__)
    probe.route("/probe")(public(lambda: render_template_string("<p>{{ csrf_token() }}</p>")))
    probe_app.register_blueprint(probe)
    visitor = probe_app.test_client()
    response = visitor.get("/probe")
    assert response.status_code == 200 and "ETag" not in response.headers
    assert response.headers["Cache-Control"] == "private, no-store"
    other = probe_app.test_client().get("/probe")
    assert other.get_data() != response.get_data()  # each visitor gets their own token
    with probe_app.app_context():
        db.engine.dispose()  # its own pool: leave no connection open behind the test


def test_pages_with_forms_for_some_roles_stay_cacheable_for_visitors(
    app, demo, monkeypatch, as_user
):
    from network.elections.models import Election

    officer = as_user(db_user(app, "secretariat@example.org"), password=DEMO_PASSWORD)
    # With CSRF on (as in production), a form built for a visitor would put a token in
    # their session: the page would get a cookie and no validator, and never be cached.
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    with app.app_context():
        votes = db.session.scalars(sa.select(Vote.id).order_by(Vote.id)).all()
        open_vote = db.session.scalar(sa.select(Vote.id).where(Vote.status == VoteStatus.open))
        election = db.session.scalar(sa.select(sa.func.min(Election.id)))
    urls = [f"/votes/{vote_id}" for vote_id in votes] + [
        f"/elections/{election}",
        "/charter/versions/1",
    ]
    for url in urls:
        visitor = app.test_client()
        response = visitor.get(url)
        assert response.status_code == 200, url
        assert response.headers.get("ETag"), url
        assert "Set-Cookie" not in response.headers, url
        assert 'name="csrf_token"' not in response.text, url
        again = visitor.get(url, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304, url
    # The secretariat still gets its forms, each with a token.
    page = officer.get(f"/votes/{open_vote}")
    assert "Close the vote and publish the result" in page.text
    assert 'name="csrf_token"' in page.text and "ETag" not in page.headers


def test_pages_asked_with_unknown_or_long_queries_are_answered_but_not_kept(
    app, client, demo, public_cache
):
    for url in ("/cities/?junk=1", "/cities/?page=1&x=" + "y" * 10, "/cities/?q=" + "a" * 250):
        first_cost, first = statements_during(lambda url=url: client.get(url))
        again_cost, again = statements_during(lambda url=url: client.get(url))
        assert first.status_code == again.status_code == 200 and "ETag" in first.headers
        assert again_cost == first_cost > 1, url  # rendered again: nothing was kept
    kept_cost, _ = statements_during(lambda: client.get("/cities/?page=1"))
    kept_again, _ = statements_during(lambda: client.get("/cities/?page=1"))
    assert kept_again == 1 < kept_cost


def test_pages_with_a_session_tell_shared_caches_not_to_keep_them(client, demo):
    login_page = client.get("/login")
    assert "no-store" in login_page.headers["Cache-Control"]
    assert "private" in login_page.headers["Cache-Control"]


def test_kept_api_answers_are_still_throttled(
    app, client, demo, public_cache, rate_limits, monkeypatch
):
    """A kept answer is served before most hooks, but never before the rate limits."""
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3 per minute")
    answers = [client.get("/api/v1/cities") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[2].get_data() == answers[1].get_data()  # kept
