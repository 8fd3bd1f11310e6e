"""The first charter's draft, written from the aims in the seed document, in English and Korean.

The 2018 forum plan names what the council was to adopt at the City Government
Roundtable: a charter (규약), a chair city, and a network office in Seoul; the
Seoul Declaration gives the aims (the ILO's four pillars of decent work).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from network.auth.models import User
from network.charter import services as charter
from network.charter.models import CharterVersion
from network.votes.models import Secrecy, Vote

ARTICLES: list[tuple[int, tuple[str, str], tuple[str, str]]] = [
    (
        1,
        (
            "Name and purpose",
            "The Decent Work City Network (the Network) brings together city governments that "
            "work for decent work in their cities. It spreads the decent work city model and the "
            "Seoul Declaration of 6 September 2017, and strengthens the ILO's decent work "
            "strategy at the level of cities.\n\nThe Network's members share their policies "
            "regularly, compare them, and cooperate with one another, with the ILO and with "
            "national governments.",
        ),
        (
            "명칭과 목적",
            "좋은 일자리도시 네트워크(이하 ‘네트워크’)는 도시에서 좋은 일자리를 실현하고자 하는 "
            "도시정부들의 협의체이다. 네트워크는 ‘좋은 일자리도시 모델’과 2017년 9월 6일 "
            "‘서울선언’을 확산하고, 도시 차원에서 국제노동기구(ILO)의 좋은 일자리 전략을 "
            "강화한다.\n\n회원 도시는 정책을 정례적·지속적으로 공유하고 비교하며, 서로 그리고 "
            "ILO 및 중앙정부와 협력한다.",
        ),
    ),
    (
        2,
        (
            "Decent work in the city",
            "Members work towards the four pillars of decent work set out by the ILO: quality "
            "employment, rights at work, social protection and social dialogue. Each member "
            "sets out how it pursues them in its own city.",
        ),
        (
            "도시의 좋은 일자리",
            "회원 도시는 ILO가 제시한 좋은 일자리의 4대 요건, 곧 고용의 질 향상, 노동권 보장, "
            "사회적 보호, 사회적 대화를 위해 노력한다. 각 회원 도시는 자기 도시에서 이를 "
            "실천하는 방안을 밝힌다.",
        ),
    ),
    (
        3,
        (
            "Membership",
            "Any city or local government that endorses the Seoul Declaration may apply to join. "
            "The Council admits a member by the majority the governance rules set for admission. "
            "Only members in good standing vote and sign joint declarations. The Council may "
            "suspend a member by the majority set for suspension; a member may withdraw by "
            "writing to the Secretariat.",
        ),
        (
            "회원",
            "서울선언에 동의하는 도시 또는 지방정부는 가입을 신청할 수 있다. 협의회는 운영 "
            "규칙이 정한 가입 의결 정족수로 회원을 승인한다. 자격을 갖춘 회원만 표결하고 "
            "공동선언에 서명한다. 협의회는 정해진 정족수로 회원의 자격을 정지할 수 있으며, "
            "회원은 사무국에 서면으로 알려 탈퇴할 수 있다.",
        ),
    ),
    (
        4,
        (
            "The Council",
            "The Council is made up of all member cities. Each member city has one vote, cast "
            "by its delegate. A vote is valid when the quorum set in the governance rules has "
            "cast a ballot. Ordinary decisions are taken by the majority set for ordinary "
            "motions; every decision is recorded as a numbered resolution.",
        ),
        (
            "협의회",
            "협의회는 모든 회원 도시로 구성된다. 각 회원 도시는 한 표를 가지며 그 도시의 "
            "대표가 행사한다. 표결은 운영 규칙이 정한 정족수가 투표했을 때 유효하다. 일반 "
            "안건은 일반 안건의 의결 정족수로 의결하며, 모든 의결은 번호가 붙은 결의로 "
            "기록한다.",
        ),
    ),
    (
        5,
        (
            "The chair city",
            "The Council elects a chair city for the term set in the governance rules, by the "
            "method they set. A tie is settled by lot, drawn by the Secretariat and recorded. "
            "The chair city convenes and chairs the Council and speaks for the Network.",
        ),
        (
            "의장도시",
            "협의회는 운영 규칙이 정한 방법으로, 정한 임기 동안 의장도시를 선출한다. 동수인 "
            "경우 사무국이 추첨하고 그 결과를 기록한다. 의장도시는 협의회를 소집하고 "
            "주재하며 네트워크를 대표한다.",
        ),
    ),
    (
        6,
        (
            "The Secretariat",
            "The Secretariat of the Network is in Seoul, at the Decent Work City Network Seoul "
            "Office proposed at the 2018 forum. It keeps the register of members and resolutions "
            "and the public record, prepares the Council's votes and meetings, and supports "
            "cooperation with the ILO.",
        ),
        (
            "사무국",
            "네트워크의 사무국은 2018년 포럼에서 제안된 ‘좋은 일자리도시 네트워크 "
            "서울사무소’에 둔다. 사무국은 회원과 결의의 기록 및 공개 기록을 관리하고, "
            "협의회의 표결과 회의를 준비하며, ILO와의 협력을 지원한다.",
        ),
    ),
    (
        7,
        (
            "Partners",
            "The ILO and other international organisations that support decent work, such as the "
            "OECD and the European Union, may take part in the Council as observers. Observers "
            "take part in deliberations but do not vote or sign.",
        ),
        (
            "협력 기관",
            "ILO와 경제협력개발기구(OECD), 유럽연합(EU) 등 좋은 일자리를 지지하는 국제기구는 "
            "옵서버로 협의회에 참여할 수 있다. 옵서버는 논의에 참여하되 표결하거나 서명하지 "
            "않는다.",
        ),
    ),
    (
        8,
        (
            "Amendments",
            "This charter is amended by adopting a new version drafted from the version in force, "
            "by the majority the governance rules set for charter amendments. A version is in "
            "force from the resolution that adopts it. The English text is authoritative.",
        ),
        (
            "개정",
            "이 규약은 시행 중인 판을 바탕으로 작성한 새 판을 운영 규칙이 정한 규약 개정 "
            "정족수로 채택하여 개정한다. 각 판은 이를 채택한 결의로부터 효력을 가진다. "
            "영어 본문을 정본으로 한다.",
        ),
    ),
]


def seed_charter(secretariat: User, now: datetime) -> tuple[CharterVersion, Vote]:
    """Draft the first charter and open its adoption vote, closing in two weeks."""
    version = charter.create_draft(actor=secretariat, now=now)
    for number, (en_title, en_body), (ko_title, ko_body) in ARTICLES:
        charter.save_article(
            version,
            number,
            [
                charter.ArticleEntry("en", en_title, en_body),
                charter.ArticleEntry("ko", ko_title, ko_body),
            ],
            replacing=None,
            actor=secretariat,
            now=now,
        )
    vote = charter.put_to_vote(
        version,
        secrecy=Secrecy.recorded,
        closes_at=now + timedelta(days=14),
        actor=secretariat,
        now=now,
    )
    return version, vote
