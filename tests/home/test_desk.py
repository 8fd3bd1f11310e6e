"""Each person's desk: a delegate's home page is their city's, an observer's holds drafts.

Each item is shown to the people whose city it awaits and to nobody else, carries its
deadline, and leaves the desk once done; the page is never kept for visitors, and its
number of statements does not grow with the number of items.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from html import unescape

import pytest
import sqlalchemy as sa
import time_machine

from network.auth.models import User
from network.charter import services as charter
from network.cities.models import City, MembershipStatus
from network.common import clock
from network.db import db
from network.elections import services as elections
from network.elections.models import (
    Election,
    ElectionRound,
    ElectionStatus,
    Nomination,
    NominationStatus,
    Office,
)
from network.extensions import cache
from network.meetings.models import Meeting
from network.motions import services as motions
from network.motions.models import Motion, MotionKind, MotionStatus
from network.votes import services as votes
from network.votes.models import Secrecy, Vote, VoteKind
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
    milan = make.city("Milan", country="IT", status=MembershipStatus.suspended)
    return {
        "cities": {"seoul": seoul, "hamburg": hamburg, "milan": milan},
        "secretariat": as_user(make.secretariat()),
        "park": as_user(make.delegate(seoul, name="Park Won-soon", signing_authority=True)),
        "lee": as_user(make.delegate(seoul, name="Lee Staff")),
        "hamburg": as_user(make.delegate(hamburg, name="Peter Tschentscher")),
        "milan": as_user(make.delegate(milan, name="Giuseppe Sala", signing_authority=True)),
        "observer": as_user(make.observer(name="Ilo Observer")),
    }


def page(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return unescape(response.get_data(as_text=True))


def section(html: str, heading_id: str) -> str:
    """Return the panel labelled by ``heading_id`` ("" when the page has none)."""
    start = html.find(f'aria-labelledby="{heading_id}"')
    if start < 0:
        return ""
    return html[start : html.index("</section>", start)]


def officer(app) -> User:
    return db.session.scalar(sa.select(User).where(User.role == "secretariat"))


def open_charter_vote(app, closes_at: datetime | None = CLOSES) -> int:
    """Open a vote on a new charter draft (the electorate: the members now)."""
    with app.app_context():
        now = clock.now()
        version = charter.create_draft(actor=officer(app), now=now)
        vote = votes.create_vote(
            subject_type=charter.SUBJECT,
            subject_id=version.id,
            title=f"Charter {version.number}",
            kind=VoteKind.approval,
            secrecy=Secrecy.recorded,
            rule_key="amendment",
            closes_at=closes_at,
            actor=None,
            now=now,
        )
        votes.open_vote(vote, actor=None, now=now)
        db.session.commit()
        return vote.id


# Who sees the desk, and how it is served


def test_visitors_keep_the_public_home_page_and_delegates_get_their_desk(app, client, council):
    public = client.get("/")
    assert "Where member cities decide together" in public.text
    assert public.headers["ETag"] and "Desk of" not in public.text
    desk = council["park"].get("/")
    assert "Desk of Seoul" in desk.text and "Where member cities decide together" not in desk.text
    assert "ETag" not in desk.headers
    assert desk.headers["Cache-Control"] == "private, no-store"
    # A visitor after the delegate still gets the public page.
    assert "Desk of" not in app.test_client().get("/").text


def test_the_city_is_named_in_the_readers_language(council):
    html = council["park"].get("/", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert "서울특별시" in re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)


def test_the_secretariat_keeps_the_public_home_page(council):
    html = page(council["secretariat"])
    assert "Where member cities decide together" in html and "Desk of" not in html


@pytest.fixture
def public_cache(app, monkeypatch):
    """Switch the page cache on, empty (as tests/test_public_cache.py does)."""
    monkeypatch.setitem(app.config, "PUBLIC_CACHE", True)
    with app.app_context():
        cache.clear()
    yield
    with app.app_context():
        cache.clear()


def test_a_public_cache_never_serves_a_desk_to_a_visitor_or_another_city(
    app, council, public_cache
):
    visitor = app.test_client()
    first = visitor.get("/")
    assert "Desk of Seoul" in council["park"].get("/").text
    assert "Desk of Hamburg" in council["hamburg"].get("/").text
    again = visitor.get("/")
    assert again.get_data() == first.get_data() and "Desk of" not in again.text


# Ballots


def test_ballots_to_cast_with_their_deadline_until_the_city_votes(app, council, make, as_user):
    vote_id = open_charter_vote(app)
    # Vienna joins after the vote opened: it is not in the electorate.
    vienna = as_user(make.delegate(make.city("Vienna", country="AT")))
    ballot = f'href="/votes/{vote_id}/ballot"'
    for who in ("park", "lee", "hamburg"):
        panel = section(page(council[who]), "ballots-heading")
        assert ballot in panel, who
        assert f"Closes {CLOSES_TEXT}" in panel, who
    assert ballot not in page(vienna)
    assert ballot not in page(council["milan"])  # suspended: no ballots panel at all
    assert ballot not in page(council["observer"])

    response = cast_ballot(council["lee"], vote_id, choice="yes")
    assert response.status_code == 302
    for who in ("park", "lee"):
        html = page(council[who])
        assert ballot not in html
        assert "Your city has no ballot to cast at present." in section(html, "ballots-heading")
        recent = section(html, "recent-heading")
        assert f'href="/votes/{vote_id}"' in recent and "by Lee Staff" in recent
    assert ballot in page(council["hamburg"])
    assert "Ballot cast" not in section(page(council["hamburg"]), "recent-heading")


def test_every_open_vote_of_the_network_is_listed_to_its_page_for_everyone(app, council):
    vote_id = open_charter_vote(app)
    assert cast_ballot(council["park"], vote_id, choice="yes").status_code == 302
    for who in ("park", "hamburg", "milan", "observer"):
        panel = section(page(council[who]), "votes-heading")
        assert f'href="/votes/{vote_id}"' in panel and f"Closes {CLOSES_TEXT}" in panel, who


def test_a_vote_past_its_closing_time_is_no_longer_a_ballot_to_cast(app, council):
    closes = clock.now() + timedelta(hours=2)
    vote_id = open_charter_vote(app, closes_at=closes)
    assert f'href="/votes/{vote_id}/ballot"' in page(council["park"])
    with time_machine.travel(closes + timedelta(minutes=1), tick=False):
        assert f'href="/votes/{vote_id}/ballot"' not in page(council["park"])


def test_a_vote_without_a_closing_time_says_who_closes_it(app, council):
    open_charter_vote(app, closes_at=None)
    panel = section(page(council["park"]), "ballots-heading")
    assert "Open until the secretariat closes it" in panel


# Declarations


def test_declarations_to_sign_until_the_city_signs(app, council, make, as_user):
    slug = open_declaration(council["secretariat"])
    today = clock.today()
    signer = section(page(council["park"]), "sign-heading")
    assert (
        f'href="/declarations/{slug}/sign"' in signer and "Declaration on the living wage" in signer
    )
    assert f"open since {today:%b} {today.day}, {today.year}" in signer
    assert "signing authority" not in signer

    # A delegate without authority is told who in the city may sign.
    staff = section(page(council["lee"]), "sign-heading")
    assert f'href="/declarations/{slug}"' in staff and f"/declarations/{slug}/sign" not in staff
    assert "You do not hold signing authority." in staff and "Park Won-soon" in staff
    # A city where nobody may sign is told to ask the secretariat.
    hamburg = section(page(council["hamburg"]), "sign-heading")
    assert "Nobody in Hamburg holds signing authority" in hamburg
    assert "Park Won-soon" not in hamburg

    assert slug not in page(council["milan"])  # suspended: signs nothing
    assert slug not in page(council["observer"])

    assert sign(council["park"], slug).status_code == 302
    for who in ("park", "lee"):
        html = page(council[who])
        assert "No declaration awaits your city's signature." in section(html, "sign-heading")
        recent = section(html, "recent-heading")
        assert f'href="/declarations/{slug}"' in recent and "by Park" in recent
    assert f'href="/declarations/{slug}"' in section(page(council["hamburg"]), "sign-heading")


# Nominations


def test_elections_taking_nominations_and_nominations_to_answer(app, council):
    closes = (clock.now() + timedelta(days=10)).replace(second=0, microsecond=0)
    election_id = open_election(
        council["secretariat"], nominations_close_at=closes.strftime("%Y-%m-%dT%H:%M")
    )
    link = f'href="/elections/{election_id}#nominations-heading"'
    panel = section(page(council["park"]), "nominations-heading")
    assert link in panel and "Nominations close" in panel
    assert "Your city is nominated" not in panel
    assert link not in page(council["milan"]) and link not in page(council["observer"])

    assert nominate(council["hamburg"], election_id, "seoul").status_code == 302
    seoul = section(page(council["lee"]), "nominations-heading")
    assert "Your city is nominated for Chair city, 2019–2020: accept or decline" in seoul
    assert "Your city is nominated" not in page(council["hamburg"])

    election_page = council["park"].get(f"/elections/{election_id}").get_data(as_text=True)
    action = re.search(r'action="(/elections/\d+/nominations/\d+)"', election_page).group(1)
    assert council["park"].post(action, data={"answer": "accept"}).status_code == 302
    assert "Your city is nominated" not in page(council["park"])

    assert (
        council["secretariat"]
        .post(f"/secretariat/elections/{election_id}/close-nominations")
        .status_code
        == 302
    )
    html = page(council["park"])
    assert link not in html
    assert "No election is taking nominations at present." in section(html, "nominations-heading")


# Motions


def test_motions_of_other_cities_to_second_until_seconded(app, council):
    motion_id = propose(council["park"])
    link = f'href="/motions/{motion_id}"'
    hamburg = section(page(council["hamburg"]), "second-heading")
    assert link in hamburg and "Living wage for city contractors" in hamburg
    assert "Lapses" in hamburg and "unless seconded" in hamburg and "Proposed by Seoul" in hamburg
    seoul = page(council["lee"])
    assert link not in section(seoul, "second-heading")  # its own city's motion
    assert link in section(seoul, "recent-heading") and "Motion proposed" in seoul
    assert link not in page(council["milan"]) and link not in page(council["observer"])

    assert council["hamburg"].post(f"/motions/{motion_id}/second").status_code == 302
    html = page(council["hamburg"])
    assert "No motion of another city awaits a second." in section(html, "second-heading")
    assert link in section(html, "recent-heading") and "Motion seconded" in html


def test_a_city_not_in_good_standing_is_told_why_its_desk_holds_no_work(app, council):
    open_charter_vote(app)
    html = page(council["milan"])
    assert "Milan is not a member in good standing at present" in html
    for heading in ("ballots-heading", "sign-heading", "nominations-heading", "second-heading"):
        assert section(html, heading) == "", heading
    assert section(html, "meetings-heading") and section(html, "recent-heading")


# Drafts and meetings; observers


def add_meeting(app, title: str, days: int) -> int:
    with app.app_context():
        meeting = Meeting(
            title=title,
            held_on=clock.today() + timedelta(days=days),
            place="Seoul City Hall",
            created_at=clock.now(),
        )
        db.session.add(meeting)
        db.session.commit()
        return meeting.id


def add_draft(app) -> int:
    with app.app_context():
        version = charter.create_draft(actor=officer(app), now=clock.now())
        db.session.commit()
        return version.number


def test_an_observer_s_desk_holds_the_drafts_open_for_comment_and_the_meetings_ahead(app, council):
    number = add_draft(app)
    add_meeting(app, "City Government Roundtable", 10)
    add_meeting(app, "Last year's forum", -300)
    open_charter_vote(app)
    html = page(council["observer"])
    assert "Your desk" in html and "Desk of" not in html
    drafts = section(html, "drafts-heading")
    assert f'href="/charter/versions/{number}#comments"' in drafts and "0 comments" in drafts
    meetings = section(html, "meetings-heading")
    assert "City Government Roundtable" in meetings and "Last year" not in meetings
    day = clock.today() + timedelta(days=10)
    assert f"{day:%b} {day.day}, {day.year}" in meetings
    for heading in ("ballots-heading", "sign-heading", "second-heading", "recent-heading"):
        assert section(html, heading) == "", heading
    # Delegates see the same drafts and meetings on their desk.
    delegate = page(council["park"])
    assert f'href="/charter/versions/{number}#comments"' in section(delegate, "drafts-heading")
    assert "City Government Roundtable" in section(delegate, "meetings-heading")


def test_with_nothing_waiting_the_desk_says_so(council):
    html = page(council["park"])
    assert "Nothing awaits your city's answer at present." in html
    assert "Your city has not voted, signed or proposed anything yet." in html
    assert "No draft is open for comment at present." in html
    assert "No meeting is planned at present." in html


# Statements


def grow(app, n: int) -> None:
    """Add ``n`` of each thing on Seoul's desk: votes of each subject, declarations,
    nominations, motions, meetings and what Seoul did (ballots, signatures, motions)."""
    with app.app_context():
        now = clock.now()
        actor = officer(app)
        seoul = db.session.scalar(sa.select(City).where(City.slug == "seoul"))
        hamburg = db.session.scalar(sa.select(City).where(City.slug == "hamburg"))
        park = db.session.scalar(sa.select(User).where(User.name == "Park Won-soon"))
        peter = db.session.scalar(sa.select(User).where(User.name == "Peter Tschentscher"))
        for i in range(n):
            version = charter.create_draft(actor=actor, now=now)
            for j in range(2):  # one to cast, one cast
                proposed = motions.propose(
                    title=f"Motion {i}-{j}",
                    text="Text",
                    kind=MotionKind.ordinary,
                    subject_city=None,
                    charter_version=None,
                    actor=peter,
                    now=now,
                )
                motions.second(proposed, actor=park, now=now)
                motion_vote = motions.put_to_vote(
                    proposed, secrecy=Secrecy.recorded, closes_at=CLOSES, actor=actor, now=now
                )
                election = Election(
                    office=Office.vice_chair,
                    term_start=date(2040 + 4 * i + 2 * j, 1, 1),
                    term_end=date(2041 + 4 * i + 2 * j, 12, 31),
                    status=ElectionStatus.balloting,
                    settlements=[],
                    created_at=now,
                )
                db.session.add(election)
                db.session.flush()
                round_vote = votes.create_vote(
                    subject_type=elections.SUBJECT,
                    subject_id=election.id,
                    title="Round",
                    kind=VoteKind.single,
                    secrecy=Secrecy.secret,
                    rule_key="chair_election",
                    options=[("Hamburg", hamburg.id)],
                    closes_at=CLOSES,
                    actor=None,
                    now=now,
                )
                votes.open_vote(round_vote, actor=None, now=now)
                db.session.add(
                    ElectionRound(election_id=election.id, number=1, vote_id=round_vote.id)
                )
                charter_vote = votes.create_vote(
                    subject_type=charter.SUBJECT,
                    subject_id=version.id,
                    title="Charter",
                    kind=VoteKind.approval,
                    secrecy=Secrecy.recorded,
                    rule_key="amendment",
                    closes_at=CLOSES,
                    actor=None,
                    now=now,
                )
                votes.open_vote(charter_vote, actor=None, now=now)
                if j == 1:
                    for vote in (motion_vote, charter_vote):
                        votes.cast_ballot(vote, seoul, "yes", actor=park, now=now)
                    option = db.session.scalar(
                        sa.select(Vote).where(Vote.id == round_vote.id)
                    ).options[0]
                    votes.cast_ballot(round_vote, seoul, option.id, actor=park, now=now)
            # A motion to second, one Seoul proposed.
            motions.propose(
                title=f"To second {i}",
                text="Text",
                kind=MotionKind.ordinary,
                subject_city=None,
                charter_version=None,
                actor=peter,
                now=now,
            )
            motions.propose(
                title=f"Seoul's {i}",
                text="Text",
                kind=MotionKind.ordinary,
                subject_city=None,
                charter_version=None,
                actor=park,
                now=now,
            )
            # An election taking nominations, with Seoul nominated.
            nominating = elections.create_election(
                office=Office.chair,
                term_start=date(2100 + 4 * i, 1, 1),
                term_end=date(2101 + 4 * i, 12, 31),
                nominations_close_at=None,
                actor=actor,
                now=now,
            )
            db.session.add(
                Nomination(
                    election_id=nominating.id,
                    city_id=seoul.id,
                    nominated_by_id=peter.id,
                    status=NominationStatus.pending,
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
    assert Motion and MotionStatus  # the models the helper's services write


def test_the_desk_s_statements_do_not_grow_with_its_items(app, council):
    secretariat = council["secretariat"]
    for draft in ({"slug": "first-declaration"},):
        open_declaration(secretariat, **draft)
    assert sign(council["park"], "first-declaration").status_code == 302
    open_declaration(secretariat, slug="second-declaration")
    grow(app, 1)
    small, first = statements_during(lambda: council["lee"].get("/"))
    html = unescape(first.get_data(as_text=True))
    # Every panel has something in it.
    for text in ("Motion 0-0", "To second 0", "Chair city, ", "Meeting 0", "second-declaration"):
        assert text in html, text
    assert "Round 1" in html or "round 1" in html
    for i in range(3, 7):
        open_declaration(secretariat, slug=f"declaration-{i}")
        assert sign(council["park"], f"declaration-{i}").status_code == 302
        open_declaration(secretariat, slug=f"unsigned-{i}")
    grow(app, 4)
    large, second = statements_during(lambda: council["lee"].get("/"))
    assert second.get_data(as_text=True).count('/ballot"') > first.get_data(as_text=True).count(
        '/ballot"'
    )
    assert large == small, (small, large)
    assert small <= 24, small


def test_the_observer_desk_s_statements_do_not_grow_either(app, council):
    add_draft(app)
    add_meeting(app, "One", 3)
    open_charter_vote(app)
    small, _ = statements_during(lambda: council["observer"].get("/"))
    for i in range(5):
        add_draft(app)
        add_meeting(app, f"More {i}", 4 + i)
        open_charter_vote(app)
    large, second = statements_during(lambda: council["observer"].get("/"))
    assert second.get_data(as_text=True).count("Closes ") == 6
    assert large == small
