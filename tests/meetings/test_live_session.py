"""The live session: the secretariat's screen, the projector, the delegates' page, live.json.

The secretariat opens the session, takes up items, opens the current item's vote from
its motion, charter version or election (through those domains' own paths), closes it
in the room and adjourns: each a POST, one transaction, an audit entry, and a clear
refusal that changes nothing when the state does not allow it. The projector and
``live.json`` show turnout while a vote is open and never how anyone voted; the JSON
answers 304 to its own ETag while nothing changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from html import unescape

import pytest

from network.auth.models import User
from network.auth.session import LAST_SEEN
from network.charter import services as charter
from network.charter.models import CharterVersion
from network.cities.models import City
from network.common import clock
from network.db import db
from network.elections import services as elections
from network.elections.models import Election, Office
from network.meetings import services
from network.meetings.models import AgendaItem, AgendaKind, Meeting, MeetingStatus
from network.motions import services as motions
from network.motions.models import Motion, MotionKind, MotionStatus
from network.votes import services as votes
from network.votes.models import Secrecy, Vote, VoteStatus
from tests.conftest import statements_during


@dataclass
class World:
    """A meeting with four items and the people of three member cities."""

    meeting: int
    items: list[int]  # motion, other business, charter, election
    motion: int
    version: int
    election: int
    officer: User
    delegates: dict[str, User]


@pytest.fixture
def world(app, make) -> World:
    cities = {
        slug: make.city(name)
        for slug, name in [("seoul", "Seoul"), ("hamburg", "Hamburg"), ("vienna", "Vienna")]
    }
    delegates = {slug: make.delegate(city, signing_authority=True) for slug, city in cities.items()}
    officer = make.secretariat()
    with app.app_context():
        now = clock.now()
        actor = db.session.get(User, officer.id)
        seoul = db.session.get(User, delegates["seoul"].id)
        vienna = db.session.get(User, delegates["vienna"].id)
        motion = motions.propose(
            title="Open a Seoul office",
            text="The Council opens an office in Seoul.",
            kind=MotionKind.ordinary,
            subject_city=None,
            charter_version=None,
            actor=seoul,
            now=now,
        )
        motions.second(motion, actor=vienna, now=now)
        version = charter.create_draft(actor=actor, now=now)
        charter.save_article(
            version,
            1,
            [charter.ArticleEntry("en", "Purpose", "Decent work in cities.")],
            replacing=None,
            actor=actor,
            now=now,
        )
        election = elections.create_election(
            office=Office.chair,
            term_start=date(2019, 1, 1),
            term_end=None,
            nominations_close_at=None,
            actor=actor,
            now=now,
        )
        elections.nominate(election, db.session.get(City, cities["seoul"].id), actor=seoul, now=now)
        elections.close_nominations(election, actor=actor, now=now)
        meeting = services.create_meeting(
            title="City Government Roundtable",
            held_on=date(2018, 12, 12),
            place="Seoul City Hall",
            actor=actor,
            now=now,
        )
        items = [
            services.add_agenda_item(
                meeting,
                kind=AgendaKind.motion,
                title="The office",
                motion=motion,
                actor=actor,
                now=now,
            ),
            services.add_agenda_item(
                meeting,
                kind=AgendaKind.other,
                title="Any other business",
                motion=None,
                actor=actor,
                now=now,
            ),
            services.add_agenda_item(
                meeting,
                kind=AgendaKind.charter,
                title="The charter",
                motion=None,
                charter_version=version,
                actor=actor,
                now=now,
            ),
            services.add_agenda_item(
                meeting,
                kind=AgendaKind.election,
                title="The chair",
                motion=None,
                election=election,
                actor=actor,
                now=now,
            ),
        ]
        db.session.commit()
        return World(
            meeting=meeting.id,
            items=[item.id for item in items],
            motion=motion.id,
            version=version.id,
            election=election.id,
            officer=officer,
            delegates=delegates,
        )


@pytest.fixture
def officer(world, as_user):
    return as_user(world.officer)


def _meeting(app, world) -> Meeting:
    with app.app_context():
        meeting = db.session.get(Meeting, world.meeting)
        db.session.expunge(meeting)
        return meeting


def _item(app, item_id) -> AgendaItem:
    with app.app_context():
        item = db.session.get(AgendaItem, item_id)
        db.session.expunge(item)
        return item


def _vote(app, vote_id) -> Vote:
    with app.app_context():
        vote = db.session.get(Vote, vote_id)
        db.session.expunge(vote)
        return vote


def act(client, world, action: str, **data) -> str:
    """Press a button of the session screen; return the message flashed."""
    response = client.post(f"/meetings/{world.meeting}/session/{action}", data=data)
    assert response.status_code == 302
    assert response.location.endswith(f"/meetings/{world.meeting}/session")
    page = client.get(response.location)
    assert page.status_code == 200
    return unescape(page.get_data(as_text=True))


def cast(app, world, slug: str, choice="yes") -> None:
    with app.app_context():
        delegate = db.session.get(User, world.delegates[slug].id)
        item = db.session.get(AgendaItem, db.session.get(Meeting, world.meeting).current_item_id)
        vote = db.session.get(Vote, item.vote_id)
        votes.cast_ballot(vote, delegate.city, choice, actor=delegate, now=clock.now())
        db.session.commit()


def live_json(client, world, **headers):
    return client.get(f"/meetings/{world.meeting}/live.json", headers=headers)


# --- the secretariat runs the session ---------------------------------------------------


def test_the_secretariat_runs_a_motion_through_the_session(app, world, officer, ledger):
    before = ledger.audit_seq()
    page = act(officer, world, "open")
    assert "The session is open." in page
    assert _meeting(app, world).status is MeetingStatus.in_session
    assert [e.action for e in ledger.entries_since(before)] == ["meeting.session_opened"]

    before = ledger.audit_seq()
    page = act(officer, world, "item")
    assert "The item is taken up." in page
    assert _meeting(app, world).current_item_id == world.items[0]
    entries = ledger.entries_since(before)
    assert [e.action for e in entries] == ["meeting.item_taken_up"]
    assert entries[0].data == {"item": 1, "title": "The office"}

    before = ledger.audit_seq()
    page = act(officer, world, "vote", secrecy="recorded")
    assert "The vote is open" in page
    item = _item(app, world.items[0])
    vote = _vote(app, item.vote_id)
    assert vote.status is VoteStatus.open and vote.closes_at is None
    assert (vote.subject_type, vote.subject_id) == ("motion", world.motion)
    # The motion's own path put it to the vote (its entries), then the item names the vote.
    actions = [e.action for e in ledger.entries_since(before)]
    assert actions == [
        "vote.created",
        "vote.opened",
        "motion.put_to_vote",
        "meeting.item_vote_opened",
    ]
    assert "0 of 3 cities have voted." in page

    cast(app, world, "seoul")
    cast(app, world, "hamburg", "no")
    cast(app, world, "vienna")
    before = ledger.audit_seq()
    page = act(officer, world, "close")
    assert "The vote is closed and its result published." in page
    vote = _vote(app, vote.id)
    assert vote.status is VoteStatus.closed and vote.result["outcome"] == "carried"
    actions = [e.action for e in ledger.entries_since(before)]
    # The engine closes and counts; the motion carried becomes a resolution.
    assert actions == ["vote.closed", "resolution.registered", "motion.carried"]
    with app.app_context():
        assert db.session.get(Motion, world.motion).status is MotionStatus.carried

    before = ledger.audit_seq()
    page = act(officer, world, "adjourn")
    assert "The meeting is adjourned." in page
    meeting = _meeting(app, world)
    assert meeting.status is MeetingStatus.adjourned and meeting.current_item_id is None
    assert [e.action for e in ledger.entries_since(before)] == ["meeting.adjourned"]


def test_a_chosen_item_is_taken_up_and_the_next_follows_it(app, world, officer):
    act(officer, world, "open")
    act(officer, world, "item", item=str(world.items[2]))
    assert _meeting(app, world).current_item_id == world.items[2]
    act(officer, world, "item")
    assert _meeting(app, world).current_item_id == world.items[3]
    page = act(officer, world, "item")
    assert "This is the last item on the agenda." in page
    assert _meeting(app, world).current_item_id == world.items[3]


def test_the_charter_item_opens_the_adoption_vote_through_the_charter(app, world, officer):
    act(officer, world, "open")
    act(officer, world, "item", item=str(world.items[2]))
    act(officer, world, "vote", secrecy="recorded")
    vote = _vote(app, _item(app, world.items[2]).vote_id)
    assert (vote.subject_type, vote.subject_id, vote.status) == (
        "charter_version",
        world.version,
        VoteStatus.open,
    )
    with app.app_context():
        assert db.session.get(CharterVersion, world.version).vote_id == vote.id


def test_an_open_vote_of_the_subject_is_taken_up_as_it_is(app, world, officer):
    """A charter vote opened online before the meeting is closed in the room."""
    with app.app_context():
        version = db.session.get(CharterVersion, world.version)
        actor = db.session.get(User, world.officer.id)
        online = charter.put_to_vote(
            version, secrecy=Secrecy.secret, closes_at=None, actor=actor, now=clock.now()
        )
        db.session.commit()
        online_id = online.id
    act(officer, world, "open")
    act(officer, world, "item", item=str(world.items[2]))
    act(officer, world, "vote", secrecy="recorded")
    assert _item(app, world.items[2]).vote_id == online_id
    assert _vote(app, online_id).secrecy is Secrecy.secret  # as it was opened


def test_the_election_item_opens_a_round_of_the_election(app, world, officer):
    act(officer, world, "open")
    act(officer, world, "item", item=str(world.items[3]))
    page = act(officer, world, "vote", secrecy="secret")
    assert "The vote is open" in page
    vote = _vote(app, _item(app, world.items[3]).vote_id)
    assert vote.subject_type == "election_round" and vote.secrecy is Secrecy.secret
    with app.app_context():
        assert db.session.get(Election, world.election).rounds[0].vote_id == vote.id


REFUSALS = [
    # (steps before, action, data, message)
    ([], "item", {}, "The session has not been opened yet."),
    ([], "vote", {"secrecy": "recorded"}, "The session has not been opened yet."),
    ([], "close", {}, "The session has not been opened yet."),
    ([], "adjourn", {}, "The session has not been opened yet."),
    ([("open", {})], "open", {}, "The session is already open."),
    ([("open", {})], "vote", {"secrecy": "recorded"}, "Take up an agenda item first."),
    ([("open", {})], "close", {}, "Take up an agenda item first."),
    ([("open", {})], "item", {"item": "999999"}, "Choose an item of the agenda."),
    ([("open", {})], "item", {"item": "abc"}, "Choose an item of the agenda."),
    ([("open", {}), ("item", {})], "close", {}, "No vote is open on the current item."),
    (
        [("open", {}), ("item", {}), ("item", {})],
        "vote",
        {"secrecy": "recorded"},
        "This item has no motion, charter version or election to vote on",
    ),
    (
        [("open", {}), ("item", {}), ("vote", {"secrecy": "recorded"})],
        "vote",
        {"secrecy": "recorded"},
        "The vote on this item is already open.",
    ),
    (
        [("open", {}), ("item", {}), ("vote", {"secrecy": "recorded"})],
        "item",
        {},
        "A vote is open on the current item: close it before moving on.",
    ),
    (
        [("open", {}), ("item", {}), ("vote", {"secrecy": "recorded"})],
        "adjourn",
        {},
        "A vote is open on the current item: close it before adjourning.",
    ),
    (
        [("open", {}), ("item", {})],
        "item",
        {"item": "{first}"},
        "This item is already the current one.",
    ),
    ([("open", {}), ("item", {})], "vote", {"secrecy": "public"}, "Choose the kind of ballot."),
    (
        [("open", {}), ("adjourn", {})],
        "open",
        {},
        "The meeting is adjourned: its session cannot be opened again.",
    ),
    ([("open", {}), ("adjourn", {})], "item", {}, "The meeting is adjourned: its session is over."),
]


@pytest.mark.parametrize(("steps", "action", "data", "message"), REFUSALS)
def test_a_refused_action_says_why_and_changes_nothing(
    app, world, officer, ledger, steps, action, data, message
):
    for step, step_data in steps:
        act(officer, world, step, **step_data)
    data = {k: v.replace("{first}", str(world.items[0])) for k, v in data.items()}
    before, meeting = ledger.audit_seq(), _meeting(app, world)
    page = act(officer, world, action, **data)
    assert message in page
    assert ledger.audit_seq() == before
    after = _meeting(app, world)
    assert (after.status, after.current_item_id) == (meeting.status, meeting.current_item_id)


def test_a_motion_not_seconded_is_refused_by_the_motions_own_rule(
    app, world, officer, make, ledger
):
    with app.app_context():
        proposer = db.session.get(User, world.delegates["hamburg"].id)
        actor = db.session.get(User, world.officer.id)
        lonely = motions.propose(
            title="Unseconded",
            text="Nobody seconds this.",
            kind=MotionKind.ordinary,
            subject_city=None,
            charter_version=None,
            actor=proposer,
            now=clock.now(),
        )
        item = services.add_agenda_item(
            db.session.get(Meeting, world.meeting),
            kind=AgendaKind.motion,
            title="Unseconded",
            motion=lonely,
            actor=actor,
            now=clock.now(),
        )
        db.session.commit()
        item_id = item.id
    act(officer, world, "open")
    act(officer, world, "item", item=str(item_id))
    before = ledger.audit_seq()
    page = act(officer, world, "vote", secrecy="recorded")
    assert "Only a seconded motion can be put to the vote." in page
    assert ledger.audit_seq() == before and _item(app, item_id).vote_id is None


def test_the_session_screen_shows_the_actions_the_state_allows(world, officer):
    url = f"/meetings/{world.meeting}/session"
    page = unescape(officer.get(url).get_data(as_text=True))
    assert "Open the session" in page and "Adjourn the meeting" not in page
    act(officer, world, "open")
    act(officer, world, "item")
    page = unescape(officer.get(url).get_data(as_text=True))
    assert "Open the vote on this item" in page and "Next item" in page
    assert f"/meetings/{world.meeting}#decision-heading" in page  # record a decision
    assert f"/meetings/{world.meeting}/projector" in page
    act(officer, world, "vote", secrecy="recorded")
    page = unescape(officer.get(url).get_data(as_text=True))
    assert "Close the vote now and publish the result" in page
    assert "Open the vote on this item" not in page
    assert 'aria-live="polite"' in page and "js/live.js" in page


# --- who may do what ----------------------------------------------------------------------


@pytest.mark.parametrize("action", ["open", "item", "vote", "close", "adjourn"])
def test_only_the_secretariat_runs_the_session(app, world, as_user, client, ledger, action):
    before = ledger.audit_seq()
    delegate = as_user(world.delegates["seoul"])
    assert delegate.post(f"/meetings/{world.meeting}/session/{action}").status_code == 403
    assert delegate.get(f"/meetings/{world.meeting}/session").status_code == 403
    response = client.post(f"/meetings/{world.meeting}/session/{action}")
    assert response.status_code == 302 and response.location.startswith("/login")
    assert ledger.audit_seq() == before


def test_the_projector_is_public_and_the_live_page_for_signed_in_people(world, client, as_user):
    assert client.get(f"/meetings/{world.meeting}/projector").status_code == 200
    assert client.get(f"/meetings/{world.meeting}/live.json").status_code == 200
    response = client.get(f"/meetings/{world.meeting}/live")
    assert response.status_code == 302 and response.location.startswith("/login")
    assert (
        as_user(world.delegates["seoul"]).get(f"/meetings/{world.meeting}/live").status_code == 200
    )
    assert client.get("/meetings/999999/projector").status_code == 404
    assert client.get("/meetings/999999/live.json").status_code == 404


# --- what the room and the delegates see --------------------------------------------------


def test_live_json_gives_turnout_and_never_how_anyone_voted_while_open(app, world, officer, client):
    act(officer, world, "open")
    act(officer, world, "item")
    act(officer, world, "vote", secrecy="recorded")
    cast(app, world, "seoul", "yes")
    cast(app, world, "hamburg", "no")
    state = live_json(client, world).get_json()
    assert state["status"] == "in-session"
    assert state["item"] == {"position": 1, "of": 4, "kind": "motion", "title": "The office"}
    assert state["vote"]["cast"] == 2 and state["vote"]["electorate"] == 3
    assert state["vote"]["outcome"] is None and state["flags"]["vote_open"]
    assert state["texts"]["turnout"] == "2 of 3 cities have voted."
    assert state["texts"]["counts"] == [] and state["texts"]["outcome"] == ""
    text = json.dumps(state)
    for secret in ('"yes"', '"no"', "Yes", "No", "seoul", "hamburg", "receipt"):
        assert secret not in text, secret
    projector = client.get(f"/meetings/{world.meeting}/projector").get_data(as_text=True)
    assert "2 of 3 cities have voted." in projector
    assert "live-count" not in projector.split("projector-counts", 1)[1].split("</ul>", 1)[0]

    act(officer, world, "close")
    state = live_json(client, world).get_json()
    assert state["vote"]["outcome"] == "defeated"  # one yes, one no: no simple majority
    assert {row["label"]: row["count"] for row in state["texts"]["counts"]} == {
        "Yes": 1,
        "No": 1,
        "Abstain": 0,
    }
    assert state["links"]["result"] == f"/votes/{state['vote']['id']}"
    projector = unescape(client.get(f"/meetings/{world.meeting}/projector").get_data(as_text=True))
    assert "Quorum met" in projector and state["texts"]["outcome"] in projector


def test_a_secret_election_round_shows_turnout_only_then_the_names(app, world, officer, client):
    act(officer, world, "open")
    act(officer, world, "item", item=str(world.items[3]))
    act(officer, world, "vote", secrecy="secret")
    vote = _vote(app, _item(app, world.items[3]).vote_id)
    with app.app_context():
        option = db.session.get(Vote, vote.id).options[0].id
    cast(app, world, "seoul", option)
    state = live_json(client, world).get_json()
    assert state["texts"]["turnout"] == "1 of 3 cities have voted."
    assert "Seoul" not in json.dumps(state["texts"])
    act(officer, world, "close")
    state = live_json(client, world).get_json()
    assert state["texts"]["counts"] == [{"label": "Seoul", "count": 1}]


def test_the_delegates_page_gives_the_ballot_once_the_vote_opens(app, world, officer, as_user):
    delegate = as_user(world.delegates["hamburg"])
    url = f"/meetings/{world.meeting}/live"
    page = unescape(delegate.get(url).get_data(as_text=True))
    assert "The session has not opened yet." in page
    assert delegate.get(url + ".json").get_json()["links"]["ballot"] is None
    act(officer, world, "open")
    act(officer, world, "item")
    act(officer, world, "vote", secrecy="recorded")
    state = delegate.get(url + ".json").get_json()
    vote_id = state["vote"]["id"]
    assert state["flags"]["can_vote"] and state["links"]["ballot"] == f"/votes/{vote_id}/ballot"
    page = unescape(delegate.get(url).get_data(as_text=True))
    assert f'href="/votes/{vote_id}/ballot"' in page and "Cast your city's ballot" in page
    cast(app, world, "hamburg")
    state = delegate.get(url + ".json").get_json()
    assert state["flags"]["voted"] and not state["flags"]["can_vote"]
    assert state["links"]["ballot"] is None
    # Nobody else's answer says it: the public one has no city, the observer's neither.
    assert not live_json(as_user(world.delegates["seoul"]), world).get_json()["flags"]["voted"]


def test_the_projector_has_a_second_language_line(world, officer, client):
    act(officer, world, "open")
    page = client.get(f"/meetings/{world.meeting}/projector?second=ko").get_data(as_text=True)
    assert '<span class="second" lang="ko" data-live-text="second.status">' in page
    state = client.get(f"/meetings/{world.meeting}/live.json?second=ko").get_json()
    assert state["second"]["language"] == "ko"
    assert state["second"]["status"] != state["texts"]["status"]
    page = client.get(f"/meetings/{world.meeting}/projector?lang=fr").get_data(as_text=True)
    assert '<html lang="fr">' in page
    # A language the site does not have is left out, not an error.
    page = client.get(f"/meetings/{world.meeting}/projector?second=xx").get_data(as_text=True)
    assert 'class="second"' not in page


# --- ETag and 304 -------------------------------------------------------------------------


def test_live_json_answers_304_while_nothing_changed(app, world, officer, client):
    first = live_json(client, world)
    etag = first.headers["ETag"]
    again = live_json(client, world, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    act(officer, world, "open")  # an audit entry: the state may have changed
    changed = live_json(client, world, **{"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.get_json()["status"] == "in-session"


def test_a_delegates_live_json_has_an_etag_of_its_own(app, world, officer, as_user):
    act(officer, world, "open")
    act(officer, world, "item")
    act(officer, world, "vote", secrecy="recorded")
    hamburg, seoul = as_user(world.delegates["hamburg"]), as_user(world.delegates["seoul"])
    mine = live_json(hamburg, world)
    assert mine.headers["Cache-Control"] == "private, no-cache"
    assert mine.headers["ETag"] != live_json(seoul, world).headers["ETag"]
    etag = mine.headers["ETag"]
    assert live_json(hamburg, world, **{"If-None-Match": etag}).status_code == 304
    cast(app, world, "seoul")  # another city votes: the turnout changes
    changed = live_json(hamburg, world, **{"If-None-Match": etag})
    assert changed.status_code == 200 and changed.get_json()["vote"]["cast"] == 1


def test_live_json_costs_a_fixed_small_number_of_statements(app, world, officer, client, as_user):
    act(officer, world, "open")
    act(officer, world, "item")
    act(officer, world, "vote", secrecy="recorded")
    delegate = as_user(world.delegates["hamburg"])
    url = f"/meetings/{world.meeting}/live.json"
    # A visitor: the marks, then the one statement of the state.
    count, response = statements_during(lambda: client.get(url))
    assert response.status_code == 200 and count <= 3
    # A delegate: their account, the marks, the state, whether their city voted.
    count, response = statements_during(lambda: delegate.get(url))
    assert response.status_code == 200 and count <= 5
    etag = response.headers["ETag"]
    count, response = statements_during(lambda: delegate.get(url, headers={"If-None-Match": etag}))
    assert response.status_code == 304 and count <= 2
    etag = client.get(url).headers["ETag"]
    count, response = statements_during(lambda: client.get(url, headers={"If-None-Match": etag}))
    assert response.status_code == 304 and count <= 1


def test_polling_never_writes_the_session_cookie_nor_keeps_the_session_alive(
    app, world, officer, as_user, time_machine
):
    """A poll answered just after a form's POST must not put the older cookie back.

    The browser keeps the cookie of the last answer: a poll sent before the POST and
    answered after it would restore the session as it was, losing the POST's flash
    message (seen in the roundtable journey) or a logout. Nor is a poll the person's
    activity: a page left polling does not keep an idle session open.
    """
    act(officer, world, "open")
    hamburg = as_user(world.delegates["hamburg"])
    assert hamburg.get("/account").headers.getlist("Set-Cookie")  # a person's request
    polled = live_json(hamburg, world)
    assert polled.status_code == 200 and polled.headers.getlist("Set-Cookie") == []
    with hamburg.session_transaction() as before:
        last_seen = before[LAST_SEEN]
    idle = app.config["IDLE_TIMEOUT"]
    time_machine.move_to(clock.now() + idle * 2 / 3, tick=False)
    assert live_json(hamburg, world).headers.getlist("Set-Cookie") == []
    with hamburg.session_transaction() as after:
        assert after[LAST_SEEN] == last_seen
    time_machine.move_to(clock.now() + idle / 2, tick=False)  # idle longer than allowed
    ended = hamburg.get("/account")
    assert ended.status_code == 302 and "/login" in ended.headers["Location"]
