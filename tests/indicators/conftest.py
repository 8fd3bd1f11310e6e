"""Two indicators defined by the secretariat, three cities with delegates, and helpers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
import sqlalchemy as sa

from network.auth.models import User
from network.cities.models import City
from network.common import clock
from network.db import db
from network.indicators import services
from network.indicators.models import Collection, Direction, Indicator, Unit, ValueVersion
from network.practices.models import Pillar

WAGE = "living-wage-coverage"
HOURS = "usual-weekly-hours"


@dataclass
class People:
    seoul: City
    hamburg: City
    vienna: City
    seoul_delegate: User
    hamburg_delegate: User
    vienna_delegate: User
    observer: User
    secretariat: User


def definition(
    code: str = WAGE,
    *,
    unit: Unit = Unit.percent,
    direction: Direction = Direction.higher,
    currency: str | None = None,
    low: float | None = None,
    high: float | None = None,
    ko: tuple[str, str] | None = None,
) -> services.IndicatorEntry:
    texts = [services.TextEntry("en", f"Indicator {code}", "What it measures.")]
    if ko:
        texts.append(services.TextEntry("ko", *ko))
    return services.IndicatorEntry(
        code=code,
        texts=texts,
        unit=unit,
        direction=direction,
        pillar=Pillar.social_protection,
        currency=currency,
        min_value=low,
        max_value=high,
    )


@pytest.fixture
def people(app, make) -> People:
    seoul = make.city("Seoul", names={"ko": "서울"})
    hamburg = make.city("Hamburg", country="DE")
    vienna = make.city("Vienna", country="AT")
    found = People(
        seoul=seoul,
        hamburg=hamburg,
        vienna=vienna,
        seoul_delegate=make.delegate(seoul),
        hamburg_delegate=make.delegate(hamburg),
        vienna_delegate=make.delegate(vienna),
        observer=make.observer(),
        secretariat=make.secretariat(),
    )
    with app.app_context():
        officer = db.session.get(User, found.secretariat.id)
        services.save_indicator(
            None, definition(WAGE, ko=("생활임금 적용률", "비율.")), actor=officer, now=clock.now()
        )
        services.save_indicator(
            None,
            definition(HOURS, unit=Unit.hours_per_week, direction=Direction.lower, low=20),
            actor=officer,
            now=clock.now(),
        )
        db.session.commit()
    return found


def indicator(code: str = WAGE) -> Indicator:
    return db.session.scalar(sa.select(Indicator).where(Indicator.code == code))


def user(person: User) -> User:
    return db.session.get(User, person.id)


def city(place: City) -> City:
    return db.session.get(City, place.id)


def open_collection(people: People, year: int = 2025, days: int = 30) -> int:
    """Open a collection as the secretariat (inside an app context); return its id."""
    found = services.open_collection(
        year=year,
        due_on=clock.today() + timedelta(days=days),
        actor=user(people.secretariat),
        now=clock.now(),
    )
    db.session.commit()
    return found.id


def enter(
    collection_id: int,
    place: City,
    delegate: User,
    amount: str,
    *,
    code: str = WAGE,
    year: int = 2024,
    source: str = "City labour survey",
    reason: str = "",
    publish: bool = True,
) -> ValueVersion:
    """Save (and by default publish) a city's value through the services."""
    actor = user(delegate)
    version = services.save_value(
        db.session.get(Collection, collection_id),
        indicator(code),
        city(place),
        services.ValueEntry(year=year, amount=amount, source=source, reason=reason),
        actor=actor,
        now=clock.now(),
    )
    if publish:
        services.publish_value(version.value, actor=actor, now=clock.now())
    db.session.commit()
    return version
