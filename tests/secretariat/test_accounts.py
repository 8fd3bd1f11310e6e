"""The secretariat invites people, edits and deactivates accounts, renews invitation links."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from network.auth.models import User
from network.cities.models import Region
from network.db import db
from tests.conftest import PASSWORD

NEW_PASSWORD = "a long new password for amina"
INVITATION = {
    "email": "Amina.Diallo@Example.org",
    "name": "Amina Diallo",
    "role": "delegate",
    "city": "dakar",
    "organisation": "",
    "signing_authority": "y",
}


@pytest.fixture
def dakar(make):
    return make.city("Dakar", country="SN", region=Region.africa)


@pytest.fixture
def officer_account(make):
    return make.secretariat()


@pytest.fixture
def officer(officer_account, login_as):
    """A logged-in secretariat officer; returns the client."""
    return login_as(officer_account)


def page(response):
    return response.get_data(as_text=True)


def stored(app, user_id):
    """The account as the database holds it."""
    with app.app_context():
        user = db.session.get(User, user_id)
        return {
            "email": user.email,
            "name": user.name,
            "role": user.role.value,
            "city": user.city.slug if user.city else None,
            "organisation": user.organisation,
            "signing_authority": user.signing_authority,
            "active": user.active,
            "has_password": user.password_hash is not None,
        }


def invite(client, **changes):
    """Post the invitation form; return the response and the new account's id, if any."""
    response = client.post("/secretariat/accounts/invite", data=INVITATION | changes)
    match = re.fullmatch(r"/secretariat/accounts/(\d+)", response.location or "")
    return response, int(match.group(1)) if match else None


def invitation_link(client, user_id):
    """The invitation link shown on the account page (path only)."""
    response = client.get(f"/secretariat/accounts/{user_id}")
    assert response.status_code == 200
    match = re.search(r'value="http://localhost(/invitations/[^"]+)"', page(response))
    assert match, "the account page shows no invitation link"
    return match.group(1)


def accept(client, link, password=NEW_PASSWORD):
    return client.post(link, data={"password": password, "confirm": password})


def log_in(client, email, password):
    return client.post("/login", data={"email": email, "password": password})


# Inviting


def test_inviting_creates_the_account_and_a_link_that_logs_the_person_in(
    app, officer, officer_account, dakar, ledger
):
    before = ledger.snapshot()

    response, user_id = invite(officer)

    assert response.status_code == 302
    assert user_id is not None
    assert ledger.snapshot() == before | {
        "audit": before["audit"] + 1,
        "users": before["users"] + 1,
    }
    [entry] = ledger.entries_since(before["audit"])
    assert entry.action == "account.invited"
    assert entry.public is False
    assert (entry.subject_type, entry.subject_id) == ("user", str(user_id))
    assert entry.actor_id == officer_account.id
    assert stored(app, user_id) == {
        "email": "amina.diallo@example.org",
        "name": "Amina Diallo",
        "role": "delegate",
        "city": "dakar",
        "organisation": None,
        "signing_authority": True,
        "active": True,
        "has_password": False,
    }

    link = invitation_link(officer, user_id)
    invitee = app.test_client()
    assert invitee.get(link).status_code == 200
    seq = ledger.audit_seq()
    accepted = accept(invitee, link)

    assert accepted.status_code == 302
    account = invitee.get("/account")
    assert account.status_code == 200
    assert "amina.diallo@example.org" in page(account)
    [entry] = ledger.entries_since(seq)
    assert entry.action == "account.invitation_accepted"
    assert (entry.subject_type, entry.subject_id) == ("user", str(user_id))
    assert entry.public is False
    assert stored(app, user_id)["has_password"] is True
    used = app.test_client().get(link)
    assert used.status_code == 400
    assert "already been used" in page(used)


LONG_EMAIL = "a" * 243 + "@example.org"  # 255 characters


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param({"email": ""}, "This field is required.", id="empty-email"),
        pytest.param(
            {"email": "amina.example.org"}, "Give a valid e-mail address.", id="malformed-email"
        ),
        pytest.param(
            {"email": LONG_EMAIL}, "Field cannot be longer than 254 characters.", id="long-email"
        ),
        pytest.param(
            {"email": "taken@example.org"},
            "An account with this e-mail address already exists.",
            id="duplicate-email",
        ),
        pytest.param(
            {"email": "Taken@Example.ORG"},
            "An account with this e-mail address already exists.",
            id="duplicate-email-case",
        ),
        pytest.param(
            {"email": "  taken@example.org "},
            "An account with this e-mail address already exists.",
            id="duplicate-email-whitespace",
        ),
        pytest.param({"city": ""}, "A delegate must belong to a city.", id="delegate-no-city"),
        pytest.param(
            {"role": "observer", "signing_authority": ""},
            "Only delegates belong to a city.",
            id="observer-with-city",
        ),
        pytest.param({"city": "atlantis"}, "Choose a city from the list.", id="unknown-city"),
        pytest.param(
            {"role": "observer", "city": "", "signing_authority": "y"},
            "Only a delegate can hold signing authority.",
            id="observer-signs",
        ),
        pytest.param({"name": ""}, "This field is required.", id="empty-name"),
        pytest.param(
            {"name": "x" * 121}, "Field cannot be longer than 120 characters.", id="long-name"
        ),
    ],
)
def test_inviting_with_bad_input_is_refused_and_changes_nothing(
    officer, make, dakar, ledger, changes, message
):
    assert len(LONG_EMAIL) == 255
    make.observer(email="taken@example.org")
    before = ledger.snapshot()

    response, user_id = invite(officer, **changes)

    assert response.status_code == 422
    assert user_id is None
    assert message in page(response)
    assert ledger.snapshot() == before


# Editing


def test_editing_an_account_changes_role_and_city_with_one_audit_entry(
    app, officer, make, dakar, ledger
):
    observer = make.observer(name="Lena Berg")
    with app.app_context():
        user = db.session.get(User, observer.id)
        user.organisation = "ILO"
        db.session.commit()
    before = ledger.audit_seq()

    response = officer.post(
        f"/secretariat/accounts/{observer.id}",
        data={
            "name": "Lena Berg",
            "role": "delegate",
            "city": "dakar",
            "organisation": "",
            "signing_authority": "y",
            "password": PASSWORD,
        },
    )

    assert response.status_code == 302
    assert response.location == f"/secretariat/accounts/{observer.id}"
    after = stored(app, observer.id)
    assert (after["role"], after["city"], after["organisation"]) == ("delegate", "dakar", None)
    assert after["signing_authority"] is True
    [entry] = ledger.entries_since(before)
    assert entry.action == "account.updated"
    assert entry.public is False
    assert entry.data["changes"] == {
        "role": {"from": "observer", "to": "delegate"},
        "city": {"from": None, "to": "dakar"},
        "organisation": {"from": "ILO", "to": None},
        "signing_authority": {"from": False, "to": True},
    }


def test_a_delegate_moved_to_another_city_is_recorded(app, officer, make, dakar, ledger):
    make.city("Hamburg", country="DE", region=Region.europe_central_asia)
    delegate = make.delegate(dakar, name="Jonas Weber")
    before = ledger.audit_seq()

    response = officer.post(
        f"/secretariat/accounts/{delegate.id}",
        data={
            "name": "Jonas Weber",
            "role": "delegate",
            "city": "hamburg",
            "organisation": "",
            "password": PASSWORD,
        },
    )

    assert response.status_code == 302
    assert stored(app, delegate.id)["city"] == "hamburg"
    [entry] = ledger.entries_since(before)
    assert entry.action == "account.updated"
    assert entry.data["changes"] == {"city": {"from": "dakar", "to": "hamburg"}}


def test_an_officer_cannot_take_away_their_own_secretariat_role(
    app, officer, officer_account, ledger
):
    before = ledger.snapshot()

    response = officer.post(
        f"/secretariat/accounts/{officer_account.id}",
        data={
            "name": officer_account.name,
            "role": "observer",
            "city": "",
            "organisation": "",
            "password": PASSWORD,
        },
    )

    assert response.status_code == 422
    assert "You cannot take away your own secretariat role." in page(response)
    assert ledger.snapshot() == before
    assert stored(app, officer_account.id)["role"] == "secretariat"
    assert officer.get("/secretariat/").status_code == 200


