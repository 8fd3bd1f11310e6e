"""The 2018 forum's City Government Roundtable, with its agenda from the seed document.

The programme (12 December 2018, 13:30–15:30, Seoul City Hall) lists: adoption of the
council charter and election of the chair city, and the proposal of the Decent Work
City Network Seoul Office.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from network.auth.models import User
from network.charter.models import CharterVersion
from network.db import db
from network.demo import roundtable
from network.elections.models import Election
from network.meetings import services as meetings
from network.meetings.models import AgendaKind, Meeting, MeetingMode
from network.motions import services as motions
from network.motions.models import MotionKind

SEOUL_OFFICE = """The Council welcomes Seoul's proposal to open a **Decent Work City Network
Seoul Office**, to be set up with the ILO on the occasion of its centenary in 2019.

The Office will:

- serve as the Secretariat of the Network;
- support research and joint projects on the decent work city model;
- share the member cities' policies and spread the Seoul Declaration."""

SEOUL = ZoneInfo("Asia/Seoul")


def _user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def seed_meeting(secretariat: User, now: datetime) -> Meeting:
    """Record the roundtable, with the Seoul office motion, seconded, on its agenda.

    Then make it ready to run (``network.demo.roundtable``): a proxy given, the cities
    present recorded, and its papers attached.
    """
    motion = motions.propose(
        title="Opening of the Decent Work City Network Seoul Office",
        text=SEOUL_OFFICE,
        kind=MotionKind.ordinary,
        subject_city=None,
        charter_version=None,
        actor=_user("seoul@example.org"),
        now=now,
    )
    motions.second(motion, actor=_user("vienna@example.org"), now=now)
    meeting = meetings.create_meeting(
        title="City Government Roundtable: the role of cities for decent work",
        # Day 2 of the forum, 13:30–15:30 in Seoul (the seed's programme).
        starts_at=datetime(2018, 12, 12, 13, 30, tzinfo=SEOUL),
        ends_at=datetime(2018, 12, 12, 15, 30, tzinfo=SEOUL),
        time_zone="Asia/Seoul",
        place="Seoul City Hall, Multipurpose Hall (8th floor)",
        # Hybrid: some delegates follow from abroad (the demo records two cities online).
        mode=MeetingMode.hybrid,
        online_url="https://meet.example.org/dwcn-roundtable-2018",
        actor=secretariat,
        now=now,
    )
    # The charter and the chair election are the demo's own (seeded before the meeting):
    # their items point at them, so the session can take up their votes.
    version = db.session.scalar(sa.select(CharterVersion).order_by(CharterVersion.number).limit(1))
    election = db.session.scalar(sa.select(Election).order_by(Election.id).limit(1))
    meetings.add_agenda_item(
        meeting,
        kind=AgendaKind.charter,
        title="Adoption of the council charter",
        motion=None,
        charter_version=version,
        actor=secretariat,
        now=now,
    )
    meetings.add_agenda_item(
        meeting,
        kind=AgendaKind.election,
        title="Election of the chair city",
        motion=None,
        election=election,
        actor=secretariat,
        now=now,
    )
    meetings.add_agenda_item(
        meeting,
        kind=AgendaKind.motion,
        title="Proposal of the Decent Work City Network Seoul Office",
        motion=motion,
        actor=secretariat,
        now=now,
    )
    roundtable.seed_room(meeting, secretariat, now)
    roundtable.seed_papers(meeting, secretariat, now)
    return meeting
