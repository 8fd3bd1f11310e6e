"""Move the demo on so that every kind of page has something to show, then print the ids.

Run as ``python -m tests.browser.world`` in the environment of a browser-test server
(its ``DATABASE_URL``), after ``flask network seed-demo``. It calls the services as the
demo's people would, in one transaction: the charter adopted (a resolution and a roll
call), the chair election's first round counted (secret receipts) and its runoff open,
Seoul's motion open for votes and a motion of Hamburg's awaiting a second, Seoul's
signature on the 2018 agreement and one 2017 signature withdrawn, a second charter
draft, a vice-chair election taking nominations and a pending invitation. Hamburg's
delegate is left with ballots to cast, a nomination to answer and a declaration to
sign. Seoul, London, Vienna and Hamburg publish a decent-work indicator over two years
(Seoul revising one figure), and Hamburg keeps a draft. The output is one JSON object of
ids and codes.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import sqlalchemy as sa

from network.auth import services as accounts
from network.auth.models import Role, User
from network.calendars import services as calendar_services
from network.calendars.services import feed_token
from network.charter import services as charter
from network.charter.models import CharterVersion
from network.cities.models import City
from network.common import clock
from network.db import db
from network.declarations import services as declarations
from network.declarations.models import Declaration, Signature
from network.demo.seed import DEMO_PASSWORD
from network.elections import services as elections
from network.elections.models import Election, Office
from network.indicators import queries as indicator_queries
from network.indicators import services as indicators
from network.indicators.services import ValueEntry
from network.meetings.models import Meeting
from network.motions import services as motions
from network.motions.models import Motion, MotionKind
from network.notices.compose import unsubscribe_token
from network.notices.models import NoticeKind, OutboxMessage
from network.resolutions.models import Resolution
from network.votes import services as votes
from network.votes.models import Secrecy, Vote


def _user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def _city(slug: str) -> City:
    return db.session.scalar(sa.select(City).where(City.slug == slug))


def _cast(vote: Vote, choices: dict[str, Any]) -> list[str]:
    receipts = []
    for slug, choice in choices.items():
        delegate = _user(f"{slug}@example.org")
        option = next((o.id for o in vote.options if o.label == choice), choice)
        ballot = votes.cast_ballot(vote, delegate.city, option, actor=delegate, now=clock.now())
        receipts.append(ballot.receipt)
    return receipts


def _past_meeting(officer: User, now: Any) -> tuple[Meeting, Any]:
    """Record the 2017 forum's meeting, attach its agenda, and publish its minutes."""
    import io

    from network.common.storage import storage
    from network.meetings import minutes, papers
    from network.meetings import services as meetings

    meeting = meetings.create_meeting(
        title="Decent Work City Forum 2017",
        held_on=date(2017, 9, 6),
        place="Seoul City Hall",
        actor=officer,
        now=now,
    )
    paper = papers.add_paper(
        meeting,
        stream=io.BytesIO(b"Programme of the forum\n"),
        filename="programme.txt",
        title="Programme",
        language="en",
        item=None,
        translation_of=None,
        visibility=papers.PaperVisibility.public,
        max_size=1_000_000,
        store=storage(),
        actor=officer,
        now=now,
    )
    draft = minutes.start_minutes(meeting, language="en", actor=officer, now=now)
    minutes.approve_minutes(draft, meeting, approved_on=date(2018, 12, 12), actor=officer, now=now)
    minutes.publish_minutes(draft, meeting, actor=officer, now=now)
    return meeting, paper


# Living-wage coverage (percent) over two years, by (city, year offset): the value, its
# source. Seoul's later figure is revised with a reason; Hamburg's later one is a draft.
LIVING_WAGE = "living-wage-coverage"
LIVING_WAGE_FIGURES = {
    ("seoul", 2): ("81.5", "Seoul labour survey"),
    ("seoul", 1): ("83.2", "Seoul labour survey"),
    ("london", 2): ("78.9", "Living Wage Foundation"),
    ("london", 1): ("80.4", "Living Wage Foundation"),
    ("vienna", 1): ("91", "Statistik Austria"),
    ("hamburg", 2): ("86.25", "Statistikamt Nord"),
}


def _indicator_values(now: Any) -> dict[str, Any]:
    """Have cities publish living-wage coverage for two years (issue #20), as delegates do.

    Seoul revises its later figure with a reason, and Hamburg keeps a draft of its later
    one (its delegate and the secretariat read it; the public does not).
    """
    collection = indicator_queries.open_collection()
    indicator = indicator_queries.indicator(LIVING_WAGE)
    years = {offset: collection.year - offset for offset in (1, 2)}

    def enter(slug: str, year: int, amount: str, source: str, reason: str = "") -> Any:
        delegate = _user(f"{slug}@example.org")
        entry = ValueEntry(year=year, amount=amount, source=source, reason=reason)
        version = indicators.save_value(
            collection, indicator, _city(slug), entry, actor=delegate, now=now
        )
        return version, delegate

    for (slug, offset), (amount, source) in LIVING_WAGE_FIGURES.items():
        version, delegate = enter(slug, years[offset], amount, source)
        indicators.publish_value(version.value, actor=delegate, now=now)
    version, delegate = enter(
        "seoul", years[1], "83.7", "Seoul labour survey", "The survey's final results."
    )
    indicators.publish_value(version.value, actor=delegate, now=now)
    enter("hamburg", years[1], "87", "Statistikamt Nord, first results")
    return {"indicator": LIVING_WAGE, "indicator_years": [years[2], years[1]]}


HAMBURG_PRACTICE = "hamburg-procurement-and-agency-workers"


