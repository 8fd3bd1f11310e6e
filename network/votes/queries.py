"""Composed reads of votes: participation, roll calls, receipts."""

from __future__ import annotations

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


def cities_that_voted(vote: Vote) -> list[City]:
    """Return the cities that have voted, by name (a public fact, even for secret votes)."""
    return list(
        db.session.scalars(
            sa.select(City)
            .join(Participation, Participation.city_id == City.id)
            .where(Participation.vote_id == vote.id)
            .order_by(City.name)
        )
    )


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


def describe_choice(vote: Vote, choice: Any) -> Any:
    """Turn a stored choice into what the public reads: yes/no/abstain or candidate labels."""
    labels = {option.id: option.label for option in vote.options}
    if vote.kind is VoteKind.approval:
        return choice
    if vote.kind is VoteKind.single:
        return labels.get(choice) if choice is not None else None
    return [labels[option_id] for option_id in choice]


def roll_call(vote: Vote) -> list[dict[str, Any]]:
    """Return each city's ballot of a closed recorded vote, by city name."""
    rows = db.session.execute(
        sa.select(City.slug, City.name, Ballot.choice)
        .join(City, Ballot.city_id == City.id)
        .where(Ballot.vote_id == vote.id)
        .order_by(City.name)
    )
    return [
        {"city": slug, "city_name": name, "choice": describe_choice(vote, choice)}
        for slug, name, choice in rows
    ]


def published_ballots(vote: Vote) -> list[dict[str, Any]]:
    """Return the ballots of a closed secret vote by receipt, with no link to any city."""
    rows = db.session.execute(
        sa.select(Ballot.receipt, Ballot.choice)
        .where(Ballot.vote_id == vote.id)
        .order_by(Ballot.receipt)
    )
    return [
        {"receipt": receipt, "choice": describe_choice(vote, choice)} for receipt, choice in rows
    ]


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
