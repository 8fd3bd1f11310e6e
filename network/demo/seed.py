"""Demo data from the seed document (shared/seeds/forum-2018-plan.txt).

The cities are those named in the 2017 and 2018 forum programmes; their profiles
say only what the programmes say they presented. The accounts are fictional.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pyotp

from network.auth import services as accounts
from network.auth.models import Role, User
from network.cities import services as cities
from network.cities.models import City, MembershipStatus, Region
from network.demo.charter import seed_charter
from network.demo.commitments import seed_commitments
from network.demo.declarations import seed_declarations
from network.demo.election import seed_election
from network.demo.indicators import seed_indicators
from network.demo.meeting import seed_meeting
from network.demo.practices import seed_practices

DEMO_PASSWORD = "decent-work-2018"
# The demo secretariat's authenticator key (base32), published in the README so that
# anyone trying the demo can log in; a real account enrols a key of its own.
DEMO_TOTP_SECRET = "DWCNDEMOSEOULTWOTHOUSANDEIGHTEEN"
FORUM_DAY_ONE = date(2018, 12, 11)
ROUNDTABLE_DAY = date(2018, 12, 12)


@dataclass(frozen=True)
class DemoCity:
    """A city of the seed document with its names and profiles."""

    slug: str
    name: str
    country: str
    region: Region
    website: str
    names: dict[str, str]
    profile_en: str
    profile_ko: str
    member: bool = True


DEMO_CITIES = [
    DemoCity(
        "seoul",
        "Seoul",
        "KR",
        Region.asia_pacific,
        "https://english.seoul.go.kr",
        {"ko": "서울특별시"},
        "Host of the Decent Work City forums of 2017 and 2018 and proposer of the network. "
        "Seoul presents itself as a labour-respecting city and has drawn up decent work "
        "indicators for the city.",
        "2017년과 2018년 좋은 일자리도시 국제포럼의 개최 도시이자 네트워크의 제안 도시. "
        "‘노동존중특별시 서울’을 표방하고 좋은 일자리 지표를 마련했다.",
    ),
    DemoCity(
        "new-york",
        "New York",
        "US",
        Region.americas,
        "https://www.nyc.gov",
        {"ko": "뉴욕"},
        "Presented its ordinance protecting freelance workers at the 2017 and 2018 forums.",
        "2017년과 2018년 포럼에서 프리랜서 보호 조례를 소개했다.",
    ),
    DemoCity(
        "hamburg",
        "Hamburg",
        "DE",
        Region.europe_central_asia,
        "https://www.hamburg.de",
        {"ko": "함부르크", "de": "Hamburg"},
        "Presented its public procurement law and the treatment of temporary agency workers "
        "at the 2018 forum.",
        "2018년 포럼에서 공공조달법 및 파견근로자 대우를 발표했다.",
    ),
    DemoCity(
        "london",
        "London",
        "GB",
        Region.europe_central_asia,
        "https://www.london.gov.uk",
        {"ko": "런던"},
        "Presented how the real Living Wage is made possible at the 2018 forum.",
        "2018년 포럼에서 ‘실제 생활임금은 이렇게 가능하다’를 발표했다.",
    ),
    DemoCity(
        "marseille",
        "Marseille",
        "FR",
        Region.europe_central_asia,
        "https://www.marseille.fr",
        {"ko": "마르세유", "fr": "Marseille"},
        "Presented the 35-hour working week and business and employment cooperatives at the "
        "2018 forum.",
        "2018년 포럼에서 주35시간 근무제와 사업고용협동조합을 발표했다.",
    ),
    DemoCity(
        "vienna",
        "Vienna",
        "AT",
        Region.europe_central_asia,
        "https://www.wien.gv.at",
        {"ko": "빈", "de": "Wien"},
        "Presented basic income, shorter working time and worker representation on boards at "
        "the 2018 forum.",
        "2018년 포럼에서 기본소득, 노동시간 단축, 노동이사제를 발표했다.",
    ),
    DemoCity(
        "milan",
        "Milan",
        "IT",
        Region.europe_central_asia,
        "https://www.comune.milano.it",
        {"ko": "밀라노", "it": "Milano"},
        "Presented its policies protecting workers in non-standard employment at the 2018 forum.",
        "2018년 포럼에서 비정규직 보호 정책을 발표했다.",
    ),
    DemoCity(
        "chefchaouen",
        "Chefchaouen",
        "MA",
        Region.africa,
        "https://www.chefchaouen.ma",
        {"ko": "쉐프샤우엔", "ar": "شفشاون", "fr": "Chefchaouen"},
        "Took part in the 2017 forum and presented the protection of vulnerable workers at "
        "the 2018 forum.",
        "2017년 포럼에 참석했고 2018년 포럼에서 취약근로자 보호방안을 발표했다.",
    ),
    DemoCity(
        "johannesburg",
        "Johannesburg",
        "ZA",
        Region.africa,
        "https://www.joburg.org.za",
        {"ko": "요하네스버그"},
        "Took part in the 2017 forum and in the 2018 panel on the future of work and the "
        "Union City.",
        "2017년 포럼에 참석했고 2018년 ‘노동의 미래와 유니온 시티’ 패널에 참여했다.",
    ),
    DemoCity(
        "hyogo",
        "Hyogo",
        "JP",
        Region.asia_pacific,
        "https://web.pref.hyogo.lg.jp",
        {"ko": "효고현", "ja": "兵庫県"},
        "Hyogo Prefecture took part in the 2017 forum.",
        "효고현은 2017년 포럼에 참석했다.",
    ),
    DemoCity(
        "setagaya",
        "Setagaya",
        "JP",
        Region.asia_pacific,
        "https://www.city.setagaya.lg.jp",
        {"ko": "세타가야구", "ja": "世田谷区"},
        "Setagaya City, Tokyo, took part in the 2017 forum.",
        "도쿄 세타가야구는 2017년 포럼에 참석했다.",
        member=False,
    ),
]


@dataclass(frozen=True)
class DemoAccount:
    """A fictional demo account."""

    email: str
    name: str
    role: Role
    city: str | None = None
    signing_authority: bool = False
    organisation: str | None = None


DEMO_SECRETARIAT = DemoAccount("secretariat@example.org", "Secretariat Officer", Role.secretariat)
DEMO_ACCOUNTS = [
    DemoAccount("observer@example.org", "ILO Observer", Role.observer, organisation="ILO"),
    DemoAccount("seoul@example.org", "Seoul Delegate", Role.delegate, "seoul", True),
    DemoAccount("seoul.staff@example.org", "Seoul Staff Delegate", Role.delegate, "seoul"),
    DemoAccount("new-york@example.org", "New York Delegate", Role.delegate, "new-york", True),
    DemoAccount("hamburg@example.org", "Hamburg Delegate", Role.delegate, "hamburg", True),
    DemoAccount("london@example.org", "London Delegate", Role.delegate, "london"),
    DemoAccount("marseille@example.org", "Marseille Delegate", Role.delegate, "marseille", True),
    DemoAccount("vienna@example.org", "Vienna Delegate", Role.delegate, "vienna", True),
    DemoAccount("milan@example.org", "Milan Delegate", Role.delegate, "milan"),
    DemoAccount(
        "chefchaouen@example.org", "Chefchaouen Delegate", Role.delegate, "chefchaouen", True
    ),
    DemoAccount("johannesburg@example.org", "Johannesburg Delegate", Role.delegate, "johannesburg"),
    DemoAccount("hyogo@example.org", "Hyogo Delegate", Role.delegate, "hyogo"),
    DemoAccount("setagaya@example.org", "Setagaya Delegate", Role.delegate, "setagaya"),
]


def seed_cities(actor: User, now: datetime) -> dict[str, City]:
    """Register the seed document's cities and admit the founding members."""
    created: dict[str, City] = {}
    for demo in DEMO_CITIES:
        texts = [cities.TextEntry(language="en", profile=demo.profile_en)]
        for language, name in demo.names.items():
            profile = demo.profile_ko if language == "ko" else None
            texts.append(cities.TextEntry(language=language, name=name, profile=profile))
        details = cities.CityDetails(
            name=demo.name,
            country=demo.country,
            region=demo.region,
            website=demo.website,
            texts=texts,
        )
        city = cities.create_city(
            details, slug=demo.slug, applied_on=FORUM_DAY_ONE, actor=actor, now=now
        )
        if demo.member:
            cities.change_status(
                city,
                MembershipStatus.member,
                effective_on=ROUNDTABLE_DAY,
                reason="Founding member: City Government Roundtable, Seoul City Hall",
                actor=actor,
                now=now,
            )
        created[demo.slug] = city
    return created


