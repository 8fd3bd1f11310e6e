"""The demo's joint declarations.

The 2017 Seoul Declaration: its Korean text, authoritative, is the seed document's
(shared/seeds/forum-2018-plan.txt, "좋은 일자리 도시 '서울선언'"), adopted in Seoul on
6 September 2017; the English text is this project's translation. The cities recorded as
signing in person are the city governments the seed lists at the 2017 forum, with Seoul
as host. The 2018 joint agreement is a short text written for the demo from the 2018
forum plan (launch of the council, 12 December 2018), open for signature.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa

from network.auth.models import User
from network.cities.models import City
from network.db import db
from network.declarations import services as declarations
from network.declarations.services import TextEntry

_SEOUL = json.loads((Path(__file__).parent / "seoul_declaration.json").read_text("utf-8"))
SEOUL_KO = TextEntry(language="ko", **_SEOUL["ko"])
SEOUL_EN = TextEntry(language="en", **_SEOUL["en"])

AGREEMENT_EN = TextEntry(
    language="en",
    title="Joint Agreement on the Decent Work City Council",
    preamble=(
        "Meeting in Seoul on 12 December 2018 at the second International Forum on "
        "Transforming Cities for Decent Work, the undersigned city governments launch the "
        "Decent Work City Council to spread the decent work city model and the Seoul "
        "Declaration."
    ),
    commitments=[
        "We found the Decent Work City Council and take part in its work under its charter.",
        "We share our labour and employment policies regularly, building on the ILO's four "
        "pillars of decent work.",
        "We support the opening of the Decent Work City Network Seoul Office with the ILO.",
    ],
)

AGREEMENT_KO = TextEntry(
    language="ko",
    title="좋은 일자리도시협의체 공동합의문",
    preamble=(
        "아래 서명한 도시정부들은 2018년 12월 12일 서울에서 열린 제2회 좋은 일자리도시 "
        "국제포럼에서 좋은 일자리도시 모델과 서울선언을 확산하기 위해 "
        "「좋은 일자리도시협의체」를 발족한다."
    ),
    commitments=[
        "우리는 「좋은 일자리도시협의체」를 구성하고 그 규약에 따라 활동한다.",
        "우리는 ILO 좋은 일자리 4대 요건을 토대로 일자리·노동정책을 정례적으로 공유한다.",
        "우리는 ILO와 함께하는 「좋은 일자리도시 네트워크 서울사무소」 개소를 지지한다.",
    ],
)

# (city slug, signatory's name, signatory's title) of the 2017 forum's city governments.
SEOUL_SIGNATORIES = [
    ("seoul", "Park Won-soon", "Mayor of Seoul"),
    ("new-york", "Delegation of New York City", "City government delegation"),
    ("johannesburg", "Delegation of Johannesburg", "City government delegation"),
    ("chefchaouen", "Delegation of Chefchaouen", "City government delegation"),
    ("hyogo", "Delegation of Hyogo Prefecture", "Prefectural government delegation"),
    ("setagaya", "Delegation of Setagaya City", "City government delegation"),
]
DECLARATION_DAY = date(2017, 9, 6)


def seed_declarations(secretariat: User, now: datetime) -> None:
    """Record the Seoul Declaration (closed) and open the 2018 joint agreement."""
    seoul = declarations.save_declaration(
        None,
        slug="seoul-declaration-2017",
        authoritative_language="ko",
        texts=[SEOUL_KO, SEOUL_EN],
        actor=secretariat,
        now=now,
    )
    declarations.open_for_signature(seoul, actor=secretariat, now=now, opened_on=DECLARATION_DAY)
    for slug, name, title in SEOUL_SIGNATORIES:
        city = db.session.scalar(sa.select(City).where(City.slug == slug))
        declarations.record_in_person(
            seoul,
            city,
            name=name,
            title=title,
            signed_on=DECLARATION_DAY,
            actor=secretariat,
            now=now,
        )
    declarations.close(seoul, actor=secretariat, now=now, closed_on=DECLARATION_DAY)
    agreement = declarations.save_declaration(
        None,
        slug="joint-agreement-2018",
        authoritative_language="en",
        texts=[AGREEMENT_EN, AGREEMENT_KO],
        actor=secretariat,
        now=now,
    )
    declarations.open_for_signature(agreement, actor=secretariat, now=now)
