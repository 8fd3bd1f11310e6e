"""Practices of two cities, written through the services as their delegates would."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from network.auth.models import User
from network.cities.models import City, Region
from network.common import clock
from network.db import db
from network.practices import services
from network.practices.models import Instrument, Pillar, Practice
from network.practices.services import PracticeEntry, TextEntry


@dataclass
class People:
    seoul: City
    hamburg: City
    seoul_delegate: User
    hamburg_delegate: User
    observer: User
    secretariat: User


@pytest.fixture
def people(make) -> People:
    seoul = make.city("Seoul", country="KR", names={"ko": "서울"})
    hamburg = make.city("Hamburg", country="DE", region=Region.europe_central_asia)
    return People(
        seoul=seoul,
        hamburg=hamburg,
        seoul_delegate=make.delegate(seoul),
        hamburg_delegate=make.delegate(hamburg),
        observer=make.observer(),
        secretariat=make.secretariat(),
    )


def entry(
    slug: str,
    *,
    en: tuple[str, str, str] = ("A practice", "What it does.", "How it works."),
    ko: tuple[str, str, str] | None = None,
    authoritative: str = "en",
    pillars: tuple[Pillar, ...] = (Pillar.employment,),
    instrument: Instrument = Instrument.other,
    links: tuple[str, ...] = (),
) -> PracticeEntry:
    texts = [TextEntry("en", *en)]
    if ko:
        texts.append(TextEntry("ko", *ko))
    return PracticeEntry(
        slug=slug,
        authoritative_language=authoritative,
        texts=texts,
        pillars=list(pillars),
        instrument=instrument,
        links=list(links),
    )


@pytest.fixture
def write(app) -> Callable[..., str]:
    """Save (and by default publish) a practice as ``delegate`` of ``city``; return its slug."""

    def write_practice(
        city: City, delegate: User, practice: PracticeEntry, *, publish: bool = True
    ) -> str:
        with app.app_context():
            actor = db.session.get(User, delegate.id)
            saved = services.save_practice(
                None, practice, city=db.session.get(City, city.id), actor=actor, now=clock.now()
            )
            if publish:
                services.publish(saved, actor=actor, now=clock.now())
            db.session.commit()
            return saved.slug

    return write_practice


def load(slug: str) -> Practice:
    import sqlalchemy as sa

    return db.session.scalar(sa.select(Practice).where(Practice.slug == slug))