def seed_accounts(actor: User, by_slug: dict[str, City], now: datetime) -> list[User]:
    """Invite the demo accounts and accept each invitation with the demo password."""
    users = []
    for demo in DEMO_ACCOUNTS:
        details = accounts.AccountDetails(
            name=demo.name,
            role=demo.role,
            city=by_slug.get(demo.city or ""),
            organisation=demo.organisation,
            signing_authority=demo.signing_authority,
        )
        user, invitation = accounts.invite_user(demo.email, details, actor=actor, now=now)
        accounts.accept_invitation(accounts.invitation_token(invitation), DEMO_PASSWORD, now=now)
        users.append(user)
    return users


def seed_demo(now: datetime) -> User:
    """Load every piece of demo data; the caller commits."""
    secretariat = accounts.create_secretariat(
        DEMO_SECRETARIAT.email, DEMO_SECRETARIAT.name, DEMO_PASSWORD, now=now
    )
    # The demo officer's authenticator: the published key, confirmed with the previous
    # step's code so that the code showing now still logs in (a code works once).
    earlier = pyotp.TOTP(DEMO_TOTP_SECRET).at(now - timedelta(seconds=30))
    accounts.enable_two_factor(secretariat, DEMO_TOTP_SECRET, earlier, now=now)
    by_slug = seed_cities(secretariat, now)
    seed_accounts(secretariat, by_slug, now)
    seed_charter(secretariat, now)
    seed_election(secretariat, now)
    seed_meeting(secretariat, now)
    seed_declarations(secretariat, now)
    seed_practices(now)
    seed_commitments(secretariat, now)
    seed_indicators(secretariat, now)
    return secretariat
