"""Decisions taken in the room take their quorum from attendance, proxies included."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from network.db import db
from network.meetings.models import SessionDecision
from tests.meetings.support import attendance_form, convene

CITIES = ["Seoul", "Hamburg", "London", "Vienna", "Milan"]


@pytest.fixture
def council(make, as_user):
    cities = {name: make.city(name) for name in CITIES}
    users = {
        name: make.delegate(city, name=f"{name} Delegate", signing_authority=True)
        for name, city in cities.items()
    }
    users["secretariat"] = make.secretariat()
    return {"users": users, "as": {k: as_user(u) for k, u in users.items()}}


CONSENSUS = {
    "title": "Thanks to the host",
    "text": "The Council thanks Seoul.",
    "method": "consensus",
}


def test_no_decision_without_quorum_and_proxies_count(app, council, ledger):
    users, people = council["users"], council["as"]
    officer = people["secretariat"]
    meeting = convene(app, users["secretariat"])
    page = officer.get(f"/meetings/{meeting}").text
    assert "No quorum yet: 0 of 5 member cities are present or represented by proxy" in page

    before = ledger.audit_seq()
    response = officer.post(f"/meetings/{meeting}/decisions", data=CONSENSUS)
    assert response.status_code == 422
    assert "No quorum: 0 of 5 member cities are present or represented by proxy, and 3" in (
        response.text
    )
    # Two present are not enough (3 of 5 needed)…
    officer.post(
        f"/meetings/{meeting}/attendance",
        data=attendance_form(app, {"seoul": "in-room", "hamburg": "online"}),
    )
    response = officer.post(f"/meetings/{meeting}/decisions", data=CONSENSUS)
    assert "No quorum: 2 of 5" in response.text
    # …a proxy held by a city present makes the third.
    people["Vienna"].post(f"/meetings/{meeting}/proxy", data={"holder": "seoul"})
    # A proxy held by an absent city does not count.
    people["Milan"].post(f"/meetings/{meeting}/proxy", data={"holder": "london"})
    page = officer.get(f"/meetings/{meeting}").text
    assert "Quorum met: 3 of 5 member cities are present or represented by proxy" in page
    assert "(2 present, 1 by proxy); 3 needed" in page

    # The roll call answers for the cities there: present, or by proxy (Vienna).
    roll = {"city_seoul": "yes", "city_hamburg": "no", "city_vienna": "yes", "city_milan": "yes"}
    data = {"title": "Seoul office", "text": "An office.", "method": "roll-call", **roll}
    response = officer.post(f"/meetings/{meeting}/decisions", data=data)
    assert response.status_code == 422
    assert "neither present nor represented by proxy: milan." in response.text
    assert ledger.entries_since(before)[-1].action == "meeting.proxy_granted"

    del data["city_milan"]
    response = officer.post(f"/meetings/{meeting}/decisions", data=data)
    assert response.status_code == 302
    with app.app_context():
        decision = db.session.scalar(sa.select(SessionDecision))
        assert decision.result["outcome"] == "carried"
        assert decision.result["attendance"] == {
            "members": 5,
            "present": 2,
            "by_proxy": 1,
            "represented": 3,
            "required": 3,
            "met": True,
        }
    # Vienna comes after all: present, its proxy no longer counts (still 3 of 5).
    officer.post(
        f"/meetings/{meeting}/attendance",
        data=attendance_form(app, {"seoul": "in-room", "hamburg": "online", "vienna": "online"}),
    )
    assert "(3 present, 0 by proxy)" in officer.get(f"/meetings/{meeting}").text
