"""Composed reads of votes: participation, roll calls, receipts."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import aliased, selectinload

from network.auth.models import User
from network.cities.models import City, CityText
from network.db import db
from network.resolutions.models import Resolution
from network.votes import sealing
from network.votes.models import (
    Ballot,
    ElectorateMember,
    Participation,
    SealedBallot,
    Secrecy,
    Vote,
    VoteKind,
    VoteOption,
    VoteStatus,
)


def vote_with_options(vote_id: int) -> Vote | None:
    """Return a vote with its candidates and their cities' names in every language."""
    return db.session.scalar(
        sa.select(Vote)
        .where(Vote.id == vote_id)
        .options(selectinload(Vote.options).selectinload(VoteOption.city).selectinload(City.texts))
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


def cities_that_voted(vote: Vote, *, offset: int = 0, limit: int | None = None) -> list[City]:
    """Return the cities that have voted, by name, with their names in every language.

    Who voted is a public fact, even in a secret vote. ``offset`` and ``limit`` give
    one page of a long list.
    """
    return list(
        db.session.scalars(
            sa.select(City)
            .join(Participation, Participation.city_id == City.id)
            .where(Participation.vote_id == vote.id)
            .order_by(City.name, City.id)
            .offset(offset)
            .limit(limit)
            .options(selectinload(City.texts))
        )
    )


@dataclass(frozen=True)
class CityBallot:
    """What a city's delegates are told of their city's ballot in a vote."""

    cast_at: datetime
    cast_by: str
    # A recorded ballot's receipt and content; a secret ballot's are not linked to the city.
    receipt: str | None = None
    choice: Any = None


def city_ballot(
    vote: Vote, city_id: int, labels: dict[int, str] | None = None
) -> CityBallot | None:
    """Return when and by whom a city voted and, in a recorded vote, how; None if it has not."""
    cast = db.session.execute(
        sa.select(Participation.cast_at, User.name)
        .join(User, User.id == Participation.cast_by_id)
        .where(Participation.vote_id == vote.id, Participation.city_id == city_id)
    ).first()
    if cast is None:
        return None
    if vote.secrecy is not Secrecy.recorded:
        return CityBallot(cast_at=cast.cast_at, cast_by=cast.name)
    ballot = db.session.execute(
        sa.select(Ballot.receipt, Ballot.choice).where(
            Ballot.vote_id == vote.id, Ballot.city_id == city_id
        )
    ).first()
    return CityBallot(
        cast_at=cast.cast_at,
        cast_by=cast.name,
        receipt=ballot.receipt if ballot else None,
        choice=describe_choice(vote, ballot.choice, labels) if ballot else None,
    )


def resolution_of(vote: Vote) -> Resolution | None:
    """Return the resolution a vote's result was registered as, if any."""
    return db.session.scalar(sa.select(Resolution).where(Resolution.vote_id == vote.id))


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


def _choice_reader(vote: Vote, labels: dict[int, str] | None = None) -> Callable[[str], Any]:
    """Return a function from a ballot's stored choice (JSON text) to what the public reads.

    A long list holds few distinct choices (yes, no, abstain; a few rankings): each is
    decoded and labelled once, not once per ballot. ``labels`` names the candidates
    (by default their labels as stored).
    """
    labels = option_labels(vote) if labels is None else labels

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


def roll_call_for_export(vote: Vote, language: str) -> list[dict[str, Any]]:
    """Return each city's ballot of a closed recorded vote, the city named in ``language``.

    As ``roll_call``, by English name, one query: the name in ``language`` comes from
    an outer join on the cities' texts (else the English name).
    """
    local = aliased(CityText)
    rows = db.session.connection().execute(
        sa.select(City.slug, sa.func.coalesce(local.name, City.name), _CHOICE_TEXT)
        .join(City, Ballot.city_id == City.id)
        .outerjoin(local, sa.and_(local.city_id == City.id, local.language == language))
        .where(Ballot.vote_id == vote.id)
        .order_by(City.name, City.id)
    )
    read = _choice_reader(vote)
    return [{"city": slug, "city_name": name, "choice": read(raw)} for slug, name, raw in rows]


def electorate_roll_call(
    vote: Vote,
    *,
    offset: int = 0,
    limit: int | None = None,
    labels: dict[int, str] | None = None,
) -> list[dict[str, Any]]:
    """Return every city of a closed recorded vote's electorate with its ballot, by name.

    Each entry has ``city`` (with its names in every language), ``voted`` and
    ``choice`` (None for a city that did not vote). The electorate is the one fixed when
    the vote opened; ``offset`` and ``limit`` give one page of it, ``labels`` the
    candidates' names to show.
    """
    rows = db.session.execute(
        sa.select(City, Ballot.receipt, _CHOICE_TEXT)
        .join(
            ElectorateMember,
            (ElectorateMember.city_id == City.id) & (ElectorateMember.vote_id == vote.id),
        )
        .outerjoin(Ballot, (Ballot.vote_id == vote.id) & (Ballot.city_id == City.id))
        .order_by(City.name, City.id)
        .offset(offset)
        .limit(limit)
        .options(selectinload(City.texts))
    )
    read = _choice_reader(vote, labels)
    return [
        {
            "city": city,
            "voted": receipt is not None,
            "choice": read(raw) if receipt is not None else None,
        }
        for city, receipt, raw in rows
    ]


def published_ballots(
    vote: Vote,
    *,
    offset: int = 0,
    limit: int | None = None,
    labels: dict[int, str] | None = None,
) -> list[dict[str, Any]]:
    """Return the ballots of a closed secret vote by receipt, with no link to any city.

    ``offset`` and ``limit`` give one page, ``labels`` the candidates' names to show.
    """
    rows = db.session.connection().execute(
        sa.select(Ballot.receipt, _CHOICE_TEXT)
        .where(Ballot.vote_id == vote.id)
        .order_by(Ballot.receipt)
        .offset(offset)
        .limit(limit)
    )
    read = _choice_reader(vote, labels)
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


def vote_key(vote: Vote) -> bytes:
    """Return the key that seals a secret vote's ballots (from BALLOT_KEY and its salt)."""
    assert vote.seal_salt is not None, "a secret vote gets its salt when it opens"
    return sealing.vote_key(current_app.config["BALLOT_KEY"], vote.seal_salt)


def vote_of_sealed_receipt(code: str) -> Vote | None:
    """Return the open secret vote holding a sealed ballot with this receipt, if any.

    The receipt is not stored: each open secret vote's key gives the tag it would have
    (a few votes are open at a time), and one query finds it.
    """
    open_secret = db.session.scalars(
        sa.select(Vote).where(
            Vote.status == VoteStatus.open,
            Vote.secrecy == Secrecy.secret,
            Vote.seal_salt.is_not(None),
        )
    ).all()
    tags = {sealing.receipt_tag(vote_key(vote), code): vote for vote in open_secret}
    if not tags:
        return None
    found = db.session.scalar(
        sa.select(SealedBallot.receipt_tag).where(SealedBallot.receipt_tag.in_(tags))
    )
    return tags.get(found) if found else None