def _practice_document(now: Any) -> int:
    """Have Hamburg's delegate attach a document to Hamburg's practice; return its id."""
    import io

    from network.common.storage import storage
    from network.practices import documents
    from network.practices.models import Practice

    practice = db.session.scalar(sa.select(Practice).where(Practice.slug == HAMBURG_PRACTICE))
    document = documents.add_document(
        practice,
        stream=io.BytesIO(b"Hamburg Public Procurement Act: the clauses on agency workers\n"),
        filename="procurement-act.txt",
        title="The procurement act's clauses",
        language="en",
        max_size=1_000_000,
        store=storage(),
        actor=_user("hamburg@example.org"),
        now=now,
    )
    return document.id


def build() -> dict[str, Any]:
    """Advance the demo and return what the page list needs."""
    officer = _user("secretariat@example.org")
    now = clock.now()

    version = db.session.scalar(sa.select(CharterVersion).where(CharterVersion.number == 1))
    charter_vote = version.vote
    _cast(charter_vote, dict.fromkeys(["seoul", "hamburg", "vienna", "london", "new-york"], "yes"))
    _cast(charter_vote, {"milan": "no"})
    votes.close_vote(charter_vote, actor=officer, now=now)

    election = db.session.scalar(sa.select(Election).order_by(Election.id))
    first = election.rounds[0].vote
    receipts = _cast(
        first,
        {
            "milan": "Johannesburg",
            "seoul": "Seoul",
            "vienna": "Seoul",
            "new-york": "Seoul",
            "hamburg": "Hamburg",
            "london": "Hamburg",
        },
    )
    votes.close_vote(first, actor=officer, now=now)
    db.session.refresh(election)
    runoff = election.rounds[-1].vote
    votes.open_vote(runoff, actor=officer, now=now)

    motion = db.session.scalar(sa.select(Motion).order_by(Motion.id))
    motion_vote = motions.put_to_vote(
        motion, secrecy=Secrecy.recorded, closes_at=None, actor=officer, now=now
    )
    _cast(motion_vote, {"seoul": "yes"})
    own_motion = motions.propose(
        title="Shared decent work indicators for member cities",
        text="The Council asks the secretariat to draft **shared indicators**.",
        kind=MotionKind.ordinary,
        subject_city=None,
        charter_version=None,
        actor=_user("hamburg@example.org"),
        now=now,
    )

    agreement = db.session.scalar(
        sa.select(Declaration).where(Declaration.slug == "joint-agreement-2018")
    )
    signature = declarations.sign(
        agreement,
        name="Park Won-soon",
        title="Mayor of Seoul",
        password=DEMO_PASSWORD,
        actor=_user("seoul@example.org"),
        now=now,
    )
    old = db.session.scalars(sa.select(Signature).order_by(Signature.id)).first()
    declarations.withdraw(old, "Signed in error by the wrong office.", actor=officer, now=now)

    draft = charter.create_draft(actor=officer, now=now)

    vice = elections.create_election(
        office=Office.vice_chair,
        term_start=date(now.year + 1, 1, 1),
        term_end=None,
        nominations_close_at=None,
        actor=officer,
        now=now,
    )
    elections.nominate(vice, _city("hamburg"), actor=_user("vienna@example.org"), now=now)

    invited, invitation = accounts.invite_user(
        "invited.observer@example.org",
        accounts.AccountDetails(
            name="Invited Observer",
            role=Role.observer,
            city=None,
            organisation="OECD",
            signing_authority=False,
        ),
        actor=officer,
        now=now,
    )
    db.session.flush()

    resolution = db.session.scalars(sa.select(Resolution).order_by(Resolution.id)).first()
    meeting = db.session.scalars(sa.select(Meeting).order_by(Meeting.id)).first()
    past_meeting, paper = _past_meeting(officer, now)
    indicator_world = _indicator_values(now)
    practice_document = _practice_document(now)
    world = {
        **indicator_world,
        "charter_vote": charter_vote.id,
        "election": election.id,
        "first_round": first.id,
        "runoff": runoff.id,
        "vice_election": vice.id,
        "motion": motion.id,
        "motion_vote": motion_vote.id,
        "own_motion": own_motion.id,
        "meeting": meeting.id,
        # A meeting already held, with a paper and published minutes (issue #16).
        "past_meeting": past_meeting.id,
        "paper": paper.id,
        # A document on Hamburg's practice (issue #20).
        "practice_document": practice_document,
        "resolution": [resolution.year, resolution.sequence],
        "draft": draft.number,
        "receipt": receipts[0],
        "signature_code": signature.verification_code,
        "invited_user": invited.id,
        "invitation_token": accounts.invitation_token(invitation),
        "delegate_user": _user("hamburg@example.org").id,
        # The invitation just mailed, a delegate's one-click unsubscribe from vote notices
        # and a password-reset link (issue #15).
        "outbox_message": db.session.scalar(sa.select(sa.func.max(OutboxMessage.id))),
        "unsubscribe_token": unsubscribe_token(
            _user("hamburg@example.org").id, NoticeKind.vote_opened
        ),
        "reset_token": accounts.password_reset_token(_user("observer@example.org")),
        # Hamburg's delegate's private calendar (issue #15).
        "calendar_token": feed_token(
            calendar_services.renew_link(
                _user("hamburg@example.org"), actor=_user("hamburg@example.org"), now=clock.now()
            )
        ),
    }
    db.session.commit()
    return world


def main() -> None:
    """Build the world in the app the browser tests serve, and print it as JSON."""
    from tests.browser.serve import app

    with app.app_context():
        print(json.dumps(build()))


if __name__ == "__main__":
    main()
