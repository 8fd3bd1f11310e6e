"""Reads of elections and terms: who holds an office, what each round counted."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from network.db import db
from network.elections.models import Election, ElectionRound, Nomination, Office, Term
from network.votes.models import Vote


def _with_everything() -> sa.Select[tuple[Election]]:
    return sa.select(Election).options(
        selectinload(Election.nominations).selectinload(Nomination.city),
        selectinload(Election.rounds).selectinload(ElectionRound.vote).selectinload(Vote.options),
        selectinload(Election.winner),
    )


def election(election_id: int) -> Election | None:
    """Return an election with its nominations, rounds and votes."""
    return db.session.scalar(_with_everything().where(Election.id == election_id))


def elections_statement() -> sa.Select[tuple[Election]]:
    """Select elections, newest term first."""
    return _with_everything().order_by(Election.term_start.desc(), Election.id.desc())


def holder(office: Office, today: date) -> Term | None:
    """Return the term in ``office`` that covers ``today``, if any."""
    return db.session.scalar(
        sa.select(Term)
        .where(Term.office == office, Term.starts_on <= today, Term.ends_on >= today)
        .options(selectinload(Term.city))
        .order_by(Term.starts_on.desc())
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
            .options(selectinload(Term.city))
            .order_by(Term.starts_on.desc())
        )
    )
