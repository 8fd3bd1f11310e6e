"""The second factor: enrolment with a QR code, login codes, recovery codes, resets."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import time_machine
from sqlalchemy.orm.attributes import set_committed_value

from network.auth.models import User
from network.db import db
from tests.conftest import PASSWORD, log_in


def page(response) -> str:
    return response.get_data(as_text=True)


def shown_key(html: str) -> str:
    """Read the authenticator key off the set-up page, as a person typing it in would."""
    match = re.search(r'<code class="key" lang="en">([A-Z2-7 ]+)</code>', html)
    assert match, "the set-up page shows no key"
    return match.group(1).replace(" ", "")


def shown_codes(html: str) -> list[str]:
    return re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", html)


def stored(app, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def enrol(client) -> tuple[str, list[str]]:
    """Set up an authenticator from the account page; return its key and the recovery codes."""
    setup = client.get("/account/two-factor")
    assert setup.status_code == 200
    assert "<svg" in page(setup), "no QR code on the set-up page"
    key = shown_key(page(setup))
    done = client.post("/account/two-factor", data={"code": pyotp.TOTP(key).now()})
    assert done.status_code == 200, page(done)
    return key, shown_codes(page(done))


@pytest.fixture
def delegate(make):
    return make.delegate(make.city("Seoul"), name="Ji-won Park")


def test_a_delegate_turns_the_second_factor_on_with_a_code_from_the_new_key(
    app, make, as_user, delegate, ledger
):
    client = as_user(delegate)
    before = ledger.snapshot()
    setup = page(client.get("/account/two-factor"))
    key = shown_key(setup)
    assert "otpauth://totp/" not in setup  # the address travels only inside the QR code
    # The key is derived on the server: the (signed, readable) session cookie holds none.
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    carried = app.session_interface.get_signing_serializer(app).loads(cookie)
    assert key not in str(carried)
    assert shown_key(page(client.get("/account/two-factor"))) == key  # same key until done

    wrong = client.post("/account/two-factor", data={"code": "000000"})
    assert wrong.status_code == 422
    assert "The code is not correct" in page(wrong)
    assert ledger.snapshot() == before and not stored(app, delegate.id).has_two_factor

    done = client.post("/account/two-factor", data={"code": pyotp.TOTP(key).now()})
    assert done.status_code == 200
    codes = shown_codes(page(done))
    assert len(codes) == 10 and len(set(codes)) == 10
    user = stored(app, delegate.id)
    assert user.has_two_factor and user.totp_secret == key
    [entry] = ledger.entries_since(before["audit"])
    assert (entry.action, entry.public) == ("account.two_factor_enabled", False)
    assert all(code not in str(entry.data) for code in codes)
    assert "Two-factor authentication is on" in page(client.get("/account/two-factor"))


def next_step():
    """Travel to the next 30-second step: the code used to enrol is spent."""
    return time_machine.travel(datetime.now(UTC) + timedelta(seconds=30), tick=False)


def test_login_then_asks_for_a_code_and_accepts_each_code_once(app, as_user, delegate):
    key, _codes = enrol(as_user(delegate))
    with next_step():
        person = app.test_client()
        first = person.post("/login", data={"email": delegate.email, "password": PASSWORD})
        assert first.status_code == 302 and first.location.endswith("/login/verify")
        assert person.get("/account").status_code == 302  # not logged in yet
        assert 'autocomplete="one-time-code"' in page(person.get("/login/verify"))

        wrong = person.post("/login/verify", data={"code": "123456"})
        assert wrong.status_code == 422
        assert "The code is not correct, or it was used already." in page(wrong)
        code = pyotp.TOTP(key).now()
        ok = person.post("/login/verify", data={"code": code})
        assert ok.status_code == 302 and ok.location == "/"
        assert person.get("/account").status_code == 200

        # Someone who saw the code over a shoulder, with the password, within 30 seconds.
        intruder = app.test_client()
        intruder.post("/login", data={"email": delegate.email, "password": PASSWORD})
        replay = intruder.post("/login/verify", data={"code": code})
        assert replay.status_code == 422
        assert intruder.get("/account").status_code == 302


def test_the_code_step_keeps_where_the_person_was_going(app, as_user, delegate):
    key, _codes = enrol(as_user(delegate))
    with next_step():
        person = app.test_client()
        person.post("/login?next=/account", data={"email": delegate.email, "password": PASSWORD})
        done = person.post("/login/verify", data={"code": pyotp.TOTP(key).now()})
        assert done.location == "/account"


def test_a_wrong_password_never_reaches_the_code_step(app, as_user, delegate):
    enrol(as_user(delegate))
    person = app.test_client()
    refused = person.post("/login", data={"email": delegate.email, "password": "not it at all"})
    assert refused.status_code == 422
    assert person.get("/login/verify").location.startswith("/login")


def test_the_half_logged_in_state_expires_after_five_minutes(app, as_user, delegate):
    key, _codes = enrol(as_user(delegate))
    person = app.test_client()
    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False):
        person.post("/login", data={"email": delegate.email, "password": PASSWORD})
    with time_machine.travel(start + timedelta(minutes=6), tick=False):
        late = person.post("/login/verify", data={"code": pyotp.TOTP(key).now()})
        assert late.status_code == 302 and late.location.startswith("/login")
        assert person.get("/account").status_code == 302


def test_a_recovery_code_logs_in_once_and_is_audited(app, as_user, delegate, ledger):
    _key, codes = enrol(as_user(delegate))
    person = app.test_client()
    person.post("/login", data={"email": delegate.email, "password": PASSWORD})
    before = ledger.audit_seq()
    used = person.post("/login/verify", data={"code": codes[3].upper().replace("-", " ")})
    assert used.status_code == 302
    assert "9 are left" in page(person.get("/"))
    [entry] = ledger.entries_since(before)
    assert (entry.action, entry.data) == ("account.recovery_code_used", {"left": 9})

    again = app.test_client()
    again.post("/login", data={"email": delegate.email, "password": PASSWORD})
    assert again.post("/login/verify", data={"code": codes[3]}).status_code == 422


def test_new_recovery_codes_replace_the_old_ones_and_need_the_password(
    app, as_user, delegate, ledger
):
    client = as_user(delegate)
    _key, old = enrol(client)
    before = ledger.audit_seq()
    wrong = client.post("/account/two-factor/recovery-codes", data={"codes-password": "nope"})
    assert wrong.status_code == 422 and "The password is not correct." in page(wrong)
    assert ledger.audit_seq() == before

    made = client.post("/account/two-factor/recovery-codes", data={"codes-password": PASSWORD})
    new = shown_codes(page(made))
    assert len(new) == 10 and not set(new) & set(old)
    person = app.test_client()
    person.post("/login", data={"email": delegate.email, "password": PASSWORD})
    assert person.post("/login/verify", data={"code": old[0]}).status_code == 422
    assert person.post("/login/verify", data={"code": new[0]}).status_code == 302


def test_a_delegate_may_turn_it_off_but_the_secretariat_may_not(app, make, as_user, delegate):
    client = as_user(delegate)
    enrol(client)
    wrong = client.post("/account/two-factor/disable", data={"disable-password": "nope"})
    assert wrong.status_code == 422 and stored(app, delegate.id).has_two_factor
    off = client.post("/account/two-factor/disable", data={"disable-password": PASSWORD})
    assert off.status_code == 302 and not stored(app, delegate.id).has_two_factor

    officer = make.secretariat()
    refused = as_user(officer).post(
        "/account/two-factor/disable", data={"disable-password": PASSWORD}
    )
    assert refused.status_code == 403
    assert "Your role requires two-factor authentication." in page(refused)
    assert stored(app, officer.id).has_two_factor


def test_a_secretariat_officer_without_a_second_factor_must_set_one_up_first(app, make):
    officer = make.secretariat(two_factor=False)
    client = app.test_client()
    login = log_in(client, officer.email)
    assert login.location == "/account/two-factor"
    for url in ("/secretariat/", "/secretariat/accounts", "/", "/account"):
        assert client.get(url).location == "/account/two-factor", url
    assert client.post("/secretariat/cities/new", data={}).location == "/account/two-factor"

    enrol(client)
    assert client.get("/secretariat/").status_code == 200


def test_an_officer_resets_a_lost_authenticator_with_their_password(
    app, make, as_user, delegate, ledger
):
    theirs = as_user(delegate)
    enrol(theirs)
    officer_account = make.secretariat()
    officer = as_user(officer_account)
    url = f"/secretariat/accounts/{delegate.id}/two-factor/reset"
    before = ledger.audit_seq()

    officer.post(url, data={"reset-password": "not my password"})
    assert stored(app, delegate.id).has_two_factor and ledger.audit_seq() == before

    assert officer.post(url, data={"reset-password": PASSWORD}).status_code == 302
    assert not stored(app, delegate.id).has_two_factor
    [entry] = ledger.entries_since(before)
    assert (entry.action, entry.actor_id) == ("account.two_factor_reset", officer_account.id)
    assert theirs.get("/account").status_code == 302  # their sessions ended
    assert log_in(app.test_client(), delegate.email).location == "/"  # password alone again

    own = officer.post(
        f"/secretariat/accounts/{officer_account.id}/two-factor/reset",
        data={"reset-password": PASSWORD},
    )
    assert own.status_code == 302 and stored(app, officer_account.id).has_two_factor


def test_codes_that_are_not_codes_are_refused_cleanly(app, as_user, delegate):
    enrol(as_user(delegate))
    person = app.test_client()
    person.post("/login", data={"email": delegate.email, "password": PASSWORD})
    for code in ("", " ", "12345", "1234567", "abcdef", "١٢٣٤٥٦", "x" * 33, "\x00" * 6):
        response = person.post("/login/verify", data={"code": code})
        assert response.status_code == 422, code


def test_wrong_codes_are_throttled_per_account(app, as_user, delegate, rate_limits):
    key, _codes = enrol(as_user(delegate))
    person = app.test_client()
    person.post("/login", data={"email": delegate.email, "password": PASSWORD})
    for _attempt in range(5):
        assert person.post("/login/verify", data={"code": "000000"}).status_code == 422
    blocked = person.post("/login/verify", data={"code": pyotp.TOTP(key).now()})
    assert blocked.status_code == 429
    assert person.get("/account").status_code == 302


def test_two_requests_with_the_same_code_log_in_once(app, as_user, delegate):
    """The step is claimed by one conditional UPDATE: the second of two finds it taken."""
    from network.auth import services

    key, _codes = enrol(as_user(delegate))
    with next_step(), app.app_context():
        user = db.session.get(User, delegate.id)
        code = pyotp.TOTP(key).now()
        now = datetime.now(UTC)
        # Both requests loaded the account before either claimed the step.
        stale = user.totp_last_step
        assert services.check_second_factor(user, code, now=now) == "code"
        # The second still holds the row as it was loaded (not a change of its own).
        set_committed_value(user, "totp_last_step", stale)
        assert services.check_second_factor(user, code, now=now) is None
        db.session.rollback()
