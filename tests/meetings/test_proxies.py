"""Proxies: a member city gives its proxy for one meeting to another, within the charter's
rules; it can be revoked until the meeting opens; the secretariat sees them all."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from network.charter.models import CharterVersion
from network.charter.rules import GovernanceRules
from network.cities.models import MembershipStatus
from network.config import BaseConfig
from network.db import db
from network.meetings.models import Proxy
from tests.charter.test_story import RULES_V1, draft_with_articles
from tests.meetings.support import attendance_form, convene, open_session

CITIES = ["Seoul", "Hamburg", "London", "Vienna", "Milan"]


@pytest.fixture
def council(make, as_user):
    cities = {name: make.city(name) for name in CITIES}
    make.city("Setagaya", country="JP", status=MembershipStatus.applicant)
    users = {
        name: make.delegate(city, name=f"{name} Delegate", signing_authority=True)
        for name, city in cities.items()
    }
    users["Hamburg adviser"] = make.delegate(cities["Hamburg"], name="Hamburg Adviser")
    users["secretariat"] = make.secretariat()
    return {"users": users, "as": {k: as_user(u) for k, u in users.items()}}


def give(client, meeting: int, holder: str):
    """Give the client's city's proxy from the meeting's page; return the page after."""
    response = client.post(f"/meetings/{meeting}/proxy", data={"holder": holder})
    assert response.status_code == 302
    return client.get(response.location).text


