"""The demo's 2018 Roundtable is ready to run, and its minutes record who was there.

After ``flask network seed-demo``: the cities present are recorded (in the room or
online, with their delegates), Chefchaouen's proxy is held by Marseille, the quorum in
the room is met, and the agenda (a real one-page PDF) and the Seoul Declaration (its
Korean original and English translation) are attached and downloadable. The session
then runs from the services the secretariat's screen calls, and the minutes' record
holds the attendance and the proxy.
"""

from __future__ import annotations

import io
from datetime import date
from html import unescape

import pypdf
import pytest
import sqlalchemy as sa

from network.auth.models import User
from network.cities.models import City
from network.common import clock
from network.db import db
from network.demo.seed import DEMO_PASSWORD, DEMO_TOTP_SECRET
from network.meetings import attendance, minutes, papers, proxies, session
from network.meetings.models import AttendanceMode, Meeting
from network.votes import services as votes
from network.votes.models import Secrecy
from tests.conftest import log_in


@pytest.fixture
def roundtable(app, database) -> int:
    assert app.test_cli_runner().invoke(args=["network", "seed-demo"]).exit_code == 0
    with app.app_context():
        return db.session.scalar(sa.select(Meeting.id).where(Meeting.title.like("City Gov%")))


def _user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def _city(slug: str) -> City:
    return db.session.scalar(sa.select(City).where(City.slug == slug))


def test_the_demo_roundtable_has_its_room_its_proxy_and_quorum(app, roundtable):
    with app.app_context():
        meeting = db.session.get(Meeting, roundtable)
        present = {
            row.city.slug: (row.mode, sorted(d.user.email for d in row.delegates))
            for row in attendance.attendance_of(meeting)
        }
        assert present == {
            "seoul": (
                AttendanceMode.in_room,
                ["seoul.staff@example.org", "seoul@example.org"],
            ),
            "hamburg": (AttendanceMode.in_room, ["hamburg@example.org"]),
            "vienna": (AttendanceMode.in_room, ["vienna@example.org"]),
            "marseille": (AttendanceMode.in_room, ["marseille@example.org"]),
            "milan": (AttendanceMode.online, ["milan@example.org"]),
            "johannesburg": (AttendanceMode.online, ["johannesburg@example.org"]),
        }
        [proxy] = [p for p in proxies.proxies_of(meeting) if not p.is_revoked]
        assert (proxy.giver.slug, proxy.holder.slug) == ("chefchaouen", "marseille")
        assert proxy.granted_by.signing_authority and proxy.granted_by.city.slug == "chefchaouen"
        quorum = attendance.quorum_of(meeting)
        assert (quorum.present, quorum.by_proxy, quorum.members) == (6, 1, 10)
        assert quorum.is_met


def test_the_demo_papers_are_real_files_in_the_store(app, client, roundtable):
    with app.app_context():
        attached = papers.papers_of(roundtable, members=False)
        assert [(p.title, p.language) for p in attached] == [
            ("Agenda of the roundtable", "en"),
            ("좋은 일자리 도시 ‘서울선언’", "ko"),
            ("Decent Work City ‘Seoul Declaration’", "en"),
        ]
        agenda, original, english = attached
        assert english.translation_of_id == original.id
        assert original.agenda_item.title == "Adoption of the council charter"
    pdf = client.get(f"/meetings/{roundtable}/papers/{agenda.id}")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(pdf.data))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Adoption of the council charter" in text and "13:30" in text
    declaration = client.get(f"/meetings/{roundtable}/papers/{original.id}")
    assert declaration.status_code == 200
    assert "서울선언" in declaration.get_data(as_text=True)
    assert "attachment" in declaration.headers["Content-Disposition"]
    page = unescape(client.get(f"/meetings/{roundtable}").get_data(as_text=True))
    assert "Agenda of the roundtable" in page and "Seoul Declaration" in page


def test_the_secretariat_sees_the_room_before_the_session(app, client, roundtable):
    response = log_in(client, "secretariat@example.org", DEMO_PASSWORD, secret=DEMO_TOTP_SECRET)
    assert response.status_code == 302
    page = unescape(client.get(f"/meetings/{roundtable}/attendance").get_data(as_text=True))
    assert "Quorum met: 7 of 10 member cities are present or represented by proxy" in page
    assert "Chefchaouen" in page and "In force" in page


def test_the_session_runs_and_the_minutes_record_the_room(app, roundtable):
    with app.app_context():
        now = clock.now()
        officer = _user("secretariat@example.org")
        meeting = db.session.get(Meeting, roundtable)
        session.open_session(meeting, actor=officer, now=now)
        session.take_up_item(meeting, None, actor=officer, now=now)  # the charter
        vote = session.open_item_vote(meeting, secrecy=Secrecy.recorded, actor=officer, now=now)
        for slug in ("seoul", "hamburg", "vienna", "marseille"):
            delegate = _user(f"{slug}@example.org")
            votes.cast_ballot(vote, delegate.city, "yes", actor=delegate, now=now)
        marseille = _user("marseille@example.org")
        proxies.cast_ballot_by_proxy(vote, _city("chefchaouen"), "yes", actor=marseille, now=now)
        session.close_item_vote(meeting, actor=officer, now=now)
        session.adjourn(meeting, actor=officer, now=now)
        draft = minutes.start_minutes(meeting, language="en", actor=officer, now=now)
        minutes.approve_minutes(
            draft, meeting, approved_on=date(2018, 12, 12), actor=officer, now=now
        )
        minutes.publish_minutes(draft, meeting, actor=officer, now=now)
        db.session.commit()
        record = draft.record
        # The charter adopted in the room: its resolution is the meeting's.
        [adopted] = record["resolutions"]
        assert adopted["number"].startswith("DWCN/RES/")
        assert record["proxies"] == [
            {
                "giver": "chefchaouen",
                "giver_name": "Chefchaouen",
                "holder": "marseille",
                "holder_name": "Marseille",
            }
        ]
        seoul = next(row for row in record["attendance"] if row["city"] == "seoul")
        assert seoul == {
            "city": "seoul",
            "city_name": "Seoul",
            "mode": "in-room",
            "delegates": ["Seoul Delegate", "Seoul Staff Delegate"],
        }
        assert [row["city"] for row in record["attendance"]] == [
            "hamburg",
            "johannesburg",
            "marseille",
            "milan",
            "seoul",
            "vienna",
        ]
        [charter] = [item["vote"] for item in record["agenda"] if item["vote"]]
        by_city = {entry["city"]: entry for entry in charter["roll_call"]}
        assert by_city["chefchaouen"]["proxy_held_by"] == "Marseille"
        assert "proxy_held_by" not in by_city["marseille"]  # its own ballot
    page = unescape(app.test_client().get(f"/meetings/{roundtable}/minutes").get_data(True))
    assert "Chefchaouen gave its proxy to Marseille." in page
    assert "by proxy held by Marseille" in page
    assert page.index("Attendance") < page.index("Proxies") < page.index("Agenda")
    assert "Johannesburg" in page and "Online" in page and "Seoul Staff Delegate" in page
