"""Motions through HTTP: each kind and its effect, seconding, withdrawal, lapse, meetings."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from network.cities.models import MembershipStatus
from tests.charter.test_story import draft_with_articles
from tests.meetings.support import record_present

CITIES = ["Seoul", "Hamburg", "London", "Vienna", "Milan"]


@pytest.fixture
def council(make, as_user):
    cities = {name: make.city(name, country="KR") for name in CITIES}
    make.city("Setagaya", country="JP", status=MembershipStatus.applicant)
    people = {name: as_user(make.delegate(city)) for name, city in cities.items()}
    people["seoul-2"] = as_user(make.delegate(cities["Seoul"]))
    people["secretariat"] = as_user(make.secretariat())
    people["observer"] = as_user(make.observer())
    return people


def propose(client, **data) -> int:
    response = client.post(
        "/motions/new",
        data={
            "title": "Living wage for city contractors",
            "kind": "ordinary",
            "text": "The Council **recommends** a living wage.",
            "city": "",
            "charter_version": "",
            **data,
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.location.rstrip("/").split("/")[-1])


def motion(app, motion_id) -> str:
    return app.test_client().get(f"/motions/{motion_id}").get_data(as_text=True)


def vote_on(app, council, motion_id, ballots: dict[str, str]) -> int:
    response = council["secretariat"].post(
        f"/motions/{motion_id}/vote", data={"secrecy": "recorded"}
    )
    assert response.status_code == 302
    vote_id = int(response.location.rstrip("/").split("/")[-1])
    for city, choice in ballots.items():
        assert (
            council[city]
            .post(f"/votes/{vote_id}/ballot", data={"choice": choice, "step": "confirm"})
            .status_code
            == 302
        )
    council["secretariat"].post(f"/votes/{vote_id}/close")
    return vote_id


ALL_YES = {city: "yes" for city in CITIES}


def test_an_ordinary_motion_becomes_a_numbered_resolution(app, council):
    motion_id = propose(council["Seoul"])
    page = motion(app, motion_id)
    assert "<strong>recommends</strong>" in page and "Awaiting a second" in page
    assert council["Hamburg"].post(f"/motions/{motion_id}/second").status_code == 302
    assert "Seconded" in motion(app, motion_id)
    vote_on(app, council, motion_id, {"Seoul": "yes", "Hamburg": "yes", "London": "no"})
    year = datetime.now(UTC).year
    register = app.test_client().get("/api/v1/resolutions").get_json()
    assert register["items"][0] | {"url": None} == {
        "number": f"DWCN/RES/{year}/1",
        "title": "Living wage for city contractors",
        "kind": "ordinary",
        "adopted_on": datetime.now(UTC).date().isoformat(),
        "vote": register["items"][0]["vote"],
        "meeting": None,
        "mode": "online",
        "text": "The Council **recommends** a living wage.",
        "url": None,
    }
    assert "Carried" in motion(app, motion_id)


def test_a_defeated_motion_is_recorded_as_such(app, council):
    motion_id = propose(council["Seoul"])
    council["Hamburg"].post(f"/motions/{motion_id}/second")
    vote_on(app, council, motion_id, {"Seoul": "yes", "Hamburg": "no", "London": "no"})
    assert "Defeated" in motion(app, motion_id)
    assert app.test_client().get("/api/v1/resolutions").get_json()["total"] == 0


def test_admission_makes_the_city_a_member(app, council):
    motion_id = propose(
        council["London"], kind="admission", city="setagaya", title="Admission of Setagaya"
    )
    council["Milan"].post(f"/motions/{motion_id}/second")
    vote_on(app, council, motion_id, ALL_YES)
    city = app.test_client().get("/api/v1/cities/setagaya").get_json()
    assert city["status"] == "member"
    assert city["status_history"][-1]["reason"].startswith("Resolution DWCN/RES/")


def test_suspension_suspends_the_city(app, council):
    motion_id = propose(
        council["London"], kind="suspension", city="milan", title="Suspension of Milan"
    )
    council["Vienna"].post(f"/motions/{motion_id}/second")
    vote_on(
        app,
        council,
        motion_id,
        {"Seoul": "yes", "Hamburg": "yes", "London": "yes", "Vienna": "yes"},
    )
    assert app.test_client().get("/api/v1/cities/milan").get_json()["status"] == "suspended"


def test_a_charter_amendment_brings_the_new_version_into_force(app, council):
    number = draft_with_articles(council["secretariat"])
    motion_id = propose(
        council["Vienna"],
        kind="charter-amendment",
        charter_version=str(number),
        title="Adopt the charter",
    )
    council["Seoul"].post(f"/motions/{motion_id}/second")
    vote_on(app, council, motion_id, ALL_YES)
    charter = app.test_client().get("/api/v1/charter").get_json()
    assert charter["version"] == number and charter["resolution"].startswith("DWCN/RES/")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "admission", "city": "seoul"}, "Choose an applicant city to admit."),
        ({"kind": "suspension", "city": "setagaya"}, "Choose a member city to suspend."),
        (
            {"kind": "ordinary", "city": "seoul"},
            "Only an admission or a suspension is about a city.",
        ),
        ({"kind": "charter-amendment"}, "Choose the charter draft this amendment would adopt."),
        ({"title": ""}, "This field is required."),
        ({"title": "x" * 201}, "Field cannot be longer than 200 characters."),
        ({"kind": "coup"}, "Not a valid choice."),
    ],
)
def test_bad_motions_are_refused_and_write_nothing(council, ledger, data, message):
    before = ledger.audit_seq()
    response = council["Seoul"].post(
        "/motions/new",
        data={
            "title": "T",
            "kind": "ordinary",
            "text": "Text.",
            "city": "",
            "charter_version": "",
            **data,
        },
    )
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert ledger.audit_seq() == before


def test_a_city_cannot_second_its_own_motion(app, council, ledger):
    motion_id = propose(council["Seoul"])
    before = ledger.audit_seq()
    response = council["seoul-2"].post(f"/motions/{motion_id}/second")
    page = council["seoul-2"].get(response.location).get_data(as_text=True)
    assert "another city than the proposer" in page
    assert ledger.audit_seq() == before and "Awaiting a second" in motion(app, motion_id)
    assert council["observer"].post(f"/motions/{motion_id}/second").status_code == 403


def test_only_the_proposer_withdraws_and_only_before_the_vote(app, council):
    motion_id = propose(council["Seoul"])
    council["Hamburg"].post(f"/motions/{motion_id}/withdraw")
    assert "Awaiting a second" in motion(app, motion_id)
    council["Seoul"].post(f"/motions/{motion_id}/withdraw")
    assert "Withdrawn by its proposer" in motion(app, motion_id)
    second = propose(council["Seoul"])
    council["Hamburg"].post(f"/motions/{second}/second")
    council["secretariat"].post(f"/motions/{second}/vote", data={"secrecy": "recorded"})
    response = council["Seoul"].post(f"/motions/{second}/withdraw")
    assert "only before it is put to the vote" in council["Seoul"].get(response.location).get_data(
        as_text=True
    )


def test_an_unseconded_motion_lapses(app, council, monkeypatch):
    monkeypatch.setitem(app.config, "PERMANENT_SESSION_LIFETIME", timedelta(days=30))
    motion_id = propose(council["Seoul"])
    with time_machine.travel(datetime.now(UTC) + timedelta(days=15)):
        late = council["Hamburg"].post(f"/motions/{motion_id}/second")
        assert "not awaiting a second" in council["Hamburg"].get(late.location).get_data(
            as_text=True
        )
        result = app.test_cli_runner().invoke(args=["network", "tick"])
        assert "1 unseconded motion(s) lapsed" in result.output
    assert "Lapsed" in motion(app, motion_id)


def test_decisions_taken_in_the_room(app, council):
    officer = council["secretariat"]
    response = officer.post(
        "/meetings/new",
        data={
            "title": "City Government Roundtable",
            "starts_at": "2018-12-12T13:30",
            "ends_at": "2018-12-12T15:30",
            "place": "Seoul City Hall",
        },
    )
    meeting = response.location
    motion_id = propose(council["Seoul"], title="Seoul office")
    council["Hamburg"].post(f"/motions/{motion_id}/second")
    officer.post(
        f"{meeting}/items",
        data={"kind": "motion", "title": "Seoul office", "motion": str(motion_id)},
    )
    roll = {
        "city_seoul": "yes",
        "city_hamburg": "yes",
        "city_london": "abstain",
        "city_vienna": "yes",
    }
    # In-room decisions take their quorum from attendance (tests/meetings/).
    record_present(app, officer, meeting, "seoul", "hamburg", "london", "vienna")
    response = officer.post(
        f"{meeting}/decisions", data={"motion": str(motion_id), "method": "roll-call", **roll}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    officer.post(
        f"{meeting}/decisions",
        data={
            "title": "Thanks to the host city",
            "text": "The Council thanks Seoul.",
            "method": "consensus",
        },
    )
    register = app.test_client().get("/api/v1/resolutions?year=2018").get_json()["items"]
    assert [(r["number"], r["mode"]) for r in register] == [
        ("DWCN/RES/2018/2", "in_session"),
        ("DWCN/RES/2018/1", "in_session"),
    ]
    page = app.test_client().get(meeting).get_data(as_text=True)
    assert "In session" in page and "Adopted by consensus" in page
    assert "Carried" in motion(app, motion_id)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"method": "roll-call"}, "Enter how each city present voted."),
        (
            {"method": "roll-call", "city_seoul": "maybe"},
            "The roll call names a city or a choice that is not valid.",
        ),
        ({"method": "consensus", "title": ""}, "Give the decision a title and a text."),
        ({"method": "consensus", "motion": "9999"}, "Choose a motion from the list."),
    ],
)
def test_bad_decisions_are_refused(app, council, ledger, data, message):
    meeting = (
        council["secretariat"]
        .post(
            "/meetings/new",
            data={
                "title": "Roundtable",
                "starts_at": "2018-12-12T13:30",
                "ends_at": "2018-12-12T15:30",
                "place": "Seoul",
            },
        )
        .location
    )
    before = ledger.audit_seq()
    response = council["secretariat"].post(
        f"{meeting}/decisions", data={"title": "T", "text": "Text.", **data}
    )
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert ledger.audit_seq() == before


def test_the_register_filters_searches_and_feeds(app, council):
    for title in ("Living wage", "Platform workers"):
        motion_id = propose(council["Seoul"], title=title)
        council["Hamburg"].post(f"/motions/{motion_id}/second")
        vote_on(app, council, motion_id, ALL_YES)
    public = app.test_client()
    page = public.get("/resolutions/?q=platform").get_data(as_text=True)
    assert "Platform workers" in page and "Living wage" not in page
    assert public.get("/api/v1/resolutions?kind=admission").get_json()["total"] == 0
    assert public.get("/api/v1/resolutions?kind=nonsense").status_code == 400
    assert public.get("/api/v1/resolutions?year=18").status_code == 400
    feed = public.get("/resolutions/feed.atom")
    assert feed.mimetype == "application/atom+xml"
    root = ET.fromstring(feed.get_data())
    titles = [e.text for e in root.iter("{http://www.w3.org/2005/Atom}title")]
    assert any(re.match(r"DWCN/RES/\d{4}/2: Platform workers", t or "") for t in titles)
