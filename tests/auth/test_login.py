"""Logging in and out, sessions, redirects and throttling."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD


@pytest.fixture
def delegate(make):
    return make.delegate(make.city("Seoul"), email="park@seoul.example.org")


def test_login_and_logout(client, delegate):
    response = client.post(
        "/login", data={"email": "PARK@seoul.example.org ", "password": PASSWORD}
    )
    assert response.status_code == 302 and response.location == "/"
    assert client.get("/account").status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.get("/account").status_code == 302


def test_wrong_password_and_unknown_address_get_the_same_answer(client, delegate):
    wrong = client.post("/login", data={"email": delegate.email, "password": "nope" * 4})
    unknown = client.post("/login", data={"email": "nobody@example.org", "password": "x" * 12})
    assert wrong.status_code == unknown.status_code == 422
    message = "The e-mail address or the password is not correct."
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)


def test_inactive_or_uninvited_accounts_cannot_log_in(client, make):
    city = make.city("Seoul")
    inactive = make.delegate(city, active=False)
    no_password = make.delegate(city, password=None)
    for user in (inactive, no_password):
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 422


@pytest.mark.parametrize(
    ("target", "landing"),
    [
        ("/cities/seoul", "/cities/seoul"),
        ("https://evil.example.org/", "/"),
        ("//evil.example.org/", "/"),
        ("/\\evil.example.org", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_is_followed_only_within_the_site(client, delegate, target, landing):
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": delegate.email, "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.location == landing


def test_protected_page_sends_anonymous_to_login_and_back(client, delegate):
    response = client.get("/account")
    assert response.status_code == 302 and response.location == "/login?next=%2Faccount"
    back = client.post(response.location, data={"email": delegate.email, "password": PASSWORD})
    assert back.location == "/account"


def test_login_starts_a_new_session(client, delegate):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    client.post("/login", data={"email": delegate.email, "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session


def test_changing_the_password_ends_other_sessions(app, client, login_as, delegate):
    other = app.test_client()
    other.post("/login", data={"email": delegate.email, "password": PASSWORD})
    assert other.get("/account").status_code == 200
    login_as(delegate)
    new = "a new long passphrase"
    response = client.post(
        "/account/password",
        data={
            "password-current_password": PASSWORD,
            "password-password": new,
            "password-confirm": new,
        },
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200  # this session carries on
    assert other.get("/account").status_code == 302  # the other one is over
    client.post("/logout")
    assert (
        client.post("/login", data={"email": delegate.email, "password": PASSWORD}).status_code
        == 422
    )
    assert client.post("/login", data={"email": delegate.email, "password": new}).status_code == 302


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        (
            "wrong password!",
            "a new long passphrase",
            "a new long passphrase",
            "The current password is not correct.",
        ),
        (PASSWORD, "short", "short", "The password must have 12 to 128 characters."),
        (PASSWORD, "a new long passphrase", "a different one!!", "The passwords differ."),
        (PASSWORD, "x" * 129, "x" * 129, "The password must have 12 to 128 characters."),
    ],
)
def test_bad_password_changes_are_refused(
    client, login_as, ledger, delegate, current, new, confirm, message
):
    login_as(delegate)
    before = ledger.snapshot()
    response = client.post(
        "/account/password",
        data={
            "password-current_password": current,
            "password-password": new,
            "password-confirm": confirm,
        },
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert ledger.snapshot() == before


def test_failed_logins_are_limited_per_account(client, delegate, rate_limits):
    for _ in range(5):
        assert (
            client.post(
                "/login", data={"email": delegate.email, "password": "wrong" * 3}
            ).status_code
            == 422
        )
    blocked = client.post("/login", data={"email": delegate.email, "password": PASSWORD})
    assert blocked.status_code == 429
    assert "Too many" in blocked.get_data(as_text=True)
    # Another account from the same address is not blocked by this one's failures.
    assert (
        client.post(
            "/login", data={"email": "other@example.org", "password": "wrong" * 3}
        ).status_code
        == 422
    )


def test_failed_logins_are_limited_per_address(client, make, rate_limits, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ADDRESS", "3 per 15 minutes")
    for n in range(3):
        client.post("/login", data={"email": f"nobody{n}@example.org", "password": "x" * 12})
    response = client.post("/login", data={"email": "new@example.org", "password": "x" * 12})
    assert response.status_code == 429


def test_successful_logins_are_not_counted(client, delegate, rate_limits):
    for _ in range(8):
        assert (
            client.post("/login", data={"email": delegate.email, "password": PASSWORD}).status_code
            == 302
        )
        client.post("/logout")


def test_logging_out_ends_the_sessions_on_other_devices(app, client, delegate, ledger):
    phone = app.test_client()
    for device in (client, phone):
        device.post("/login", data={"email": delegate.email, "password": PASSWORD})
    before = ledger.audit_seq()
    client.post("/logout")
    assert ledger.audit_seq() == before + 1
    assert phone.get("/account").status_code == 302


def test_an_idle_session_ends(app, client, delegate, monkeypatch):
    from datetime import UTC, datetime, timedelta

    import time_machine

    monkeypatch.setitem(app.config, "IDLE_TIMEOUT", timedelta(minutes=30))
    start = datetime.now(UTC)
    with time_machine.travel(start):
        client.post("/login", data={"email": delegate.email, "password": PASSWORD})
    with time_machine.travel(start + timedelta(minutes=20)):
        assert client.get("/account").status_code == 200  # activity keeps it alive
    with time_machine.travel(start + timedelta(minutes=45)):
        assert client.get("/account").status_code == 200
    with time_machine.travel(start + timedelta(minutes=80)):
        response = client.get("/account")
        assert response.status_code == 302
        assert "inactivity" in client.get(response.location).get_data(as_text=True)


def test_a_session_ends_after_eight_hours_however_active(app, client, delegate, monkeypatch):
    from datetime import UTC, datetime, timedelta

    import time_machine

    monkeypatch.setitem(app.config, "PERMANENT_SESSION_LIFETIME", timedelta(hours=8))
    monkeypatch.setitem(app.config, "IDLE_TIMEOUT", timedelta(minutes=30))
    start = datetime.now(UTC)
    with time_machine.travel(start):
        client.post("/login", data={"email": delegate.email, "password": PASSWORD})
    for minutes in range(20, 8 * 60, 20):
        with time_machine.travel(start + timedelta(minutes=minutes)):
            assert client.get("/account").status_code == 200, minutes
    with time_machine.travel(start + timedelta(hours=8, minutes=10)):
        assert client.get("/account").status_code == 302
