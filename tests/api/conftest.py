"""A world in which every API route has something to say, and a parser for the pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from network.auth.models import User
from network.cities.models import City
from network.common import clock
from network.db import db
from network.declarations import services as declaration_services
from network.declarations.models import Declaration, Signature
from network.elections import services as election_services
from network.elections.models import Election
from network.meetings import services as meeting_services
from network.meetings.attendance import Presence, record_attendance
from network.meetings.models import AttendanceMode, DecisionMethod, Meeting
from network.motions.models import Motion
from network.votes import services as vote_services
from network.votes.models import Vote, VoteStatus

# Cities whose demo delegates vote (every demo member city has one delegate account).
VOTERS = ("seoul", "new-york", "hamburg", "london", "vienna", "milan", "marseille")


def _user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def _city(slug: str) -> City:
    return db.session.scalar(sa.select(City).where(City.slug == slug))


@pytest.fixture
def open_world(app, database) -> dict[str, int | str]:
    """The demo, then: the charter adopted by roll call, the chair elected by secret
    ballot and certified, a signature withdrawn. Returns the ids the routes need."""
    assert app.test_cli_runner().invoke(args=["network", "seed-demo"]).exit_code == 0
    with app.app_context():
        now = clock.now()
        officer = _user("secretariat@example.org")
        charter_vote, election_vote = db.session.scalars(
            sa.select(Vote).where(Vote.status == VoteStatus.open).order_by(Vote.id)
        ).all()
        seoul_option = next(o.id for o in election_vote.options if o.city.slug == "seoul")
        hamburg_option = next(o.id for o in election_vote.options if o.city.slug == "hamburg")
        receipts = []
        for number, slug in enumerate(VOTERS):
            delegate, city = _user(f"{slug}@example.org"), _city(slug)
            choice = "no" if slug == "milan" else "yes"
            vote_services.cast_ballot(charter_vote, city, choice, actor=delegate, now=now)
            candidate = hamburg_option if number % 3 == 2 else seoul_option
            ballot = vote_services.cast_ballot(
                election_vote, city, candidate, actor=delegate, now=now
            )
            receipts.append(ballot.receipt)
        vote_services.close_vote(charter_vote, actor=officer, now=now)
        vote_services.close_vote(election_vote, actor=officer, now=now)
        election = db.session.scalar(sa.select(Election))
        election_services.certify(election, actor=officer, now=now)
        declaration = db.session.scalar(
            sa.select(Declaration).where(Declaration.slug == "seoul-declaration-2017")
        )
        signature = db.session.scalar(
            sa.select(Signature)
            .where(Signature.declaration_id == declaration.id)
            .order_by(Signature.id.desc())
        )
        declaration_services.withdraw(signature, "Recorded in error", actor=officer, now=now)
        meeting = db.session.scalar(sa.select(Meeting))
        motion = db.session.scalar(sa.select(Motion))
        # The roll call's cities are present: in-room decisions take their quorum from it.
        record_attendance(
            meeting,
            {_city(slug).id: Presence(AttendanceMode.in_room) for slug in VOTERS},
            actor=officer,
            now=now,
        )
        meeting_services.record_decision(
            meeting,
            title="",
            text="",
            method=DecisionMethod.roll_call,
            roll_call={slug: "no" if slug == "london" else "yes" for slug in VOTERS},
            motion=motion,
            actor=officer,
            now=now,
        )
        db.session.commit()
        return {
            "charter_vote": charter_vote.id,
            "election_vote": election_vote.id,
            "election": election.id,
            "receipt": receipts[0],
            "signature_code": signature.verification_code,
            "meeting": meeting.id,
            "motion": motion.id,
        }


@dataclass
class Cell:
    """A table cell's text and the links in it."""

    text: str = ""
    links: list[str] = field(default_factory=list)


class PageParser(HTMLParser):
    """Collect a page's tables (rows of cells) and headings, text normalised."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[Cell]]] = []
        self.headings: list[str] = []
        self.links: list[str] = []
        self._cell: Cell | None = None
        self._heading: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in {"td", "th"} and self.tables and self.tables[-1]:
            self._cell = Cell()
            self.tables[-1][-1].append(self._cell)
        elif tag in {"h1", "h2", "h3"}:
            self._heading = []
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            self.links.append(href)
            if self._cell is not None:
                self._cell.links.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"td", "th"} and self._cell is not None:
            self._cell.text = " ".join(self._cell.text.split())
            self._cell = None
        elif tag in {"h1", "h2", "h3"} and self._heading is not None:
            self.headings.append(" ".join("".join(self._heading).split()))
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.text += data
        if self._heading is not None:
            self._heading.append(data)

    def body_rows(self, table: int = 0) -> list[list[Cell]]:
        """Rows of a table that hold data cells (the header row left out)."""
        rows = self.tables[table]
        return [row for row in rows[1:] if row] if rows else []


def parse(html: str) -> PageParser:
    """Parse a page."""
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser
