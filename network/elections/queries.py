"""Reads of elections and terms: who holds an office, what each round counted."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import aliased, selectinload

from network.cities.models import City, CityText, MembershipStatus
from network.db import db
from network.elections.models import (
    Election,
    ElectionRound,
    ElectionStatus,
    Nomination,
    NominationStatus,
    Office,
    Term,
)
from network.votes.models import Vote, VoteOption, VoteStatus
from network.votes.tally import Outcome


def _with_everything(names: bool = False) -> sa.Select[tuple[Election]]:
    """Select elections with their nominations, rounds and votes.

    :param names: load the cities' names in every language too, for a page that names
        them in the reader's language (the API gives slugs).
    """
    texts = (selectinload(City.texts),) if names else ()
    return sa.select(Election).options(
        selectinload(Election.nominations).selectinload(Nomination.city).options(*texts),
        selectinload(Election.rounds)
        .selectinload(ElectionRound.vote)
        .selectinload(Vote.options)
        .selectinload(VoteOption.city)
        .options(*texts),
        selectinload(Election.winner).options(*texts),
    )


def election(election_id: int, *, names: bool = False) -> Election | None:
    """Return an election with its nominations, rounds and votes (``names``: see above)."""
    return db.session.scalar(_with_everything(names).where(Election.id == election_id))


class NamedCity(NamedTuple):
    """A city's address and its name in the reader's language (else in English)."""

    id: int
    slug: str
    name: str


class NominationRow(NamedTuple):
    """A nomination as the election's page shows it."""

    id: int
    city_id: int
    status: NominationStatus
    city: NamedCity


class RoundVote(NamedTuple):
    """A round's vote as the election's page shows it: its options by id, in order."""

    id: int
    status: VoteStatus
    closes_at: datetime | None
    result: dict[str, Any] | None
    options: list[int]

    @property
    def outcome(self) -> Outcome | None:
        """Return the outcome once the vote is closed (as ``Vote.outcome``)."""
        return Outcome(self.result["outcome"]) if self.result else None


class RoundRow(NamedTuple):
    """A round of balloting and its vote."""

    number: int
    vote: RoundVote


@dataclass(frozen=True)
class ElectionPage:
    """What an election's page shows, read as plain rows (issue #19).

    ``names`` names each candidate of every round, by option id (as a string, the keys
    of a stored result), in the reader's language.
    """

    id: int
    office: Office
    term_start: date
    term_end: date
    status: ElectionStatus
    nominations_close_at: datetime | None
    settlements: list[dict[str, Any]]
    winner: NamedCity | None
    nominations: list[NominationRow]
    rounds: list[RoundRow]
    names: dict[str, str]


def _local_name(city: Any, local: Any) -> Any:
    """Return the city's name from the outer-joined text ``local``, else its English name."""
    return sa.func.coalesce(sa.func.nullif(local.name, ""), city.name)


@functools.cache
def _page_statements() -> tuple[sa.Select, sa.Select, sa.Select, sa.Select]:
    """Build the election page's four statements once, their values bound at each request.

    Built on first use, not at import (the mappers are configured by then): building a
    statement with aliases costs more than running it on a small election.
    """
    election_id, language = sa.bindparam("election_id"), sa.bindparam("language")
    winner, local = aliased(City), aliased(CityText)
    election = (
        sa.select(
            Election.id,
            Election.office,
            Election.term_start,
            Election.term_end,
            Election.status,
            Election.nominations_close_at,
            Election.settlements,
            winner.id,
            winner.slug,
            _local_name(winner, local),
        )
        .outerjoin(winner, winner.id == Election.winner_city_id)
        .outerjoin(local, sa.and_(local.city_id == winner.id, local.language == language))
        .where(Election.id == election_id)
    )
    local = aliased(CityText)
    nominations = (
        sa.select(
            Nomination.id,
            Nomination.city_id,
            Nomination.status,
            City.slug,
            _local_name(City, local),
        )  # fmt: skip
        .join(City, City.id == Nomination.city_id)
        .outerjoin(local, sa.and_(local.city_id == City.id, local.language == language))
        .where(Nomination.election_id == election_id)
        .order_by(Nomination.id)
    )
    votes = (
        sa.select(ElectionRound.number, Vote.id, Vote.status, Vote.closes_at, Vote.result)
        .join(Vote, Vote.id == ElectionRound.vote_id)
        .where(ElectionRound.election_id == election_id)
        .order_by(ElectionRound.number)
    )
    local = aliased(CityText)
    options = (
        sa.select(
            VoteOption.id,
            VoteOption.vote_id,
            # A candidate city by its name; an option without a city by its label.
            sa.func.coalesce(sa.func.nullif(local.name, ""), City.name, VoteOption.label),
        )
        .join(ElectionRound, ElectionRound.vote_id == VoteOption.vote_id)
        .outerjoin(City, City.id == VoteOption.city_id)
        .outerjoin(local, sa.and_(local.city_id == City.id, local.language == language))
        .where(ElectionRound.election_id == election_id)
        .order_by(VoteOption.vote_id, VoteOption.position)
    )
    return election, nominations, votes, options