def proxies_in_force(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [
            (proxy.giver.slug, proxy.holder.slug)
            for proxy in db.session.scalars(
                sa.select(Proxy).where(Proxy.revoked_at.is_(None)).order_by(Proxy.id)
            )
        ]


def test_a_signatory_gives_and_revokes_the_proxy_and_the_secretariat_sees_it(app, council, ledger):
    users, people = council["users"], council["as"]
    meeting = convene(app, users["secretariat"])
    page = people["Hamburg"].get(f"/meetings/{meeting}").text
    assert "Give our proxy" in page and 'value="london"' in page and 'value="hamburg"' not in page

    before = ledger.audit_seq()
    page = give(people["Hamburg"], meeting, "seoul")
    assert "Your city&#39;s proxy is given to Seoul." in page
    assert "Your city has given its proxy for this meeting to Seoul." in page
    assert "Revoke the proxy" in page
    [entry] = ledger.entries_since(before)
    assert entry.action == "meeting.proxy_granted"
    assert (entry.data["giver"], entry.data["holder"]) == ("hamburg", "seoul")
    assert entry.actor_id == users["Hamburg"].id
    assert proxies_in_force(app) == [("hamburg", "seoul")]

    listing = people["secretariat"].get(f"/meetings/{meeting}/attendance").text
    assert "Hamburg Delegate" in listing and "In force" in listing

    before = ledger.audit_seq()
    response = people["Hamburg"].post(f"/meetings/{meeting}/proxy/revoke")
    assert "Your city&#39;s proxy is revoked." in people["Hamburg"].get(response.location).text
    [entry] = ledger.entries_since(before)
    assert entry.action == "meeting.proxy_revoked" and entry.data["holder"] == "seoul"
    assert proxies_in_force(app) == []
    # The secretariat still sees the revoked one; the city may give its proxy again.
    assert "Revoked" in people["secretariat"].get(f"/meetings/{meeting}/attendance").text
    give(people["Hamburg"], meeting, "london")
    assert proxies_in_force(app) == [("hamburg", "london")]


def test_only_a_delegate_with_signing_authority_gives_or_revokes(app, council, ledger):
    users, people = council["users"], council["as"]
    meeting = convene(app, users["secretariat"])
    assert "Give our proxy" not in people["Hamburg adviser"].get(f"/meetings/{meeting}").text
    before = ledger.audit_seq()
    page = give(people["Hamburg adviser"], meeting, "seoul")
    assert "Only a delegate with signing authority can give or revoke" in page
    give(people["Hamburg"], meeting, "seoul")
    before = ledger.audit_seq()
    response = people["Hamburg adviser"].post(f"/meetings/{meeting}/proxy/revoke")
    assert (
        "Only a delegate with signing authority"
        in people["Hamburg adviser"].get(response.location).text
    )
    assert ledger.audit_seq() == before
    assert proxies_in_force(app) == [("hamburg", "seoul")]
    assert people["secretariat"].post(f"/meetings/{meeting}/proxy").status_code == 403


def test_each_refusal_says_why_and_changes_nothing(app, council, ledger):
    users, people = council["users"], council["as"]
    meeting = convene(app, users["secretariat"])
    give(people["Hamburg"], meeting, "seoul")
    people["secretariat"].post(
        f"/meetings/{meeting}/attendance", data=attendance_form(app, {"milan": "in-room"})
    )
    before = ledger.audit_seq()
    refusals = [
        ("Vienna", "vienna", "A city cannot give its proxy to itself."),
        ("Vienna", "setagaya", "Setagaya is not a member city in good standing"),
        ("Vienna", "nowhere", "Choose the city that will hold the proxy."),
        ("Vienna", "", "Choose the city that will hold the proxy."),
        ("Hamburg", "london", "Hamburg has already given its proxy for this meeting."),
        ("Milan", "london", "Milan is recorded present at the meeting"),
        ("Vienna", "seoul", "Seoul already holds as many proxies as the charter allows (1)."),
        ("Vienna", "hamburg", "Hamburg has given its own proxy for this meeting"),
        ("Seoul", "london", "Seoul holds another city&#39;s proxy for this meeting"),
    ]
    for giver, holder, message in refusals:
        assert message in give(people[giver], meeting, holder), (giver, holder)
    assert ledger.audit_seq() == before
    assert proxies_in_force(app) == [("hamburg", "seoul")]

    # Once the meeting is open, proxies are neither given nor revoked.
    open_session(app, meeting, users["secretariat"])
    before = ledger.audit_seq()
    assert "a proxy can be given only before it opens" in give(people["Vienna"], meeting, "london")
    response = people["Hamburg"].post(f"/meetings/{meeting}/proxy/revoke")
    assert (
        "a proxy can be revoked only before it opens"
        in people["Hamburg"].get(response.location).text
    )
    page = people["Hamburg"].get(f"/meetings/{meeting}").text
    assert "the proxy can no longer be revoked" in page and "Give our proxy" not in page
    assert ledger.audit_seq() == before
    assert proxies_in_force(app) == [("hamburg", "seoul")]


def test_the_charter_says_whether_proxies_are_allowed_and_how_many(
    app, council, ledger, monkeypatch
):
    users, people = council["users"], council["as"]
    meeting = convene(app, users["secretariat"])
    founding = BaseConfig.FOUNDING_RULES
    monkeypatch.setitem(app.config, "FOUNDING_RULES", founding | {"proxies_allowed": False})
    before = ledger.audit_seq()
    assert "The charter in force does not allow proxies." in give(
        people["Hamburg"], meeting, "seoul"
    )
    assert ledger.audit_seq() == before
    monkeypatch.setitem(app.config, "FOUNDING_RULES", founding | {"proxies_per_city": 2})
    give(people["Hamburg"], meeting, "seoul")
    give(people["Vienna"], meeting, "seoul")
    assert "Seoul already holds as many proxies as the charter allows (2)." in give(
        people["Milan"], meeting, "seoul"
    )
    assert proxies_in_force(app) == [("hamburg", "seoul"), ("vienna", "seoul")]


def test_the_proxy_rules_are_governance_rules_of_the_charter(app, council):
    # Versions stored before the proxy rules existed read as the founding rules.
    stored = {key: value for key, value in BaseConfig.FOUNDING_RULES.items()}
    del stored["proxies_allowed"], stored["proxies_per_city"]
    old = GovernanceRules.from_dict(stored)
    assert (old.proxies_allowed, old.proxies_per_city) == (True, 1)
    for bad in ({"proxies_per_city": 0}, {"proxies_per_city": 11}, {"proxies_allowed": "no"}):
        with pytest.raises(ValueError):
            GovernanceRules.from_dict(BaseConfig.FOUNDING_RULES | bad)

    officer = council["as"]["secretariat"]
    number = draft_with_articles(officer)
    draft = officer.get(f"/secretariat/charter/{number}").text
    assert "Proxies at meetings" in draft and "Allowed: a city holds at most 1 proxy" in draft
    response = officer.post(f"/secretariat/charter/{number}", data=RULES_V1 | {"proxies": "0"})
    assert response.status_code == 302
    with app.app_context():
        version = db.session.scalar(
            sa.select(CharterVersion).where(CharterVersion.number == number)
        )
        assert version.rules_data["proxies_allowed"] is False
    assert "Proxies are not allowed" in officer.get(f"/secretariat/charter/{number}").text
    officer.post(f"/secretariat/charter/{number}", data=RULES_V1 | {"proxies": "3"})
    with app.app_context():
        rules = db.session.scalar(
            sa.select(CharterVersion).where(CharterVersion.number == number)
        ).rules
        assert (rules.proxies_allowed, rules.proxies_per_city) == (True, 3)
    response = officer.post(f"/secretariat/charter/{number}", data=RULES_V1 | {"proxies": "99"})
    assert response.status_code == 422


def test_a_signatorys_desk_leads_to_the_proxy_of_a_meeting_ahead(app, council):
    people = council["as"]
    meeting = convene(app, council["users"]["secretariat"], title="Council 2099", year=2099)
    link = f'href="/meetings/{meeting}#proxy"'
    assert link in people["Hamburg"].get("/").text
    assert link not in people["Hamburg adviser"].get("/").text
    open_session(app, meeting, council["users"]["secretariat"])
    assert link not in people["Hamburg"].get("/").text
