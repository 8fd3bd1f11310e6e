"""The demo's decent-work indicators, and the collection the secretariat opens.

The indicators are those the 2018 forum's presentations point at (the seed document,
shared/seeds/forum-2018-plan.txt): Seoul's decent work indicators, London's real living
wage, Marseille's 35-hour week and Vienna's shorter working time, Milan's protection of
non-regular workers, and the Seoul Declaration's commitment to freedom of association
and collective bargaining. The definitions are the demo's own wording; the Korean names
follow the seed's terms.

The seed gives no figure for any city, so the demo has none: the collection is open and
empty, waiting for the cities' delegates.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from network.auth.models import User
from network.indicators import services as indicators
from network.indicators.models import Direction, Unit
from network.indicators.services import IndicatorEntry, TextEntry
from network.practices.models import Pillar

DAYS_TO_ENTER = 60

INDICATORS = [
    IndicatorEntry(
        code="living-wage-coverage",
        texts=[
            TextEntry(
                "en",
                "Workers paid at least a living wage",
                "The share of employees working in the city whose hourly pay is at least the "
                "living wage in force there (London's real living wage, for example).",
            ),
            TextEntry(
                "ko",
                "생활임금 이상을 받는 노동자 비율",
                "도시에서 일하는 임금노동자 가운데 시간당 임금이 그 도시의 생활임금 이상인 "
                "노동자의 비율.",
            ),
        ],
        unit=Unit.percent,
        direction=Direction.higher,
        pillar=Pillar.social_protection,
    ),
    IndicatorEntry(
        code="usual-weekly-hours",
        texts=[
            TextEntry(
                "en",
                "Usual weekly working hours",
                "The hours full-time employees in the city usually work in a week, overtime "
                "included (Marseille's 35-hour week and Vienna's shorter working time are "
                "policies on them).",
            ),
            TextEntry(
                "ko",
                "주당 통상 노동시간",
                "도시의 전일제 임금노동자가 한 주에 통상 일하는 시간(초과근로 포함).",
            ),
        ],
        unit=Unit.hours_per_week,
        direction=Direction.lower,
        pillar=Pillar.social_protection,
    ),
    IndicatorEntry(
        code="non-regular-workers",
        texts=[
            TextEntry(
                "en",
                "Non-regular workers",
                "The share of employees in the city on temporary, part-time, agency or "
                "other non-regular contracts.",
            ),
            TextEntry(
                "ko",
                "비정규직 노동자 비율",
                "도시의 임금노동자 가운데 기간제, 시간제, 파견 등 비정규직 노동자의 비율.",
            ),
        ],
        unit=Unit.percent,
        direction=Direction.lower,
        pillar=Pillar.employment,
    ),
    IndicatorEntry(
        code="collective-bargaining-coverage",
        texts=[
            TextEntry(
                "en",
                "Collective bargaining coverage",
                "The share of employees in the city whose pay and conditions are set by a "
                "collective agreement.",
            ),
            TextEntry(
                "ko",
                "단체협약 적용률",
                "도시의 임금노동자 가운데 임금과 근로조건이 단체협약으로 정해지는 노동자의 비율.",
            ),
        ],
        unit=Unit.percent,
        direction=Direction.higher,
        pillar=Pillar.social_dialogue,
    ),
]


def seed_indicators(secretariat: User, now: datetime) -> None:
    """Define the demo's indicators and open this year's collection, with no values."""
    for entry in INDICATORS:
        indicators.save_indicator(None, entry, actor=secretariat, now=now)
    indicators.open_collection(
        year=now.year,
        due_on=now.date() + timedelta(days=DAYS_TO_ENTER),
        actor=secretariat,
        now=now,
    )
