"""Where a person lands after logging in: the secretariat at its desk, others as before."""

from __future__ import annotations

import pyotp
import pytest
import sqlalchemy as sa

from network.auth.models import User
from network.db import db
from tests.conftest import PASSWORD, log_in


def test_the_secretariat_lands_on_its_dashboard_after_the_second_factor(client, make):
    officer = make.secretariat()
    response = log_in(client, officer.email, secret=officer.totp_secret)
    assert response.status_code == 302 and response.location == "/secretariat/"
    assert client.get(response.location).status_code == 200


def test_the_secretariat_still_goes_where_it_was_going(client, make):
    officer = make.secretariat()
    client.post(
        "/login",
        query_string={"next": "/meetings/"},
        data={"email": officer.email, "password": PASSWORD},
    )
    response = log_in_second_step(client, officer)
    assert response.location == "/meetings/"


def test_an_unsafe_next_sends_the_secretariat_to_its_dashboard(client, make):
    officer = make.secretariat()
    client.post(
        "/login",
        query_string={"next": "https://evil.example.org/"},
        data={"email": officer.email, "password": PASSWORD},
    )
    assert log_in_second_step(client, officer).location == "/secretariat/"


def test_a_secretariat_officer_without_a_second_factor_sets_it_up_first(client, make):
    officer = make.secretariat(two_factor=False)
    response = client.post("/login", data={"email": officer.email, "password": PASSWORD})
    assert response.location == "/account/two-factor"


@pytest.mark.parametrize("role", ["delegate", "observer"])
def test_delegates_and_observers_land_on_the_home_page(client, make, role):
    person = make.delegate(make.city("Seoul")) if role == "delegate" else make.observer()
    response = client.post("/login", data={"email": person.email, "password": PASSWORD})
    assert response.status_code == 302 and response.location == "/"


def test_the_login_page_sends_a_logged_in_officer_to_the_dashboard(client, make, login_as):
    login_as(make.secretariat())
    assert client.get("/login").location == "/secretariat/"
    assert client.get("/login?next=/cities/").location == "/cities/"


def log_in_second_step(client, user):
    """Type the authenticator's code on the second step of a login already under way."""
    with client.application.app_context():
        db.session.execute(sa.update(User).where(User.id == user.id).values(totp_last_step=None))
        db.session.commit()
    return client.post("/login/verify", data={"code": pyotp.TOTP(user.totp_secret).now()})