# Deactivating


def test_deactivating_an_account_ends_its_session_and_stops_its_logins(
    app, officer, make, dakar, ledger
):
    delegate = make.delegate(dakar)
    theirs = app.test_client()
    assert log_in(theirs, delegate.email, PASSWORD).status_code == 302
    assert theirs.get("/account").status_code == 200
    before = ledger.audit_seq()

    response = officer.post(f"/secretariat/accounts/{delegate.id}/active", data={"active": "0"})

    assert response.status_code == 302
    assert stored(app, delegate.id)["active"] is False
    [entry] = ledger.entries_since(before)
    assert entry.action == "account.deactivated"
    assert (entry.subject_type, entry.subject_id) == ("user", str(delegate.id))
    assert entry.public is False
    ended = theirs.get("/account")
    assert ended.status_code == 302
    assert ended.location.startswith("/login")
    again = log_in(theirs, delegate.email, PASSWORD)
    assert again.status_code == 422
    assert "The e-mail address or the password is not correct." in page(again)
    assert theirs.get("/account").status_code == 302


def test_an_officer_cannot_deactivate_themselves(app, officer, officer_account, ledger):
    before = ledger.snapshot()

    response = officer.post(
        f"/secretariat/accounts/{officer_account.id}/active",
        data={"active": "0"},
        follow_redirects=True,
    )

    assert "You cannot deactivate your own account." in page(response)
    assert ledger.snapshot() == before
    assert stored(app, officer_account.id)["active"] is True
    assert officer.get("/secretariat/").status_code == 200


# Invitation links


def test_renewing_an_invitation_replaces_the_old_link(app, officer, dakar, ledger):
    _response, user_id = invite(officer)
    old_link = invitation_link(officer, user_id)
    before = ledger.audit_seq()

    response = officer.post(f"/secretariat/accounts/{user_id}/invitation")

    assert response.status_code == 302
    assert [entry.action for entry in ledger.entries_since(before)] == [
        "account.invitation_renewed"
    ]
    new_link = invitation_link(officer, user_id)
    assert new_link != old_link
    invitee = app.test_client()
    snapshot = ledger.snapshot()
    for refused in (invitee.get(old_link), accept(invitee, old_link)):
        assert refused.status_code == 400
        assert "This invitation was replaced by a newer one." in page(refused)
    assert ledger.snapshot() == snapshot
    assert stored(app, user_id)["has_password"] is False

    assert invitee.get(new_link).status_code == 200
    assert accept(invitee, new_link).status_code == 302
    assert invitee.get("/account").status_code == 200


def test_an_invitation_link_works_for_seven_days_only(app, officer, dakar, ledger):
    start = datetime.now(UTC)
    _response, user_id = invite(officer)
    link = invitation_link(officer, user_id)
    invitee = app.test_client()
    before = ledger.snapshot()

    with time_machine.travel(start + timedelta(days=7, minutes=-1), tick=False):
        assert invitee.get(link).status_code == 200
    with time_machine.travel(start + timedelta(days=7, minutes=1), tick=False):
        for refused in (invitee.get(link), accept(invitee, link)):
            assert refused.status_code == 400
            assert "This invitation has expired. Ask the secretariat for a new one." in page(
                refused
            )
        assert invitee.get("/account").status_code == 302

    assert ledger.snapshot() == before
    assert stored(app, user_id)["has_password"] is False
    refused_login = log_in(invitee, "amina.diallo@example.org", NEW_PASSWORD)
    assert refused_login.status_code == 422


def test_a_forged_invitation_link_is_refused(app, officer, dakar, ledger):
    _response, user_id = invite(officer)
    link = invitation_link(officer, user_id)
    prefix, token = link.rsplit("/", 1)
    forged = f"{prefix}/{'f' if token[0] != 'f' else 'e'}{token[1:]}"
    invitee = app.test_client()
    before = ledger.snapshot()

    for refused in (invitee.get(forged), accept(invitee, forged)):
        assert refused.status_code == 400
        assert "This invitation link is not valid." in page(refused)

    assert ledger.snapshot() == before
    assert stored(app, user_id)["has_password"] is False
    assert invitee.get(link).status_code == 200
