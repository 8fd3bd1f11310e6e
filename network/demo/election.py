"""The chair election among the demo cities, with its ballot open.

Its term runs from the first of January of the year the demo is loaded, for the
founding rules' two years, so that the chair certified at the end of the demo's story
holds the chair today (the home page and the elections page say so).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from network.auth.models import User
from network.cities.models import City
from network.db import db
from network.elections import services as elections
from network.elections.models import Election, Office
from network.votes.models import Secrecy


def _delegate(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def _city(slug: str) -> City:
    return db.session.scalar(sa.select(City).where(City.slug == slug))


def seed_election(secretariat: User, now: datetime) -> Election:
    """Open the election, take three nominations, and open its (secret) ballot."""
    election = elections.create_election(
        office=Office.chair,
        term_start=date(now.year, 1, 1),
        term_end=None,  # the term the rules set: two years
        nominations_close_at=None,
        actor=secretariat,
        now=now,
    )
    elections.nominate(election, _city("seoul"), actor=_delegate("seoul@example.org"), now=now)
    hamburg = elections.nominate(
        election, _city("hamburg"), actor=_delegate("vienna@example.org"), now=now
    )
    elections.answer_nomination(hamburg, True, actor=_delegate("hamburg@example.org"), now=now)
    johannesburg = elections.nominate(
        election, _city("johannesburg"), actor=_delegate("london@example.org"), now=now
    )
    elections.answer_nomination(
        johannesburg, True, actor=_delegate("johannesburg@example.org"), now=now
    )
    elections.close_nominations(election, actor=secretariat, now=now)
    elections.open_ballot(
        election,
        secrecy=Secrecy.secret,
        closes_at=now + timedelta(days=14),
        actor=secretariat,
        now=now,
    )
    return election
