"""Nobody elsewhere can lock a delegate out by failing their password (#18)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tests.conftest import PASSWORD

ATTACKER = {"REMOTE_ADDR": "203.0.113.66"}
DELEGATE_DESK = {"REMOTE_ADDR": "198.51.100.7"}


@pytest.fixture
def delegate(make):
    return make.delegate(make.city("Seoul"))


def attempt(client, email, password, where):
    return client.post(
        "/login", data={"email": email, "password": password}, environ_base=where
    ).status_code


def test_failures_from_another_address_do_not_lock_the_delegate_out(app, delegate, rate_limits):
    attacker = app.test_client()
    answers = [attempt(attacker, delegate.email, "wrong guess " * 2, ATTACKER) for _ in range(8)]
    assert answers[:5] == [422] * 5 and set(answers[5:]) == {429}
    # The attacker is stopped, even with the right password...
    assert attempt(attacker, delegate.email, PASSWORD, ATTACKER) == 429
    # ...while the delegate, at their own desk, logs in as usual.
    assert attempt(app.test_client(), delegate.email, PASSWORD, DELEGATE_DESK) == 302


def test_guessing_from_one_address_backs_off(app, delegate, rate_limits):
    guesser = app.test_client()
    with time_machine.travel(datetime.now(UTC), tick=False) as traveller:
        for _ in range(5):
            assert attempt(guesser, delegate.email, "wrong guess " * 2, ATTACKER) == 422
        assert attempt(guesser, delegate.email, "wrong guess " * 2, ATTACKER) == 429
        traveller.shift(timedelta(seconds=61))  # a minute later: five more
        for _ in range(5):
            assert attempt(guesser, delegate.email, "wrong guess " * 2, ATTACKER) == 422
        traveller.shift(timedelta(seconds=61))  # but ten in 15 minutes is the most
        assert attempt(guesser, delegate.email, "wrong guess " * 2, ATTACKER) == 429
        traveller.shift(timedelta(minutes=15))
        assert attempt(guesser, delegate.email, "wrong guess " * 2, ATTACKER) == 422


def test_an_account_guessed_from_many_addresses_is_braked(app, delegate, rate_limits, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ACCOUNT", "12 per hour")
    for n in range(12):
        where = {"REMOTE_ADDR": f"203.0.113.{n}"}
        assert attempt(app.test_client(), delegate.email, "wrong guess " * 2, where) == 422
    where = {"REMOTE_ADDR": "203.0.113.200"}
    assert attempt(app.test_client(), delegate.email, "wrong guess " * 2, where) == 429
