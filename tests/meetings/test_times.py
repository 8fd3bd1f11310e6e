"""Meetings have real times in their own time zone, a venue or a link, and a status.

The secretariat's form refuses what does not hold together, with a message on the
field and nothing written; pages show a meeting's times in its zone and in UTC; the
API adds the new fields and keeps the old ones; the link to follow online is given to
signed-in people only.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from html import unescape

import pytest
import sqlalchemy as sa

from network.db import db
from network.meetings import services
from network.meetings.models import Meeting, MeetingMode, MeetingStatus
from network.meetings.rules import is_time_zone, is_web_address, local_moment

ROUNDTABLE = {
    "title": "City Government Roundtable",
    "time_zone": "Asia/Seoul",
    "starts_at": "2018-12-12T13:30",
    "ends_at": "2018-12-12T15:30",
    "mode": "in-person",
    "place": "Seoul City Hall, Multipurpose Hall (8th floor)",
}


@pytest.fixture
def officer(make, as_user):
    return as_user(make.secretariat())


def stored(app, meeting_id: int) -> Meeting:
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        db.session.expunge(meeting)
        return meeting


def convene(officer, **changes) -> int:
    response = officer.post("/meetings/new", data=ROUNDTABLE | changes)
    assert response.status_code == 302, unescape(response.get_data(as_text=True))
    return int(response.location.rsplit("/", 1)[1])


def test_a_meeting_is_convened_at_its_times_in_its_own_zone(app, officer, ledger):
    before = ledger.audit_seq()
    meeting = stored(app, convene(officer))
    assert meeting.starts_at == datetime(2018, 12, 12, 4, 30, tzinfo=UTC)
    assert meeting.ends_at == datetime(2018, 12, 12, 6, 30, tzinfo=UTC)
    assert meeting.time_zone == "Asia/Seoul" and meeting.held_on == date(2018, 12, 12)
    assert meeting.mode is MeetingMode.in_person and meeting.online_url is None
    assert meeting.status is MeetingStatus.convened
    entries = ledger.entries_since(before)
    assert [entry.action for entry in entries] == ["meeting.created"]
    assert entries[0].data["starts_at"] == "2018-12-12T04:30:00+00:00"
    assert entries[0].data["time_zone"] == "Asia/Seoul"


def test_the_page_gives_the_meetings_time_and_utc(app, officer):
    meeting_id = convene(officer)
    html = unescape(app.test_client().get(f"/meetings/{meeting_id}").get_data(as_text=True))
    assert "Dec 12, 2018, 1:30\u202fPM Korean Standard Time" in html
    assert "Dec 12, 2018, 3:30\u202fPM Korean Standard Time" in html
    assert "Dec 12, 2018, 4:30\u202fAM UTC" in html
    assert '<time datetime="2018-12-12T04:30:00Z">' in html
    # The reader's own zone is the browser's: the script fills it in where it differs.
    assert 'data-zone="Asia/Seoul"' in html and "js/local-time.js" in html
    assert "Seoul City Hall, Multipurpose Hall (8th floor)" in html
    assert "Convened" in html
    korean = app.test_client().get(f"/meetings/{meeting_id}", headers={"Accept-Language": "ko"})
    assert "오후 1:30" in unescape(korean.get_data(as_text=True))


def test_the_day_is_the_one_in_the_meetings_zone(app, officer):
    # 23:30 in New York on New Year's Eve is already 1 January in UTC.
    meeting = stored(
        app,
        convene(
            officer,
            time_zone="America/New_York",
            starts_at="2026-12-31T23:30",
            ends_at="2027-01-01T00:30",
        ),
    )
    assert meeting.starts_at == datetime(2027, 1, 1, 4, 30, tzinfo=UTC)
    assert meeting.held_on == date(2026, 12, 31)
    html = unescape(app.test_client().get("/meetings/").get_data(as_text=True))
    assert "Dec 31, 2026, 11:30\u202fPM Eastern Standard Time" in html


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"ends_at": "2018-12-12T13:00"},
            "ends_at",
            "The meeting must end after it starts.",
        ),
        (
            {"ends_at": "2018-12-12T13:30"},
            "ends_at",
            "The meeting must end after it starts.",
        ),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone", "This is not a time zone."),
        ({"time_zone": "KST"}, "time_zone", "This is not a time zone."),
        ({"time_zone": "../../etc/passwd"}, "time_zone", "This is not a time zone."),
        ({"time_zone": ""}, "time_zone", "This field is required."),
        ({"starts_at": "12/12/2018 13:30"}, "starts_at", "Not a valid datetime value."),
        ({"mode": "online", "online_url": ""}, "online_url", "needs the link to follow it"),
        ({"mode": "hybrid", "online_url": ""}, "online_url", "needs the link to follow it"),
        (
            {"mode": "hybrid", "online_url": "javascript:alert(1)"},
            "online_url",
            "The link must be a web address",
        ),
        (
            {"mode": "online", "online_url": "meet.example.org/roundtable"},
            "online_url",
            "The link must be a web address",
        ),
        ({"mode": "in-person", "place": ""}, "place", "Say where the meeting is held."),
        ({"mode": "hybrid", "place": "", "online_url": "https://meet.example.org/r"}, "place", ""),
        ({"mode": "by-carrier-pigeon"}, "mode", "Not a valid choice."),
        # The clocks go forward in Paris at 02:00 on 28 March 2027: 02:30 never happens.
        (
            {
                "time_zone": "Europe/Paris",
                "starts_at": "2027-03-28T02:30",
                "ends_at": "2027-03-28T04:00",
            },
            "starts_at",
            "This time does not exist in that time zone",
        ),
    ],
)
def test_the_form_refuses_what_does_not_hold_together(officer, ledger, changes, field, message):
    before = ledger.snapshot()
    response = officer.post("/meetings/new", data=ROUNDTABLE | changes)
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert f'id="{field}-error"' in html, html
    assert message in html
    assert 'aria-invalid="true"' in html
    assert ledger.snapshot() == before


def test_an_online_meeting_needs_no_venue_and_keeps_its_link_for_signed_in_people(
    app, officer, make, as_user
):
    link = "https://meet.example.org/dwcn-roundtable?pwd=secret"
    meeting_id = convene(officer, mode="online", place="", online_url=link)
    meeting = stored(app, meeting_id)
    assert meeting.mode is MeetingMode.online and meeting.online_url == link
    assert meeting.place == ""
    anonymous = unescape(app.test_client().get(f"/meetings/{meeting_id}").get_data(as_text=True))
    assert link not in anonymous and "once signed in" in anonymous
    observer = as_user(make.observer())
    assert link in unescape(observer.get(f"/meetings/{meeting_id}").get_data(as_text=True))
    api = app.test_client().get(f"/api/v1/meetings/{meeting_id}").get_data(as_text=True)
    assert "meet.example.org" not in api
    assert "meet.example.org" not in app.test_client().get("/api/v1/audit/entries").text


def test_an_in_person_meeting_drops_a_link_given_by_mistake(app, officer):
    meeting = stored(app, convene(officer, online_url="https://meet.example.org/x"))
    assert meeting.online_url is None


def test_the_api_adds_the_times_and_keeps_the_old_fields(app, officer):
    meeting_id = convene(officer, mode="hybrid", online_url="https://meet.example.org/r")
    body = app.test_client().get(f"/api/v1/meetings/{meeting_id}").get_json()
    assert body["held_on"] == "2018-12-12"
    assert body["place"] == ROUNDTABLE["place"]
    assert body["starts_at"] == "2018-12-12T04:30:00+00:00"
    assert body["ends_at"] == "2018-12-12T06:30:00+00:00"
    assert body["time_zone"] == "Asia/Seoul"
    assert body["mode"] == "hybrid" and body["status"] == "convened"
    assert "online_url" not in body
    listed = app.test_client().get("/api/v1/meetings").get_json()["items"][0]
    assert listed["starts_at"] == body["starts_at"] and listed["mode"] == "hybrid"


def test_a_meeting_known_only_by_its_day_starts_at_ten_there_for_two_hours(app):
    with app.app_context():
        meeting = Meeting(
            title="Old", held_on=date(2018, 12, 12), place="Seoul", created_at=datetime.now(UTC)
        )
        assert meeting.starts_at == datetime(2018, 12, 12, 1, 0, tzinfo=UTC)
        assert meeting.ends_at == datetime(2018, 12, 12, 3, 0, tzinfo=UTC)
        assert meeting.time_zone == "Asia/Seoul"


def test_held_on_follows_a_change_of_times(app, make):
    with app.app_context():
        officer = db.session.merge(make.secretariat())
        meeting = services.create_meeting(
            title="Forum",
            starts_at=datetime(2027, 5, 3, 9, 0, tzinfo=UTC),
            ends_at=datetime(2027, 5, 3, 11, 0, tzinfo=UTC),
            time_zone="Pacific/Auckland",
            place="Wellington",
            actor=officer,
            now=datetime(2027, 1, 1, tzinfo=UTC),
        )
        assert meeting.held_on == date(2027, 5, 3)  # 21:00 there
        meeting.starts_at = datetime(2027, 5, 3, 13, 0, tzinfo=UTC)  # 01:00 on the 4th there
        meeting.ends_at = datetime(2027, 5, 3, 15, 0, tzinfo=UTC)
        db.session.flush()
        db.session.expire(meeting)
        assert meeting.held_on == date(2027, 5, 4)
        db.session.rollback()


def test_the_database_refuses_an_end_before_the_start_and_a_missing_link(app):
    with app.app_context():
        for values in (
            {
                "starts_at": datetime(2027, 1, 1, 10, tzinfo=UTC),
                "ends_at": datetime(2027, 1, 1, 9, tzinfo=UTC),
            },
            {"held_on": date(2027, 1, 1), "mode": MeetingMode.online},
        ):
            db.session.add(Meeting(title="X", place="Y", created_at=datetime.now(UTC), **values))
            with pytest.raises(sa.exc.IntegrityError):
                db.session.flush()
            db.session.rollback()


@pytest.mark.parametrize(
    ("name", "known"),
    [
        ("Asia/Seoul", True),
        ("Europe/Paris", True),
        ("UTC", True),
        ("asia/seoul", False),
        ("KST", False),
        ("UTC+9", False),
        ("/etc/localtime", False),
        ("", False),
        ("A" * 65, False),
    ],
)
def test_time_zone_names(name, known):
    assert is_time_zone(name) is known


@pytest.mark.parametrize(
    ("url", "valid"),
    [
        ("https://meet.example.org/r", True),
        ("http://127.0.0.1:8080/x", True),
        ("ftp://example.org/", False),
        ("javascript:alert(1)", False),
        ("https://", False),
        ("https://exa mple.org/", False),
    ],
)
def test_web_addresses(url, valid):
    assert is_web_address(url) is valid


def test_a_time_repeated_when_the_clocks_go_back_is_its_first():
    # Paris goes back from 03:00 to 02:00 on 31 October 2027: 02:30 happens twice.
    moment = local_moment(datetime(2027, 10, 31, 2, 30), "Europe/Paris")
    assert moment == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # still summer time (+02:00)
    assert local_moment(datetime(2027, 3, 28, 2, 30), "Europe/Paris") is None
