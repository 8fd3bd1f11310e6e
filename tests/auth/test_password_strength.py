"""Passwords a guesser would try early are refused, saying why (ASVS 2.1.7, #18)."""

from __future__ import annotations

import pytest

from network.auth.rules import Weakness, password_weakness
from network.cities.models import Region
from tests.conftest import PASSWORD
from tests.secretariat.test_accounts import accept, invitation_link, invite

AMINA = ("Amina Diallo", "amina.diallo@example.org")


@pytest.fixture
def officer(make, login_as):
    return login_as(make.secretariat())


@pytest.fixture
def delegate(make):
    return make.delegate(make.city("Seoul"))


@pytest.mark.parametrize(
    ("password", "weakness"),
    [
        ("aaaaaaaaaaaa", Weakness.repeats),
        ("abcabcabcabc", Weakness.repeats),
        ("password1234", Weakness.common),
        ("qwertyuiopasdf", Weakness.common),
        ("abcdefghijklmn", Weakness.sequence),
        ("amina.diallo2024", Weakness.personal),
        ("AminaDiallo!!!", Weakness.personal),
        ("correct horse battery", None),
        ("a long new password for amina", None),
        ("decent-work-2018", None),
        ("Sc7#qL!v2p@9Wm", None),
    ],
)
def test_password_weakness(password, weakness):
    assert password_weakness(password, AMINA) is weakness


def test_a_weak_password_is_refused_when_accepting_an_invitation(app, make, officer, ledger):
    make.city("Dakar", country="SN", region=Region.africa)
    _, user_id = invite(officer)
    link = invitation_link(officer, user_id)
    invitee = app.test_client()
    before = ledger.snapshot()
    response = accept(invitee, link, password="password1234")
    assert response.status_code == 422
    assert "one of the most common passwords" in response.get_data(as_text=True)
    assert ledger.snapshot() == before  # nothing set, the link still works
    response = accept(invitee, link, password="amina.diallo2024")
    assert "your name or e-mail address" in response.get_data(as_text=True)
    assert accept(invitee, link).status_code == 302


@pytest.mark.parametrize(
    ("new", "reason"),
    [
        ("aaaaaaaaaaaa", "Repeated characters"),
        ("zyxwvutsrqpo", "Sequences"),
        ("qwerty123456", "one of the most common passwords"),
    ],
)
def test_a_weak_new_password_is_refused(client, login_as, ledger, delegate, new, reason):
    login_as(delegate)
    before = ledger.snapshot()
    response = client.post(
        "/account/password",
        data={
            "password-current_password": PASSWORD,
            "password-password": new,
            "password-confirm": new,
        },
    )
    assert response.status_code == 422
    assert reason in response.get_data(as_text=True)
    assert ledger.snapshot() == before


def test_the_operator_command_refuses_a_weak_password(app):
    result = app.test_cli_runner().invoke(
        args=["network", "create-secretariat", "weak@example.org", "--name", "Weak"],
        input="password1234\npassword1234\n",
    )
    assert result.exit_code != 0
    assert "most common passwords" in result.output


def test_the_longest_passwords_are_judged_too():
    assert password_weakness("ab" * 64) is Weakness.repeats
    assert password_weakness("correct horse battery staple " * 4 + "xxxxxxxxxxx") is None
