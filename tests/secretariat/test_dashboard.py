"""The secretariat's dashboard: turnout, what is scheduled, what awaits a decision.

Each card shows what is under way and drops what is done; only the secretariat reads
it; and its number of statements does not grow with the network.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from html import unescape

import pytest
import sqlalchemy as sa
import time_machine

from network.auth.models import Invitation, Role, User
from network.charter import services as charter
from network.cities.models import City, MembershipStatus
from network.common import clock
from network.db import db
from network.elections.models import Election, ElectionStatus, Office
from network.meetings.models import Meeting
from network.votes import services as votes
from network.votes.models import Secrecy, VoteKind
from tests.conftest import statements_during
from tests.declarations.test_story import open_declaration, sign
from tests.elections.test_story import cast_ballot, nominate, open_election
from tests.motions.test_story import propose

CLOSES = datetime(2031, 5, 20, 9, 30, tzinfo=UTC)
CLOSES_TEXT = "May 20, 2031, 9:30\u202fAM UTC"


@pytest.fixture
def council(make, as_user):
    seoul = make.city("Seoul", names={"ko": "서울특별시"})
    hamburg = make.city("Hamburg", country="DE")
    vienna = make.city("Vienna", country="AT")
    make.city("Milan", country="IT", status=MembershipStatus.suspended)
    return {
        "secretariat": as_user(make.secretariat()),
        "seoul": as_user(make.delegate(seoul, name="Park Won-soon", signing_authority=True)),
        "hamburg": as_user(make.delegate(hamburg, name="Peter Tschentscher")),
        "vienna": as_user(make.delegate(vienna, name="Michael Ludwig")),
        "observer": as_user(make.observer()),
    }


def dashboard(client, **headers) -> str:
    response = client.get("/secretariat/", headers=headers)
    assert response.status_code == 200
    return unescape(response.get_data(as_text=True))


def card(html: str, heading_id: str) -> str:
    start = html.index(f'aria-labelledby="{heading_id}"')
    return html[start : html.index("</section>", start)]


def officer() -> User:
    return db.session.scalar(sa.select(User).where(User.role == Role.secretariat))


def charter_vote(app, *, opens_at=None, closes_at=CLOSES, open_now=True) -> int:
    with app.app_context():
        now = clock.now()
        version = charter.create_draft(actor=officer(), now=now)
        vote = votes.create_vote(
            subject_type=charter.SUBJECT,
            subject_id=version.id,
            title="Charter",
            kind=VoteKind.approval,
            secrecy=Secrecy.recorded,
            rule_key="amendment",
            opens_at=opens_at,
            closes_at=closes_at,
            actor=None,
            now=now,
        )
        if open_now:
            votes.open_vote(vote, actor=None, now=now)
        db.session.commit()
        return vote.id


def test_only_the_secretariat_reads_the_dashboard(client, council):
    assert client.get("/secretariat/").status_code == 302  # to the login page
    for who in ("seoul", "observer"):
        assert council[who].get("/secretariat/").status_code == 403


def test_open_votes_with_their_turnout_and_the_cities_yet_to_vote(app, council):
    vote_id = charter_vote(app)
    assert cast_ballot(council["seoul"], vote_id, choice="yes").status_code == 302
    panel = card(dashboard(council["secretariat"]), "turnout-heading")
    assert f'href="/votes/{vote_id}"' in panel and f"Closes {CLOSES_TEXT}" in panel
    # The electorate: the three members (Milan is suspended).
    assert "Turnout so far: 1 of 3 cities (33%)." in panel
    assert "Quorum not met yet: 2 needed." in panel
    assert "2 cities have not voted:" in panel
    yet = panel[panel.index("have not voted") :]
    assert re.findall(r'href="/cities/([a-z-]+)"', yet) == ["hamburg", "vienna"]
    assert "Milan" not in panel
    # "Remind now" posts to the vote's reminder (tests/notices/test_reminders.py).
    assert f'action="/secretariat/votes/{vote_id}/remind"' in panel

    assert cast_ballot(council["hamburg"], vote_id, choice="no").status_code == 302
    panel = card(dashboard(council["secretariat"]), "turnout-heading")
    assert "Turnout so far: 2 of 3 cities (66%)." in panel and "Quorum met (2 needed)." in panel
    assert "1 city has not voted:" in panel and 'href="/cities/hamburg"' not in panel

    assert council["secretariat"].post(f"/votes/{vote_id}/close").status_code == 302
    assert "No vote is open at present." in dashboard(council["secretariat"])


def test_a_long_list_of_cities_yet_to_vote_names_the_first_and_counts_the_rest(app, council, make):
    for i in range(12):
        make.city(f"Zagreb {i:02d}", country="HR")
    charter_vote(app)
    panel = card(dashboard(council["secretariat"]), "turnout-heading")
    assert "15 cities have not voted:" in panel
    named = re.findall(r'href="/cities/([a-z0-9-]+)"', panel[panel.index("have not voted") :])
    assert named[:3] == ["hamburg", "seoul", "vienna"] and len(named) == 12
    assert "and 3 more" in panel
    # Named in the reader's language.
    korean = card(dashboard(council["secretariat"], **{"Accept-Language": "ko"}), "turnout-heading")
    assert "서울특별시" in korean


def test_votes_set_to_open_or_close_are_listed_soonest_first(app, council):
    soon = (clock.now() + timedelta(days=1)).replace(second=0, microsecond=0)
    later = soon + timedelta(days=7)
    pending = charter_vote(app, opens_at=soon, closes_at=later, open_now=False)
    running = charter_vote(app, closes_at=soon - timedelta(hours=2))
    manual = charter_vote(app, closes_at=None)
    html = dashboard(council["secretariat"])
    panel = card(html, "scheduled-heading")
    order = re.findall(r'href="/votes/(\d+)"', panel)
    assert order == [str(running), str(pending), str(pending)]
    assert "Opens " in panel and panel.count("Closes ") == 2
    assert str(manual) not in order  # no set time
    assert "Open until the secretariat closes it" in card(html, "turnout-heading")
    # A vote past its closing time awaits its count.
    with time_machine.travel(soon - timedelta(hours=1), tick=False):
        panel = card(dashboard(council["secretariat"]), "scheduled-heading")
    assert "awaits its count" in panel


def test_seconded_motions_await_a_vote_until_put_to_it(app, council):
    waiting = propose(council["seoul"], title="Seconded one")
    propose(council["seoul"], title="Not seconded yet")
    assert council["hamburg"].post(f"/motions/{waiting}/second").status_code == 302
    panel = card(dashboard(council["secretariat"]), "motions-heading")
    assert f'href="/motions/{waiting}"' in panel and "Not seconded yet" not in panel
    assert "Proposed by Seoul" in panel and "seconded by Hamburg" in panel
    assert (
        council["secretariat"]
        .post(f"/motions/{waiting}/vote", data={"secrecy": "recorded"})
        .status_code
        == 302
    )
    assert "No motion is waiting for a vote." in dashboard(council["secretariat"])


def test_elections_by_stage_with_their_nominations(app, council):
    first = open_election(council["secretariat"])
    second = open_election(council["secretariat"], office="vice-chair", term_start="2019-01-01")
    assert nominate(council["seoul"], first, "seoul").status_code == 302  # accepted at once
    assert nominate(council["seoul"], first, "hamburg").status_code == 302  # awaits Hamburg
    assert (
        council["secretariat"]
        .post(f"/secretariat/elections/{second}/close-nominations")
        .status_code
        == 302
    )
    panel = card(dashboard(council["secretariat"]), "elections-heading")
    nominating = panel[panel.index("Nominations open") : panel.index("Nominations closed")]
    assert f'href="/elections/{first}"' in nominating
    assert "1 candidate · 1 nomination awaiting an answer" in nominating
    closed = panel[panel.index("Nominations closed") :]
    assert f'href="/elections/{second}"' in closed and "0 candidates" in closed
    with app.app_context():
        db.session.execute(
            sa.update(Election).where(Election.id == second).values(status=ElectionStatus.certified)
        )
        db.session.commit()
    panel = card(dashboard(council["secretariat"]), "elections-heading")
    assert f'href="/elections/{second}"' not in panel


def test_declarations_with_their_standing_signatures(app, council):
    slug = open_declaration(council["secretariat"])
    council["secretariat"].post(
        "/secretariat/declarations/new",
        data={
            "slug": "a-draft",
            "authoritative_language": "en",
            "texts-0-language": "en",
            "texts-0-title": "Draft on care work",
            "texts-0-preamble": "Preamble",
            "texts-0-commitments": "One",
        },
    )
    assert sign(council["seoul"], slug).status_code == 302
    panel = card(dashboard(council["secretariat"]), "declarations-heading")
    assert f'href="/secretariat/declarations/{slug}"' in panel
    assert "1 of 3 member cities have signed" in panel
    assert "Draft on care work" in panel and 'class="badge badge-draft"' in panel
    assert council["secretariat"].post(f"/secretariat/declarations/{slug}/close").status_code == 302
    assert slug not in card(dashboard(council["secretariat"]), "declarations-heading")


def invited(app, name: str, *, city: str | None, days_ago: int) -> int:
    """Make an account waiting for its invitation to be taken up, invited days ago."""
    with app.app_context():
        at = clock.now() - timedelta(days=days_ago)
        city_id = db.session.scalar(sa.select(City.id).where(City.slug == city)) if city else None
        person = User(
            email=f"{name.split()[0].lower()}@example.org",
            name=name,
            role=Role.delegate if city else Role.observer,
            city_id=city_id,
            created_at=at,
        )
        db.session.add(person)
        db.session.flush()
        db.session.add(
            Invitation(user_id=person.id, nonce="n", created_at=at, expires_at=at + timedelta(7))
        )
        db.session.commit()
        return person.id


def test_invitations_not_yet_accepted_and_their_links(app, council):
    fresh = invited(app, "Amina Diallo", city="vienna", days_ago=1)
    stale = invited(app, "Olga Observer", city=None, days_ago=9)
    panel = card(dashboard(council["secretariat"]), "invitations-heading")
    assert "2 people have not yet set a password." in panel
    assert re.findall(r'href="/secretariat/accounts/(\d+)"', panel) == [str(fresh), str(stale)]
    amina = panel[panel.index("Amina Diallo") : panel.index("Olga Observer")]
    assert "Vienna" in amina and "link valid until" in amina
    olga = panel[panel.index("Olga Observer") :]
    assert "Observer" in olga and "the link has expired: issue a new one" in olga
    assert "Park Won-soon" not in panel  # has set a password


def test_upcoming_meetings(app, council):
    with app.app_context():
        for title, days in (("Roundtable", 12), ("Forum of old", -400)):
            db.session.add(
                Meeting(
                    title=title,
                    held_on=clock.today() + timedelta(days=days),
                    place="Seoul City Hall",
                    created_at=clock.now(),
                )
            )
        db.session.commit()
    panel = card(dashboard(council["secretariat"]), "meetings-heading")
    assert "Roundtable" in panel and "Forum of old" not in panel


def grow(app, n: int, start: int) -> None:
    """Add ``n`` more of everything the dashboard counts or lists."""
    with app.app_context():
        now = clock.now()
        for i in range(start, start + n):
            city = City(
                slug=f"city-{i}",
                name=f"City {i}",
                name_key=f"city {i}",
                country="KR",
                region="asia-pacific",
                status=MembershipStatus.member,
                joined_on=date(2019, 1, 1),
            )
            db.session.add(city)
            db.session.flush()
            person = User(
                email=f"invited-{i}@example.org",
                name=f"Invited {i}",
                role=Role.delegate,
                city_id=city.id,
                created_at=now,
            )
            db.session.add(person)
            db.session.flush()
            db.session.add(
                Invitation(
                    user_id=person.id,
                    nonce=f"nonce-{i}",
                    created_at=now,
                    expires_at=now + timedelta(days=7),
                )
            )
            db.session.add(
                Election(
                    office=Office.vice_chair,
                    term_start=date(2050 + 2 * i, 1, 1),
                    term_end=date(2051 + 2 * i, 12, 31),
                    status=ElectionStatus.ready,
                    settlements=[],
                    created_at=now,
                )
            )
            db.session.add(
                Meeting(
                    title=f"Meeting {i}",
                    held_on=clock.today() + timedelta(days=i + 1),
                    place="Seoul",
                    created_at=now,
                )
            )
        db.session.commit()
    for _i in range(n):
        charter_vote(app)
        charter_vote(app, opens_at=CLOSES - timedelta(days=30), open_now=False)


def test_the_dashboard_s_statements_do_not_grow_with_the_network(app, council):
    officer_client = council["secretariat"]
    open_declaration(officer_client)
    propose(council["seoul"], title="Seconded one")
    grow(app, 1, start=0)
    small, first = statements_during(lambda: officer_client.get("/secretariat/"))
    open_declaration(officer_client, slug="another-one")
    grow(app, 20, start=1)
    large, second = statements_during(lambda: officer_client.get("/secretariat/"))
    assert second.get_data(as_text=True).count("Turnout so far") == 21
    assert large == small, (small, large)
    assert small <= 14, small
    assert first.status_code == 200
