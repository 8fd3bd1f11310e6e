"""The 2018 forum's City Government Roundtable, with its agenda from the seed document.

The programme (12 December 2018, 13:30–15:30, Seoul City Hall) lists: adoption of the
council charter and election of the chair city, and the proposal of the Decent Work
City Network Seoul Office.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from network.auth.models import User
from network.db import db
from network.meetings import services as meetings
from network.meetings.models import AgendaKind, Meeting
from network.motions import services as motions
from network.motions.models import MotionKind

SEOUL_OFFICE = """The Council welcomes Seoul's proposal to open a **Decent Work City Network
Seoul Office**, to be set up with the ILO on the occasion of its centenary in 2019.

The Office will:

- serve as the Secretariat of the Network;
- support research and joint projects on the decent work city model;
- share the member cities' policies and spread the Seoul Declaration."""


def _user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def seed_meeting(secretariat: User, now: datetime) -> Meeting:
    """Record the roundtable and put the Seoul office motion, seconded, on its agenda."""
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
        held_on=date(2018, 12, 12),
        place="Seoul City Hall, Multipurpose Hall (8th floor)",
        actor=secretariat,
        now=now,
    )
    for kind, title, item_motion in [
        (AgendaKind.charter, "Adoption of the council charter", None),
        (AgendaKind.election, "Election of the chair city", None),
        (AgendaKind.motion, "Proposal of the Decent Work City Network Seoul Office", motion),
    ]:
        meetings.add_agenda_item(
            meeting, kind=kind, title=title, motion=item_motion, actor=secretariat, now=now
        )
    return meeting
