"""Session fixation, replay of old session cookies, and open redirects.

``tests/auth/test_login.py`` covers that logging in drops planted session keys, that a
password change and logging out end the sessions of other devices, and the common
``next`` attacks. These tests replay cookies captured at each step, as someone who stole
or planted one would, and try the remaining redirect tricks.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.conftest import PASSWORD


@pytest.fixture
def delegate(make):
    return make.delegate(make.city("Seoul"), email="park@seoul.example.org")


def cookie_of(client) -> str | None:  # noqa: ANN001
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def replay(app, cookie: str):  # noqa: ANN001, ANN201
    """A new browser carrying a captured session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief


def is_anonymous(client) -> bool:  # noqa: ANN001
    response = client.get("/account")
    return response.status_code == 302 and response.location.startswith("/login")


def log_in(client, user, password=PASSWORD):  # noqa: ANN001, ANN201
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def test_a_cookie_planted_before_login_stays_anonymous_after_it(app, client, delegate):
    # The attacker makes a session (a language choice, a failed login), then gets the
    # victim's browser to use it.
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    client.post("/login", data={"email": delegate.email, "password": "wrong password"})
    planted = cookie_of(client)
    assert planted
    response = log_in(client, delegate)
    assert "session=" in response.headers.get("Set-Cookie", "")
    assert cookie_of(client) != planted
    assert not is_anonymous(client)
    assert is_anonymous(replay(app, planted))


def test_login_sets_no_remember_me_cookie_and_an_httponly_session_cookie(client, delegate):
    response = log_in(client, delegate)
    cookies = response.headers.getlist("Set-Cookie")
    assert not [cookie for cookie in cookies if cookie.startswith("remember_token=")]
    [session_cookie] = [cookie for cookie in cookies if cookie.startswith("session=")]
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie


def test_a_cookie_captured_before_logout_is_anonymous_after_it(app, client, delegate):
    log_in(client, delegate)
    captured = cookie_of(client)
    assert not is_anonymous(replay(app, captured))
    client.post("/logout")
    assert is_anonymous(client)
    assert is_anonymous(replay(app, captured))


def test_a_cookie_captured_before_a_password_change_is_anonymous_after_it(app, client, delegate):
    log_in(client, delegate)
    captured = cookie_of(client)
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
    assert cookie_of(client) != captured
    assert not is_anonymous(client)  # the browser that changed it carries on
    assert is_anonymous(replay(app, captured))


def test_deactivation_ends_sessions_and_reactivation_does_not_revive_them(
    app, client, make, as_user, delegate
):
    log_in(client, delegate)
    captured = cookie_of(client)
    officer = as_user(make.secretariat())
    deactivate = officer.post(f"/secretariat/accounts/{delegate.id}/active", data={"active": "0"})
    assert deactivate.status_code == 302
    assert is_anonymous(client)
    assert is_anonymous(replay(app, captured))
    reactivate = officer.post(f"/secretariat/accounts/{delegate.id}/active", data={"active": "1"})
    assert reactivate.status_code == 302
    assert is_anonymous(replay(app, captured))
    log_in(app.test_client(), delegate)  # the account itself works again


def test_a_cookie_altered_by_hand_is_not_accepted(app, client, delegate):
    log_in(client, delegate)
    captured = cookie_of(client)
    payload, _, signature = captured.rpartition(".")
    forged = payload + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    assert is_anonymous(replay(app, forged))


# Open redirects: every way of spelling another site, as ``next`` of the login page.
OFF_SITE = [
    "//evil.example",
    "///evil.example",
    "////evil.example/",
    "https://evil.example",
    "HTTPS://evil.example",
    "http:evil.example",
    "https:/evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    " //evil.example",
    "\x00//evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "%2F%2Fevil.example",
    "/%2F%2Fevil.example",
    "%5C%5Cevil.example",
    "/%5Cevil.example",
    "%252F%252Fevil.example",
    "//evil.example@localhost",
    "/login?next=//evil.example",
    "\u3002evil.example",
    "/\u2215evil.example",
    "//evil%2Eexample",
    "evil.example",
]


def lands_on_this_site(location: str) -> bool:
    """Tell whether a Location stays on this site the way a browser would read it.

    Browsers drop tabs and line breaks in URLs and read a backslash as a slash.
    """
    seen = "".join(char for char in location if char not in "\t\r\n").replace("\\", "/")
    parts = urlsplit(seen)
    return (
        seen.startswith("/") and not seen.startswith("//") and not parts.scheme and not parts.netloc
    )


@pytest.mark.parametrize("target", OFF_SITE)
def test_login_never_redirects_off_the_site(client, delegate, target):
    response = client.post(
        "/login?next=" + quote(target, safe="%"),
        data={"email": delegate.email, "password": PASSWORD},
    )
    assert response.status_code == 302
    assert lands_on_this_site(response.location), response.location
    # Logged in already, the login page sends the person on: the same rule holds.
    again = client.get("/login?next=" + quote(target, safe="%"))
    assert again.status_code == 302
    assert lands_on_this_site(again.location), again.location


@pytest.mark.parametrize("target", OFF_SITE)
def test_the_language_switch_never_redirects_off_the_site(client, target):
    response = client.post("/language", data={"locale": "fr", "next": target})
    assert response.status_code == 302
    assert lands_on_this_site(response.location), response.location


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
)
@given(
    target=st.one_of(
        st.text(max_size=30),
        st.lists(
            st.sampled_from(
                [
                    "/",
                    "\\",
                    "//",
                    "%2F",
                    "%5C",
                    ":",
                    "@",
                    ".",
                    "evil.example",
                    "\t",
                    "http",
                    "s",
                    "javascript",
                    "?",
                    "#",
                    " ",
                ]
            ),
            max_size=8,
        ).map("".join),
    )
)
def test_any_next_lands_on_this_site(client, target):
    # Anonymous: the language switch takes any ``next`` without a login.
    response = client.post("/language", data={"locale": "en", "next": target})
    assert response.status_code == 302
    assert lands_on_this_site(response.location), (target, response.location)
