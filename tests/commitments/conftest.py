"""A declaration with three commitments, signed by Seoul and Hamburg (not Vienna)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from network.auth.models import User
from network.cities.models import City
from network.commitments import services
from network.commitments.models import CommitmentStatus, ReportingPeriod
from network.common import clock
from network.db import db
from network.declarations import services as declarations
from network.declarations.models import Declaration
from tests.practices.conftest import entry

SLUG = "living-wage-2019"
COMMITMENTS_EN = [
    "We pay a living wage.",
    "We ask our contractors to do the same.",
    "We report on both each year.",
]
COMMITMENTS_KO = ["우리는 생활임금을 지급한다.", "우리는 계약업체에도 같은 것을 요청한다."]


@dataclass
class People:
    seoul: City
    hamburg: City
    vienna: City
    seoul_delegate: User
    seoul_staff: User
    hamburg_delegate: User
    vienna_delegate: User
    observer: User
    secretariat: User
    declaration_id: int
    practice_id: int  # Seoul's published practice
    hamburg_practice_id: int


@pytest.fixture
def people(app, make) -> People:
    seoul = make.city("Seoul", names={"ko": "서울"})
    hamburg = make.city("Hamburg", country="DE", names={"ko": "함부르크"})
    vienna = make.city("Vienna", country="AT")
    found = People(
        seoul=seoul,
        hamburg=hamburg,
        vienna=vienna,
        seoul_delegate=make.delegate(seoul, name="Seoul Delegate"),
        seoul_staff=make.delegate(seoul, name="Seoul Staff"),
        hamburg_delegate=make.delegate(hamburg),
        vienna_delegate=make.delegate(vienna),
        observer=make.observer(),
        secretariat=make.secretariat(),
        declaration_id=0,
        practice_id=0,
        hamburg_practice_id=0,
    )
    with app.app_context():
        officer = db.session.get(User, found.secretariat.id)
        now = clock.now()
        declaration = declarations.save_declaration(
            None,
            slug=SLUG,
            authoritative_language="en",
            texts=[
                declarations.TextEntry("en", "Living wage", "Cities lead.", COMMITMENTS_EN),
                declarations.TextEntry("ko", "생활임금 선언", "도시가 이끈다.", COMMITMENTS_KO),
            ],
            actor=officer,
            now=now,
        )
        declarations.open_for_signature(declaration, actor=officer, now=now)
        for city in (seoul, hamburg):
            declarations.record_in_person(
                declaration,
                db.session.get(City, city.id),
                name="Mayor",
                title="Mayor",
                signed_on=now.date(),
                actor=officer,
                now=now,
            )
        found.declaration_id = declaration.id
        from network.practices import services as practices

        for city, delegate, slug in (
            (seoul, found.seoul_delegate, "seoul-living-wage"),
            (hamburg, found.hamburg_delegate, "hamburg-procurement"),
        ):
            actor = db.session.get(User, delegate.id)
            practice = practices.save_practice(
                None,
                entry(slug, en=(f"Practice {slug}", "Summary.", "Text.")),
                city=db.session.get(City, city.id),
                actor=actor,
                now=now,
            )
            practices.publish(practice, actor=actor, now=now)
            if city is seoul:
                found.practice_id = practice.id
            else:
                found.hamburg_practice_id = practice.id
        db.session.commit()
    return found


def declaration() -> Declaration:
    import sqlalchemy as sa

    return db.session.scalar(sa.select(Declaration).where(Declaration.slug == SLUG))


def open_period(people: People, label: str = "2026", days: int = 30) -> int:
    """Open a period as the secretariat (inside an app context); return its id."""
    officer = db.session.get(User, people.secretariat.id)
    period = services.open_period(
        declaration(),
        label=label,
        due_on=clock.today() + timedelta(days=days),
        actor=officer,
        now=clock.now(),
    )
    db.session.commit()
    return period.id


def entries(*statuses: CommitmentStatus, **extra) -> list[services.EntryInput]:
    return [
        services.EntryInput(commitment=number, status=status, **extra)
        for number, status in enumerate(statuses, start=1)
    ]


def report(
    people: People, period_id: int, city: City, delegate: User, *statuses, submit=True, **kw
):
    """Save (and by default submit) a city's report through the services."""
    period = db.session.get(ReportingPeriod, period_id)
    actor = db.session.get(User, delegate.id)
    version = services.save_draft(
        period,
        db.session.get(City, city.id),
        entries(*statuses),
        reason=kw.get("reason"),
        actor=actor,
        now=clock.now(),
    )
    if submit:
        services.submit(version.report, actor=actor, now=clock.now())
    db.session.commit()
    return version