def election_page(election_id: int, language: str) -> ElectionPage | None:
    """Return what an election's page shows, cities named in ``language``; None if none.

    Four queries of plain rows (the election and its elected city, the nominations, the
    rounds' votes, their candidates), each city's name in ``language`` from an outer
    join, run on the session's connection: no objects, and no query per relationship
    as eager loading of ``Election`` makes (the page, uncached, spent more than half its
    time there).
    """
    election, nominations, votes, options = _page_statements()
    values = {"election_id": election_id, "language": language}
    connection = db.session.connection()
    found = connection.execute(election, values).first()
    if found is None:
        return None
    rounds = connection.execute(votes, values).all()
    listed: dict[int, list[int]] = {vote_id: [] for _number, vote_id, *_rest in rounds}
    names: dict[str, str] = {}
    if rounds:
        for option_id, vote_id, name in connection.execute(options, values):
            listed[vote_id].append(option_id)
            names[str(option_id)] = name
    return ElectionPage(
        id=found[0],
        office=found[1],
        term_start=found[2],
        term_end=found[3],
        status=found[4],
        nominations_close_at=found[5],
        settlements=found[6],
        winner=NamedCity(found[7], found[8], found[9]) if found[7] is not None else None,
        nominations=[
            NominationRow(id_, city_id, status, NamedCity(city_id, slug, name))
            for id_, city_id, status, slug, name in connection.execute(nominations, values)
        ],
        rounds=[
            RoundRow(number, RoundVote(vote_id, status, closes_at, result, listed[vote_id]))
            for number, vote_id, status, closes_at, result in rounds
        ],
        names=names,
    )


def elections_statement() -> sa.Select[tuple[Election]]:
    """Select elections, newest term first."""
    return _with_everything().order_by(Election.term_start.desc(), Election.id.desc())


def elections_listing() -> list[Election]:
    """Return the elections for their list: each with its elected city, named in every language."""
    return list(
        db.session.scalars(
            sa.select(Election)
            .options(selectinload(Election.winner).selectinload(City.texts))
            .order_by(Election.term_start.desc(), Election.id.desc())
        )
    )


def nominable_cities() -> list[City]:
    """Return the member cities in good standing, by name, named in every language."""
    return list(
        db.session.scalars(
            sa.select(City)
            .where(City.status == MembershipStatus.member)
            .order_by(City.name, City.id)
            .options(selectinload(City.texts))
        )
    )


def holder(office: Office, today: date) -> Term | None:
    """Return the term in ``office`` that covers ``today``, if any."""
    return db.session.scalar(
        sa.select(Term)
        .where(Term.office == office, Term.starts_on <= today, Term.ends_on >= today)
        .options(selectinload(Term.city).selectinload(City.texts))
        .order_by(Term.starts_on.desc())
        .limit(1)
    )


def next_term(office: Office, today: date) -> Term | None:
    """Return the next term in ``office`` to begin after ``today``, if one is certified."""
    return db.session.scalar(
        sa.select(Term)
        .where(Term.office == office, Term.starts_on > today)
        .options(selectinload(Term.city).selectinload(City.texts))
        .order_by(Term.starts_on)
        .limit(1)
    )


def terms_of(city_id: int) -> list[Term]:
    """Return a city's terms of office, latest first."""
    return list(
        db.session.scalars(
            sa.select(Term).where(Term.city_id == city_id).order_by(Term.starts_on.desc())
        )
    )


def all_terms(office: Office) -> list[Term]:
    """Return every term in an office, latest first (past terms stay listed)."""
    return list(
        db.session.scalars(
            sa.select(Term)
            .where(Term.office == office)
            .options(selectinload(Term.city).selectinload(City.texts))
            .order_by(Term.starts_on.desc())
        )
    )
