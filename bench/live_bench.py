"""The live session's polling endpoint (issue #16), for ``make bench``.

The projector, the delegates' live pages and the secretariat's screen ask
``/meetings/<id>/live.json`` every two seconds, sending back the ``ETag`` of the last
answer in ``If-None-Match``; while nothing changed the answer is ``304 Not Modified``
with no body. The validator is the public one (``common/conditional.py``: audit head,
the next closing time of an open vote, the day, host, path, query, language, release),
plus, for a signed-in person, their role and city (a delegate's answer says whether
their city has voted). So a visitor's 304 costs no statement at all where the marks
are announced (Redis, or PostgreSQL's NOTIFY) and one on SQLite; a signed-in person's
costs their account's row besides. A 200 costs one statement for the state (two or
three with a closed election's candidates or a delegate's city).

``prepare`` puts the dataset in the state a benchmark of a thousand pollers needs: a
meeting in session, its motion item current, the motion's vote open through the
session's own service (as the secretariat's screen opens it), so every poll shows
live turnout. ``revalidates`` checks, with one client, that the endpoint answers 200
with an ETag and then 304 to it: the load generator can then send that ETag.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask

from network.auth.models import Role, User
from network.cities.models import City, MembershipStatus
from network.common import clock
from network.db import db
from network.meetings import services as meetings
from network.meetings import session
from network.meetings.models import AgendaKind
from network.motions import services as motions
from network.motions.models import MotionKind
from network.votes.models import Secrecy

LIVE_JSON = "/meetings/{meeting}/live.json"
PROJECTOR = "/meetings/{meeting}/projector"


def prepare(app: Flask) -> str:
    """Run a session with its vote open; return the path of its ``live.json``."""
    with app.app_context():
        now = clock.now()
        officer = db.session.scalar(
            sa.select(User).where(User.role == Role.secretariat).order_by(User.id).limit(1)
        )
        seconder = db.session.scalar(
            sa.select(User)
            .join(City, City.id == User.city_id)
            .where(User.role == Role.delegate, City.status == MembershipStatus.member)
            .order_by(User.id)
            .limit(1)
        )
        motion = motions.propose(
            title="Live benchmark: a motion decided in session",
            text="A motion put to every member city in the room, while the room polls.",
            kind=MotionKind.ordinary,
            subject_city=None,
            charter_version=None,
            actor=officer,
            now=now,
        )
        motions.second(motion, actor=seconder, now=now)
        meeting = meetings.create_meeting(
            title="Live benchmark session",
            starts_at=now,
            ends_at=now + timedelta(hours=2),
            place="Seoul City Hall",
            actor=officer,
            now=now,
        )
        meetings.add_agenda_item(
            meeting,
            kind=AgendaKind.motion,
            title=motion.title,
            motion=motion,
            actor=officer,
            now=now,
        )
        session.open_session(meeting, actor=officer, now=now)
        session.take_up_item(meeting, None, actor=officer, now=now)
        session.open_item_vote(meeting, secrecy=Secrecy.recorded, actor=officer, now=now)
        db.session.commit()
        path = LIVE_JSON.format(meeting=meeting.id)
        db.session.remove()
    return path


def revalidates(client: Any, path: str) -> str:
    """Check that ``path`` answers 200 with an ETag, then 304 to it; return the ETag.

    :raises RuntimeError: when it does not (the pollers would all be sent the body).
    """
    first = client.get(path)
    etag = first.headers.get("ETag")
    if first.status_code != 200 or not etag:
        raise RuntimeError(f"{path} answered {first.status_code} without an ETag")
    again = client.get(path, headers={"If-None-Match": etag})
    if again.status_code != 304:
        raise RuntimeError(f"{path} answered {again.status_code} to its own ETag")
    return etag
