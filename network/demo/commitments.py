"""The demo's reports on the 2017 Seoul Declaration's commitments.

The secretariat opens a reporting period "2019" (its deadline sixty days after the demo
is loaded, so that the demo's delegates can still write). Seoul and New York submit
reports and Setagaya keeps a draft, each written only from what the seed document
(shared/seeds/forum-2018-plan.txt) says of that city: no figure, date or result it does
not give. A commitment the seed says nothing about for a city is left unreported
(commitments 7 and 8 are the ILO's and Seoul's own).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from network.auth.models import User
from network.cities.models import City
from network.commitments import services as commitments
from network.commitments.models import CommitmentStatus
from network.commitments.services import EntryInput
from network.db import db
from network.declarations.models import Declaration
from network.practices.models import Practice

PERIOD = "2019"
DAYS_TO_REPORT = 60

# (commitment, status, account, practices): the seed's background ("추진배경") and program.
SEOUL = [
    (
        1,
        CommitmentStatus.in_progress,
        "Seoul began the Decent Work City International Forum in September 2017 to "
        "strengthen and localise the ILO's decent work strategy at city level, and adopted "
        "the Seoul Declaration there. The 2018 forum sets out to strengthen that strategy "
        "further, and Seoul is working to set up a Decent Work Center for the ILO's "
        "centenary in 2019.",
        [],
    ),
    (
        2,
        CommitmentStatus.in_progress,
        "Elected in 2011 on the pledge of a “labour-respecting special city”, the mayor has "
        "worked for six years on the city's decent work model, presented at the 2018 forum "
        "with Seoul's decent work indicators.",
        ["seoul-labour-respecting-city"],
    ),
    (
        4,
        CommitmentStatus.planned,
        "For the next four years Seoul plans to concentrate on governance with its social "
        "partners, civil society and the State.",
        [],
    ),
    (
        5,
        CommitmentStatus.in_progress,
        "Seoul proposed the Decent Work City Network at the 2017 forum; the 2018 forum is "
        "meant to build the network among major cities in earnest, and to form a council "
        "of city governments.",
        [],
    ),
    (
        8,
        CommitmentStatus.in_progress,
        "Seoul hosts the second forum in December 2018 to share and spread the Seoul "
        "Declaration and the decent work city model internationally.",
        [],
    ),
]
NEW_YORK = [
    (
        6,
        CommitmentStatus.in_progress,
        "New York's freelancer protection ordinance was presented at the 2017 forum, and "
        "again at the 2018 forum among city practices for reducing inequality at work.",
        ["new-york-freelancer-protection"],
    ),
]
# A draft: what the seed says of Setagaya, no status chosen yet.
SETAGAYA_DRAFT = [
    (
        5,
        None,
        "Setagaya City took part in the 2017 forum as one of five city governments.",
        [],
    ),
]


def _entries(rows: list[tuple]) -> list[EntryInput]:
    slugs = {slug for *_rest, practices in rows for slug in practices}
    ids = {
        slug: practice_id
        for slug, practice_id in db.session.execute(
            sa.select(Practice.slug, Practice.id).where(Practice.slug.in_(slugs))
        )
    }
    return [
        EntryInput(
            commitment=number,
            status=status,
            account=account,
            practices=[ids[slug] for slug in practices],
        )
        for number, status, account, practices in rows
    ]


def _delegate(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def seed_commitments(secretariat: User, now: datetime) -> None:
    """Open the 2019 period of the Seoul Declaration, with two reports and a draft."""
    declaration = db.session.scalar(
        sa.select(Declaration).where(Declaration.slug == "seoul-declaration-2017")
    )
    period = commitments.open_period(
        declaration,
        label=PERIOD,
        due_on=now.date() + timedelta(days=DAYS_TO_REPORT),
        actor=secretariat,
        now=now,
    )
    for slug, email, rows, submit in (
        ("seoul", "seoul@example.org", SEOUL, True),
        ("new-york", "new-york@example.org", NEW_YORK, True),
        ("setagaya", "setagaya@example.org", SETAGAYA_DRAFT, False),
    ):
        city = db.session.scalar(sa.select(City).where(City.slug == slug))
        delegate = _delegate(email)
        version = commitments.save_draft(
            period, city, _entries(rows), reason=None, actor=delegate, now=now
        )
        if submit:
            commitments.submit(version.report, actor=delegate, now=now)
