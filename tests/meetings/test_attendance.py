"""Attendance: the secretariat records who is present, in the room or online, and who
represents them; the public sees it once the meeting is in session."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from network.cities.models import City, MembershipStatus
from network.db import db
from network.meetings.models import Attendance
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
    users["observer"] = make.observer()
    return {"cities": cities, "users": users, "as": {k: as_user(u) for k, u in users.items()}}


def city_id(app, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(City.id).where(City.slug == slug))


def test_the_secretariat_records_who_is_present_and_who_represents_them(app, council, ledger):
    users, officer = council["users"], council["as"]["secretariat"]
    meeting = convene(app, users["secretariat"])
    page = officer.get(f"/meetings/{meeting}/attendance")
    assert page.status_code == 200
    assert "Hamburg Adviser" in page.text and "Setagaya" not in page.text  # members only

    seoul, hamburg = city_id(app, "seoul"), city_id(app, "hamburg")
    data = attendance_form(app, {"seoul": "in-room", "hamburg": "online"})
    data[f"delegates_{seoul}"] = [str(users["Seoul"].id)]
    data[f"delegates_{hamburg}"] = [str(users["Hamburg"].id), str(users["Hamburg adviser"].id)]
    before = ledger.audit_seq()
    response = officer.post(f"/meetings/{meeting}/attendance", data=data)
    assert response.status_code == 302
    assert "The attendance is recorded." in officer.get(response.location).text
    [entry] = ledger.entries_since(before)
    assert entry.action == "meeting.attendance_recorded"
    assert entry.data["present"] == ["hamburg", "seoul"]
    assert {"city": "seoul", "mode": "in-room", "delegates": ["Seoul Delegate"]} in entry.data[
        "changes"
    ]
    with app.app_context():
        rows = {row.city_id: row for row in db.session.scalars(sa.select(Attendance))}
        assert rows[hamburg].mode.value == "online"
        assert {d.user_id for d in rows[hamburg].delegates} == {
            users["Hamburg"].id,
            users["Hamburg adviser"].id,
        }

    # The form shows what was recorded; saving it unchanged writes nothing.
    form = officer.get(f"/meetings/{meeting}/attendance").text
    adviser, london = users["Hamburg adviser"].id, users["London"].id
    assert re.search(rf'<input checked[^>]*type="checkbox" value="{adviser}"', form)
    assert not re.search(rf'<input checked[^>]*type="checkbox" value="{london}"', form)
    before = ledger.audit_seq()
    again = officer.post(f"/meetings/{meeting}/attendance", data=data)
    assert "Nothing changed." in officer.get(again.location).text
    assert ledger.audit_seq() == before

    # Hamburg leaves; Seoul moves online: one entry with both changes.
    data = attendance_form(app, {"seoul": "online"})
    officer.post(f"/meetings/{meeting}/attendance", data=data)
    [entry] = ledger.entries_since(before)
    assert entry.data["present"] == ["seoul"]
    assert {"city": "hamburg", "mode": None, "delegates": []} in entry.data["changes"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 1


def test_the_public_page_lists_the_attendance_once_the_meeting_is_in_session(app, council):
    users, officer = council["users"], council["as"]["secretariat"]
    meeting = convene(app, users["secretariat"])
    data = attendance_form(app, {"seoul": "in-room", "london": "online"})
    data[f"delegates_{city_id(app, 'seoul')}"] = [str(users["Seoul"].id)]
    officer.post(f"/meetings/{meeting}/attendance", data=data)
    public = app.test_client()
    assert "Seoul Delegate" not in public.get(f"/meetings/{meeting}").text
    open_session(app, meeting, users["secretariat"])
    page = public.get(f"/meetings/{meeting}").text
    assert "Attendance" in page and "Seoul Delegate" in page
    assert "In the room" in page and "Online" in page
    # Attendance can still be changed in session.
    response = officer.post(
        f"/meetings/{meeting}/attendance", data=attendance_form(app, {"seoul": "in-room"})
    )
    assert response.status_code == 302


@pytest.mark.parametrize("who", ["Seoul", "observer"])
def test_only_the_secretariat_reaches_the_attendance_page(app, council, who):
    meeting = convene(app, council["users"]["secretariat"])
    client = council["as"][who]
    assert client.get(f"/meetings/{meeting}/attendance").status_code == 403
    data = attendance_form(app, {"seoul": "in-room"})
    assert client.post(f"/meetings/{meeting}/attendance", data=data).status_code == 403
    anonymous = app.test_client().get(f"/meetings/{meeting}/attendance")
    assert anonymous.status_code == 302 and "/login" in anonymous.location


def test_bad_attendance_is_refused_and_changes_nothing(app, council, ledger):
    users, officer = council["users"], council["as"]["secretariat"]
    meeting = convene(app, users["secretariat"])
    before = ledger.audit_seq()
    # A representative who is not a delegate of the city.
    data = attendance_form(app, {"seoul": "in-room"})
    data[f"delegates_{city_id(app, 'seoul')}"] = [str(users["Hamburg"].id)]
    response = officer.post(f"/meetings/{meeting}/attendance", data=data)
    assert response.status_code == 422
    assert "Seoul is represented only by its own delegates." in response.text
    # A city that is not a member (slipped into the list of cities shown).
    data = attendance_form(app, {"seoul": "in-room"})
    data["cities"] += f",{city_id(app, 'setagaya')}"
    response = officer.post(f"/meetings/{meeting}/attendance", data=data)
    assert response.status_code == 422 and "reload the page" in response.text
    # A mode that is not one of the list.
    data = attendance_form(app, {"seoul": "on-the-moon"})
    assert officer.post(f"/meetings/{meeting}/attendance", data=data).status_code == 422
    assert ledger.audit_seq() == before
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 0


def test_attendance_is_closed_once_the_meeting_is_adjourned(app, council, ledger):
    from network.auth.models import User
    from network.common import clock
    from network.meetings import session
    from network.meetings.models import Meeting

    users, officer = council["users"], council["as"]["secretariat"]
    meeting = convene(app, users["secretariat"])
    open_session(app, meeting, users["secretariat"])
    with app.app_context():
        session.adjourn(
            db.session.get(Meeting, meeting),
            actor=db.session.get(User, users["secretariat"].id),
            now=clock.now(),
        )
        db.session.commit()
    page = officer.get(f"/meetings/{meeting}/attendance")
    assert "can no longer be changed" in page.text and "Save the attendance" not in page.text
    before = ledger.audit_seq()
    response = officer.post(
        f"/meetings/{meeting}/attendance", data=attendance_form(app, {"seoul": "in-room"})
    )
    assert response.status_code == 422
    assert "only while the meeting is convened or in session" in response.text
    assert ledger.audit_seq() == before
