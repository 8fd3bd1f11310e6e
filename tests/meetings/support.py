"""Helpers for tests that need cities present at a meeting (decisions take their quorum
from attendance)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from network.cities.models import City, MembershipStatus
from network.db import db


def attendance_form(app: Any, present: dict[str, str]) -> dict[str, str]:
    """Return the attendance form's data: each member city absent unless in ``present``.

    :param present: city slug → "in-room" or "online".
    """
    with app.app_context():
        members = db.session.execute(
            sa.select(City.id, City.slug).where(City.status == MembershipStatus.member)
        ).all()
    data = {"cities": ",".join(str(city_id) for city_id, _slug in members)}
    for city_id, slug in members:
        data[f"mode_{city_id}"] = present.get(slug, "")
    return data


def record_present(app: Any, officer: Any, meeting_url: str, *slugs: str) -> None:
    """Record these cities present in the room, through the secretariat's page."""
    response = officer.post(
        f"{meeting_url}/attendance",
        data=attendance_form(app, dict.fromkeys(slugs, "in-room")),
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def _get(model: Any, row: Any) -> Any:
    return db.session.get(model, row.id)


def convene(
    app: Any, officer: Any, *, title: str = "City Government Roundtable", year: int = 2018
) -> int:
    """Convene a meeting (12 December ``year``, Seoul City Hall) and return its id."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from network.auth.models import User
    from network.common import clock
    from network.meetings import services

    seoul = ZoneInfo("Asia/Seoul")
    with app.app_context():
        meeting = services.create_meeting(
            title=title,
            starts_at=datetime(year, 12, 12, 13, 30, tzinfo=seoul),
            ends_at=datetime(year, 12, 12, 15, 30, tzinfo=seoul),
            place="Seoul City Hall",
            actor=_get(User, officer),
            now=clock.now(),
        )
        db.session.commit()
        return meeting.id


def open_session(app: Any, meeting_id: int, officer: Any) -> None:
    """Open the meeting's session (convened → in session)."""
    from network.auth.models import User
    from network.common import clock
    from network.meetings import session
    from network.meetings.models import Meeting

    with app.app_context():
        session.open_session(
            db.session.get(Meeting, meeting_id), actor=_get(User, officer), now=clock.now()
        )
        db.session.commit()


def add_motion(app: Any, meeting_id: int, officer: Any, proposer: Any, seconder: Any) -> int:
    """Put a seconded ordinary motion on the meeting's agenda; return the motion's id."""
    from network.auth.models import User
    from network.common import clock
    from network.meetings import services
    from network.meetings.models import AgendaKind, Meeting
    from network.motions import services as motions
    from network.motions.models import MotionKind

    with app.app_context():
        now = clock.now()
        motion = motions.propose(
            title="Seoul office",
            text="The Council welcomes the Seoul office.",
            kind=MotionKind.ordinary,
            subject_city=None,
            charter_version=None,
            actor=_get(User, proposer),
            now=now,
        )
        motions.second(motion, actor=_get(User, seconder), now=now)
        services.add_agenda_item(
            db.session.get(Meeting, meeting_id),
            kind=AgendaKind.motion,
            title="Seoul office",
            motion=motion,
            actor=_get(User, officer),
            now=now,
        )
        db.session.commit()
        return motion.id


def open_item_vote(app: Any, meeting_id: int, officer: Any, *, secret: bool = False) -> int:
    """In session: take up the next item and open its vote; return the vote's id."""
    from network.auth.models import User
    from network.common import clock
    from network.meetings import session
    from network.meetings.models import Meeting
    from network.votes.models import Secrecy

    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        actor, now = _get(User, officer), clock.now()
        session.take_up_item(meeting, None, actor=actor, now=now)
        vote = session.open_item_vote(
            meeting, secrecy=Secrecy.secret if secret else Secrecy.recorded, actor=actor, now=now
        )
        db.session.commit()
        return vote.id
