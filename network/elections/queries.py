"""Reads of elections and terms: who holds an office, what each round counted."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from network.cities.models import City, MembershipStatus
from network.db import db
from network.elections.models import Election, ElectionRound, Nomination, Office, Term
from network.votes.models import Vote, VoteOption


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
