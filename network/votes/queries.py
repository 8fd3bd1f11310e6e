"""Composed reads of votes: participation, roll calls, receipts."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from network.cities.models import City
from network.db import db
from network.votes.models import Ballot, Participation, Vote, VoteKind, VoteStatus


def vote_with_options(vote_id: int) -> Vote | None:
    """Return a vote with its candidates."""
    return db.session.scalar(
        sa.select(Vote).where(Vote.id == vote_id).options(selectinload(Vote.options))
    )


def open_votes() -> list[Vote]:
    """Return the votes open now, soonest closing first."""
    return list(
        db.session.scalars(
            sa.select(Vote)
            .where(Vote.status == VoteStatus.open)
            .order_by(Vote.closes_at.is_(None), Vote.closes_at, Vote.id)
        )
    )


def ballots_cast(vote: Vote) -> int:
    """Count the cities that have voted."""
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Participation)
            .where(Participation.vote_id == vote.id)
        )
        or 0
    )


def cities_that_voted(vote: Vote, *, offset: int = 0, limit: int | None = None) -> list[sa.Row]:
    """Return the cities that have voted (slug and name), by name.

    Who voted is a public fact, even in a secret vote. ``offset`` and ``limit`` give
    one page of a long list.
    """
    statement = (
        sa.select(City.slug, City.name)
        .join(Participation, Participation.city_id == City.id)
        .where(Participation.vote_id == vote.id)
        .order_by(City.name, City.id)
        .offset(offset)
        .limit(limit)
    )
    return list(db.session.connection().execute(statement))


def has_voted(vote: Vote, city_id: int | None) -> bool:
    """Tell whether a city has cast its ballot in a vote."""
    if city_id is None:
        return False
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Participation)
            .where(Participation.vote_id == vote.id, Participation.city_id == city_id)
        )
        == 1
    )


def option_labels(vote: Vote) -> dict[int, str]:
    """Return the label of each of a vote's options, by id."""
    return {option.id: option.label for option in vote.options}


def describe_choice(vote: Vote, choice: Any, labels: dict[int, str] | None = None) -> Any:
    """Turn a stored choice into what the public reads: yes/no/abstain or candidate labels.

    ``labels`` (from :func:`option_labels`) saves rebuilding them for every ballot of a list.
    """
    if vote.kind is VoteKind.approval:
        return choice
    labels = option_labels(vote) if labels is None else labels
    if vote.kind is VoteKind.single:
        return labels.get(choice) if choice is not None else None
    return [labels[option_id] for option_id in choice]


def _choice_reader(vote: Vote) -> Callable[[str], Any]:
    """Return a function from a ballot's stored choice (JSON text) to what the public reads.

    A long list holds few distinct choices (yes, no, abstain; a few rankings): each is
    decoded and labelled once, not once per ballot.
    """
    labels = option_labels(vote)

    @functools.cache
    def read(raw: str) -> Any:
        return describe_choice(vote, json.loads(raw), labels)

    return read


# The stored choice as its JSON text (decoded once per distinct choice, above). Lists of
# ballots run on the session's connection (Core): plain rows, without the ORM's per-row
# loading, several times faster over 13,000 ballots.
_CHOICE_TEXT = sa.cast(Ballot.choice, sa.Text)


def roll_call(
    vote: Vote, *, offset: int = 0, limit: int | None = None, names: bool = True
) -> list[dict[str, Any]]:
    """Return each city's ballot of a closed recorded vote, by city name.

    One query of plain rows (no objects); ``offset`` and ``limit`` give one page. Each
    entry has ``city`` (the slug), ``choice`` and, unless ``names`` is False (the API's
    full list: 13,000 entries, each built once), ``city_name``.
    """
    rows = db.session.connection().execute(
        sa.select(City.slug, City.name, _CHOICE_TEXT)
        .join(City, Ballot.city_id == City.id)
        .where(Ballot.vote_id == vote.id)
        .order_by(City.name, City.id)
        .offset(offset)
        .limit(limit)
    )
    read = _choice_reader(vote)
    if not names:
        return [{"city": slug, "choice": read(raw)} for slug, _name, raw in rows]
    return [{"city": slug, "city_name": name, "choice": read(raw)} for slug, name, raw in rows]


def published_ballots(
    vote: Vote, *, offset: int = 0, limit: int | None = None
) -> list[dict[str, Any]]:
    """Return the ballots of a closed secret vote by receipt, with no link to any city.

    ``offset`` and ``limit`` give one page.
    """
    rows = db.session.connection().execute(
        sa.select(Ballot.receipt, _CHOICE_TEXT)
        .where(Ballot.vote_id == vote.id)
        .order_by(Ballot.receipt)
        .offset(offset)
        .limit(limit)
    )
    read = _choice_reader(vote)
    return [{"receipt": receipt, "choice": read(raw)} for receipt, raw in rows]


def ballot_by_receipt(code: str) -> Ballot | None:
    """Return the ballot with this receipt code."""
    return (
        db.session.scalar(
            sa.select(Ballot)
            .where(Ballot.receipt == code)
            .options(selectinload(Ballot.vote).selectinload(Vote.options))
        )
        if code
        else None
    )
