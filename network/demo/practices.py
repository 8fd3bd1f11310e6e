"""The demo's practices: the eight the cities presented at the 2018 forum.

Written from what the seed document (shared/seeds/forum-2018-plan.txt, the program of
11 December 2018, sessions 1 and 2, "일의 불평등 해소를 위한 도시의 실천들") says of
each — its title in the program, the session and part it was presented in, and, for New
York's, London's and Seoul's, what the plan's background says of them — and nothing
more: no figure, date of adoption or status the seed does not give (the status is left
"not stated"). The Korean text is the seed's and is authoritative; the English is this
project's translation. The pillars and instruments are the demo's reading of each title.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from network.auth.models import User
from network.cities.models import City
from network.db import db
from network.practices import services as practices
from network.practices.models import Instrument, Pillar
from network.practices.services import PracticeEntry, TextEntry

SESSION_1_KO = (
    "2018년 12월 11일 서울특별시청 다목적홀에서 열린 「2018년 서울시 좋은 일자리도시 "
    "국제포럼」 세션 1 「일의 불평등 해소를 위한 도시의 실천들 1」의 1부 「좋은 일자리 위한 "
    "도시의 실험」에서 발표되었다."
)
SESSION_1_EN = (
    "Presented on 11 December 2018 at Seoul City Hall, at the 2018 Seoul International "
    "Forum on Decent Work Cities, in session 1, “City practices for reducing inequality at "
    "work 1”, part 1, “Cities' experiments for decent work”."
)
SESSION_2_KO = (
    "2018년 12월 11일 서울특별시청 다목적홀에서 열린 「2018년 서울시 좋은 일자리도시 "
    "국제포럼」 세션 2 「일의 불평등 해소를 위한 도시의 실천들 2」의 2부 「도시의 사회적 "
    "보호와 노동권 강화」에서 발표되었다."
)
SESSION_2_EN = (
    "Presented on 11 December 2018 at Seoul City Hall, at the 2018 Seoul International "
    "Forum on Decent Work Cities, in session 2, “City practices for reducing inequality at "
    "work 2”, part 2, “Social protection and stronger labour rights in cities”."
)
FORUM_2017_KO = (
    "「2017년 서울시 좋은 일자리 도시 국제포럼」에서는 뉴욕의 프리랜서 조례나 영국의 "
    "생활임금 사례가 소개된 바 있다."
)
FORUM_2017_EN = (
    "The 2017 Seoul International Forum on Decent Work Cities had already heard of New "
    "York's freelancer ordinance and of the United Kingdom's living wage."
)
UNION_CITY_KO = (
    "‘유니온 시티’는 도시 정부에 특화된 노동정책 모델로 ‘노동존중 도시’를 의미한다. "
    "하나는 도시 차원의 보편적 노동기준을 수립하고, 노동자들의 존엄과 행복을 적정 수준에서 "
    "보장하는 ‘제도적 접근’이다. 다른 하나는 노동자들 스스로 자신들의 노동조건 향상을 꾀할 "
    "수 있도록 하는 제도적 장치로 노동조합 결성과 활동에 바탕을 둔 ‘주체의 접근’이다."
)
UNION_CITY_EN = (
    "The “Union City” is a model of labour policy made for city governments: a city that "
    "respects labour. One side is an institutional approach: universal labour standards set "
    "at the level of the city, guaranteeing workers' dignity and well-being at a decent "
    "level. The other is the workers' own approach: institutions through which workers "
    "improve their own conditions, founded on forming and running trade unions."
)


def _entry(
    slug: str,
    pillars: list[Pillar],
    instrument: Instrument,
    ko: tuple[str, str, str],
    en: tuple[str, str, str],
) -> PracticeEntry:
    return PracticeEntry(
        slug=slug,
        authoritative_language="ko",
        texts=[TextEntry("ko", *ko), TextEntry("en", *en)],
        pillars=pillars,
        instrument=instrument,
    )


# (city slug, what the city presented), in the program's order.
PRACTICES: list[tuple[str, PracticeEntry]] = [
    (
        "hamburg",
        _entry(
            "hamburg-procurement-and-agency-workers",
            [Pillar.employment, Pillar.rights_at_work],
            Instrument.procurement,
            (
                "공공조달법 및 파견근로자 대우",
                "독일 함부르크: 공공조달법 및 파견근로자 대우.",
                SESSION_1_KO,
            ),
            (
                "Public procurement law and the treatment of agency workers",
                "Hamburg, Germany: its public procurement law and the treatment of agency workers.",
                SESSION_1_EN,
            ),
        ),
    ),
    (
        "london",
        _entry(
            "london-real-living-wage",
            [Pillar.employment, Pillar.rights_at_work],
            Instrument.wage_policy,
            (
                "실제 생활임금은 이렇게 가능하다",
                "영국 런던: 실제 생활임금은 이렇게 가능하다.",
                f"{SESSION_1_KO}\n\n{FORUM_2017_KO}",
            ),
            (
                "This is how a real living wage is possible",
                "London, United Kingdom: how a real living wage is possible.",
                f"{SESSION_1_EN}\n\n{FORUM_2017_EN}",
            ),
        ),
    ),
    (
        "marseille",
        _entry(
            "marseille-35-hour-week-and-cooperatives",
            [Pillar.employment, Pillar.rights_at_work],
            Instrument.working_time,
            (
                "주35시간 근무제, 사업고용협동조합",
                "프랑스 마르세유: 주35시간 근무제와 사업고용협동조합.",
                SESSION_1_KO,
            ),
            (
                "The 35-hour week; business and employment cooperatives",
                "Marseille, France: the 35-hour working week, and business and employment "
                "cooperatives.",
                SESSION_1_EN,
            ),
        ),
    ),
    (
        "seoul",
        _entry(
            "seoul-labour-respecting-city",
            [Pillar.employment, Pillar.rights_at_work, Pillar.social_dialogue],
            Instrument.other,
            (
                "노동존중특별시 서울 및 좋은 일자리 지표",
                "한국 서울시: 노동존중특별시 서울과 좋은 일자리 지표.",
                f"{SESSION_1_KO}\n\n{UNION_CITY_KO}",
            ),
            (
                "Seoul, the labour-respecting city, and its decent work indicators",
                "Seoul, Republic of Korea: Seoul as a city that respects labour, and its "
                "decent work indicators.",
                f"{SESSION_1_EN}\n\n{UNION_CITY_EN}",
            ),
        ),
    ),
    (
        "vienna",
        _entry(
            "vienna-basic-income-working-time-board-members",
            [Pillar.social_protection, Pillar.employment, Pillar.social_dialogue],
            Instrument.other,
            (
                "기본소득, 노동시간 단축, 노동이사제",
                "오스트리아 빈: 기본소득, 노동시간 단축, 노동이사제.",
                SESSION_2_KO,
            ),
            (
                "Basic income, shorter working time and worker board members",
                "Vienna, Austria: basic income, shorter working time and workers' "
                "representatives on company boards.",
                SESSION_2_EN,
            ),
        ),
    ),
    (
        "milan",
        _entry(
            "milan-non-regular-workers",
            [Pillar.rights_at_work, Pillar.social_protection],
            Instrument.other,
            ("비정규직 보호 정책", "이탈리아 밀라노: 비정규직 보호 정책.", SESSION_2_KO),
            (
                "Protecting non-regular workers",
                "Milan, Italy: its policy protecting non-regular workers.",
                SESSION_2_EN,
            ),
        ),
    ),
    (
        "chefchaouen",
        _entry(
            "chefchaouen-vulnerable-workers",
            [Pillar.rights_at_work, Pillar.social_protection],
            Instrument.other,
            ("취약근로자 보호방안", "모로코 쉐프샤우엔: 취약근로자 보호방안.", SESSION_2_KO),
            (
                "Protecting vulnerable workers",
                "Chefchaouen, Morocco: how it protects vulnerable workers.",
                SESSION_2_EN,
            ),
        ),
    ),
    (
        "new-york",
        _entry(
            "new-york-freelancer-protection",
            [Pillar.rights_at_work],
            Instrument.ordinance_or_law,
            (
                "프리랜서 보호 조례",
                "미국 뉴욕: 프리랜서 보호 조례.",
                f"{SESSION_2_KO}\n\n{FORUM_2017_KO}",
            ),
            (
                "The freelancer protection law",
                "New York, United States: its law protecting freelancers.",
                f"{SESSION_2_EN}\n\n{FORUM_2017_EN}",
            ),
        ),
    ),
]


def seed_practices(now: datetime) -> None:
    """Have each city's demo delegate write and publish what it presented in 2018."""
    for slug, entry in PRACTICES:
        city = db.session.scalar(sa.select(City).where(City.slug == slug))
        delegate = db.session.scalar(sa.select(User).where(User.email == f"{slug}@example.org"))
        practice = practices.save_practice(None, entry, city=city, actor=delegate, now=now)
        practices.publish(practice, actor=delegate, now=now)
