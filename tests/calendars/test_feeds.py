"""The calendars (RFC 5545): the network's public feed and each person's private one.

Each feed is read back with the ``icalendar`` library, as a calendar application reads
it: meetings in their own time zone with a VTIMEZONE, vote closings at their instant,
the last days for signatures as whole days, stable UIDs and absolute links. A person's
address is a secret that can be renewed (the old one is then not found), shows only
what concerns their city, and nothing of it reaches the public feed.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine
from icalendar import Calendar

from network.auth.models import User
from network.calendars.events import meeting_calendar
from network.charter import services as charter
from network.cities.models import MembershipStatus
from network.common import clock
from network.db import db
from network.meetings.models import Meeting
from network.votes import services as votes
from network.votes.models import Secrecy, VoteKind
from tests.declarations.test_story import open_declaration, sign

NOW = datetime(2031, 5, 1, 9, 0, tzinfo=UTC)
CLOSES = datetime(2031, 5, 20, 9, 30, tzinfo=UTC)
LINK = "https://meet.example.org/dwcn-forum?pwd=s3cret"
SEOUL = ZoneInfo("Asia/Seoul")


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def council(make, as_user):
    seoul = make.city("Seoul")
    hamburg = make.city("Hamburg", country="DE")
    milan = make.city("Milan", country="IT", status=MembershipStatus.suspended)
    people = {
        "park": make.delegate(seoul, name="Park", signing_authority=True),
        "hamburg": make.delegate(hamburg, name="Tschentscher", signing_authority=True),
        "milan": make.delegate(milan, name="Sala"),
        "observer": make.observer(),
        "secretariat": make.secretariat(),
    }
    return {
        "cities": {"seoul": seoul, "hamburg": hamburg, "milan": milan},
        "users": people,
        **{name: as_user(user) for name, user in people.items()},
    }


def officer() -> User:
    return db.session.scalar(sa.select(User).where(User.role == "secretariat"))


def open_vote(app, closes_at: datetime = CLOSES) -> int:
    """Open a vote on a charter draft; the electorate: the members in good standing now."""
    with app.app_context():
        version = charter.create_draft(actor=officer(), now=clock.now())
        vote = votes.create_vote(
            subject_type=charter.SUBJECT,
            subject_id=version.id,
            title=f"Charter {version.number}",
            kind=VoteKind.approval,
            secrecy=Secrecy.recorded,
            rule_key="amendment",
            closes_at=closes_at,
            actor=None,
            now=clock.now(),
        )
        votes.open_vote(vote, actor=None, now=clock.now())
        db.session.commit()
        return vote.id


def convene(council, **changes) -> int:
    data = {
        "title": "General Assembly",
        "time_zone": "Asia/Seoul",
        "starts_at": "2031-06-02T13:30",
        "ends_at": "2031-06-02T15:30",
        "mode": "hybrid",
        "place": "Seoul City Hall",
        "online_url": LINK,
    } | changes
    response = council["secretariat"].post("/meetings/new", data=data)
    assert response.status_code == 302, unescape(response.get_data(as_text=True))
    return int(response.location.rsplit("/", 1)[1])


def parse(response) -> Calendar:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/calendar"
    assert response.mimetype_params["charset"] == "utf-8"
    return Calendar.from_ical(response.data)


def events_of(calendar: Calendar) -> dict[str, object]:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def address_of(client) -> str:
    html = unescape(client.get("/account").get_data(as_text=True))
    start = html.index('id="calendar-address"')
    value = html.index('value="', start) + len('value="')
    return html[value : html.index('"', value)]


def new_address(client) -> str:
    response = client.post("/account/calendar")
    assert response.status_code == 302
    return address_of(client)


def path(address: str) -> str:
    assert address.startswith("http://localhost/calendar/") and address.endswith(".ics")
    return address.removeprefix("http://localhost")


# The public feed


def test_the_public_feed_gives_meetings_in_their_zone_and_votes_at_their_closing(
    app, client, council
):
    meeting_id = convene(council)
    vote_id = open_vote(app)
    calendar = parse(client.get("/calendar.ics"))
    assert str(calendar["VERSION"]) == "2.0" and "Decent Work City Network" in calendar["PRODID"]
    found = events_of(calendar)

    meeting = found[f"meeting-{meeting_id}@localhost"]
    start, end = meeting.decoded("DTSTART"), meeting.decoded("DTEND")
    assert start == datetime(2031, 6, 2, 13, 30, tzinfo=SEOUL)
    assert end == datetime(2031, 6, 2, 15, 30, tzinfo=SEOUL)
    assert meeting["DTSTART"].params["TZID"] == "Asia/Seoul"
    assert str(meeting["SUMMARY"]) == "General Assembly"
    assert "Seoul City Hall" in str(meeting["LOCATION"])
    assert str(meeting["URL"]) == f"http://localhost/meetings/{meeting_id}"
    assert meeting.decoded("DTSTAMP") == NOW
    zones = {str(zone["TZID"]): zone for zone in calendar.walk("VTIMEZONE")}
    assert set(zones) == {"Asia/Seoul"}
    assert zones["Asia/Seoul"].to_tz().utcoffset(datetime(2031, 6, 2, 13, 30)) == timedelta(hours=9)

    closing = found[f"vote-{vote_id}-closes@localhost"]
    assert closing.decoded("DTSTART") == CLOSES
    assert "DTEND" not in closing and "DURATION" not in closing  # an instant
    assert str(closing["TRANSP"]) == "TRANSPARENT"
    assert str(closing["SUMMARY"]).startswith("Vote closes: ")
    assert str(closing["URL"]) == f"http://localhost/votes/{vote_id}"


def test_the_public_feed_holds_nothing_of_any_person_or_city(app, client, council):
    convene(council)
    open_vote(app)
    slug = open_declaration(council["secretariat"], signatures_close_on="2031-06-30")
    council["park"].post("/account/calendar")
    body = client.get("/calendar.ics").get_data(as_text=True)
    assert "meet.example.org" not in body and "CONFERENCE" not in body
    assert "Your city" not in body and "/ballot" not in body and "/sign" not in body
    deadline = events_of(Calendar.from_ical(body))[f"declaration-{slug}-signatures-close@localhost"]
    assert deadline.decoded("DTSTART") == date(2031, 6, 30)
    assert deadline.decoded("DTEND") == date(2031, 7, 1)
    assert str(deadline["SUMMARY"]) == "Last day to sign: Declaration on the living wage"
    assert str(deadline["URL"]) == f"http://localhost/declarations/{slug}"


def test_uids_stay_the_same_and_use_the_public_address(app, client, council, monkeypatch):
    meeting_id = convene(council)
    first = set(events_of(parse(client.get("/calendar.ics"))))
    open_vote(app)
    second = set(events_of(parse(client.get("/calendar.ics"))))
    assert first < second
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://dwcn.example")
    calendar = parse(client.get("/calendar.ics"))
    meeting = events_of(calendar)[f"meeting-{meeting_id}@dwcn.example"]
    assert str(meeting["URL"]) == f"https://dwcn.example/meetings/{meeting_id}"


def test_the_public_feed_is_answered_304_while_nothing_changed(app, client, council):
    convene(council)
    first = client.get("/calendar.ics")
    etag = first.headers["ETag"]
    again = client.get("/calendar.ics", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    open_vote(app)
    changed = client.get("/calendar.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_the_public_feed_takes_a_language(client, council):
    convene(council)
    assert client.get("/calendar.ics?lang=ko").headers["Content-Language"] == "ko"
    assert client.get("/calendar.ics?lang=not a language").status_code == 400


# A person's own feed


def test_a_delegates_feed_shows_their_citys_votes_and_what_it_has_to_do(app, client, council):
    meeting_id = convene(council)
    vote_id = open_vote(app)
    slug = open_declaration(council["secretariat"], signatures_close_on="2031-06-30")
    address = new_address(council["hamburg"])
    found = events_of(parse(client.get(path(address))))

    meeting = found[f"meeting-{meeting_id}@localhost"]
    assert str(meeting["CONFERENCE"]) == LINK and LINK in str(meeting["DESCRIPTION"])
    assert meeting.decoded("DTSTART") == datetime(2031, 6, 2, 13, 30, tzinfo=SEOUL)

    closing = found[f"vote-{vote_id}-closes@localhost"]
    assert "Your city has not voted yet." in str(closing["DESCRIPTION"])
    assert str(closing["URL"]) == f"http://localhost/votes/{vote_id}/ballot"

    deadline = found[f"declaration-{slug}-signatures-close@localhost"]
    assert "Your city has not signed it yet." in str(deadline["DESCRIPTION"])
    assert str(deadline["URL"]) == f"http://localhost/declarations/{slug}/sign"

    council["hamburg"].post(f"/votes/{vote_id}/ballot", data={"choice": "yes", "step": "confirm"})
    assert sign(council["hamburg"], slug).status_code == 302
    found = events_of(parse(client.get(path(address))))
    closing = found[f"vote-{vote_id}-closes@localhost"]
    assert "Your city has voted." in str(closing["DESCRIPTION"])
    assert f"declaration-{slug}-signatures-close@localhost" not in found


def test_each_person_sees_only_their_own_citys_items(app, client, council):
    slug = open_declaration(council["secretariat"], signatures_close_on="2031-06-30")
    vote_id = open_vote(app)  # Milan is suspended: not in the electorate
    assert sign(council["park"], slug).status_code == 302
    seoul = events_of(parse(client.get(path(new_address(council["park"])))))
    hamburg = events_of(parse(client.get(path(new_address(council["hamburg"])))))
    milan = events_of(parse(client.get(path(new_address(council["milan"])))))
    vote_uid = f"vote-{vote_id}-closes@localhost"
    deadline_uid = f"declaration-{slug}-signatures-close@localhost"
    assert vote_uid in seoul and vote_uid in hamburg and vote_uid not in milan
    assert deadline_uid in hamburg and deadline_uid not in seoul  # Seoul has signed
    body = client.get(path(address_of(council["park"]))).get_data(as_text=True)
    assert "Seoul" in body and "Hamburg" not in body


def test_an_observers_feed_holds_the_public_items_with_the_links(app, client, council):
    meeting_id = convene(council)
    vote_id = open_vote(app)
    found = events_of(parse(client.get(path(new_address(council["observer"])))))
    assert str(found[f"meeting-{meeting_id}@localhost"]["CONFERENCE"]) == LINK
    closing = found[f"vote-{vote_id}-closes@localhost"]
    assert "Your city" not in str(closing["DESCRIPTION"])


def test_a_new_address_replaces_the_old_one_and_is_audited(app, client, council, ledger):
    before = ledger.audit_seq()
    first = new_address(council["hamburg"])
    assert client.get(path(first)).status_code == 200
    assert address_of(council["hamburg"]) == first  # the same every time it is shown
    second = new_address(council["hamburg"])
    assert second != first
    assert client.get(path(first)).status_code == 404
    assert client.get(path(second)).status_code == 200
    entries = ledger.entries_since(before)
    assert [entry.action for entry in entries] == [
        "calendar.link_created",
        "calendar.link_renewed",
    ]
    assert all(not entry.public for entry in entries)
    assert all(first.split("/")[-1] not in str(entry.data) for entry in entries)


def test_made_up_forged_and_deactivated_addresses_are_not_found(app, client, council):
    address = path(new_address(council["hamburg"]))
    token = address.removeprefix("/calendar/").removesuffix(".ics")
    user_id, nonce, signature = token.split(".")
    for wrong in (
        "/calendar/made-up.ics",
        f"/calendar/{user_id}.{nonce}.{signature[:-2]}AA.ics",
        f"/calendar/{int(user_id) + 1}.{nonce}.{signature}.ics",
    ):
        assert client.get(wrong).status_code == 404, wrong
    with app.app_context():
        user = db.session.get(User, council["users"]["hamburg"].id)
        from network.auth.services import set_active

        set_active(user, False, actor=officer(), now=clock.now())
        db.session.commit()
    assert client.get(address).status_code == 404


def test_the_account_page_offers_the_address_and_a_new_one(council):
    html = unescape(council["park"].get("/account").get_data(as_text=True))
    assert "Make my calendar address" in html and 'id="calendar-address"' not in html
    address = new_address(council["park"])
    html = unescape(council["park"].get("/account").get_data(as_text=True))
    assert address in html and "Copy this address" in html and "Make a new address" in html
    assert "http://localhost/calendar.ics" in html


def test_the_private_feed_is_in_the_persons_language(app, client, council):
    with app.app_context():
        user = db.session.get(User, council["users"]["park"].id)
        user.locale = "ko"
        db.session.commit()
    response = client.get(path(new_address(council["park"])))
    assert response.headers["Content-Language"] == "ko"
    assert response.headers["X-Robots-Tag"] == "noindex"


# The event a notice can attach


def test_a_meeting_as_a_calendar_to_attach_to_a_mail(app, council):
    meeting_id = convene(council)
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        text = meeting_calendar(meeting, stamp=NOW + timedelta(minutes=5))
    calendar = Calendar.from_ical(text)
    assert str(calendar["METHOD"]) == "PUBLISH"
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"meeting-{meeting_id}@localhost"
    assert event.decoded("DTSTAMP") == NOW + timedelta(minutes=5)
    assert str(event["CONFERENCE"]) == LINK
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Asia/Seoul"]


# The last day for signatures, set on the draft


def test_the_last_day_for_signatures_is_announced_and_cannot_be_past(app, client, council):
    from tests.declarations.test_story import DRAFT

    officer_client = council["secretariat"]
    response = officer_client.post(
        "/secretariat/declarations/new", data=DRAFT | {"signatures_close_on": "2031-04-30"}
    )
    assert response.status_code == 422
    assert "cannot be in the past" in unescape(response.get_data(as_text=True))
    slug = open_declaration(officer_client, signatures_close_on="2031-06-30")
    html = unescape(client.get(f"/declarations/{slug}").get_data(as_text=True))
    assert "Last day for signatures" in html and "Jun 30, 2031" in html
    body = client.get(f"/api/v1/declarations/{slug}").get_json()
    assert body["signatures_close_on"] == "2031-06-30"
