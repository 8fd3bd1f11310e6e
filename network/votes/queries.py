"""Composed reads of votes: participation, roll calls, receipts."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

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


class RollCallCity(NamedTuple):
    """A city of a roll call: its address and its name in the reader's language."""

    id: int
    slug: str
    name: str


def _local_name(local: Any) -> Any:
    """Return the city's name from the outer-joined text ``local``, else its English name."""
    return sa.func.coalesce(sa.func.nullif(local.name, ""), City.name)


@functools.cache
def _roll_call_statement() -> sa.Select:
    """Build the roll call's statement once; the vote and the language are bound per call.

    The electorate is tested per city (EXISTS) rather than joined: the database walks the
    cities' name index and stops after a page, where joining the electorate first made
    SQLite read and sort all 13,000 of its cities for every page (issue #19).
    """
    vote_id, language = sa.bindparam("vote_id"), sa.bindparam("language")
    local = aliased(CityText)
    electorate = sa.exists().where(
        ElectorateMember.vote_id == vote_id, ElectorateMember.city_id == City.id
    )
    return (
        sa.select(
            City.id,
            City.slug,
            _local_name(local),
            Ballot.receipt,
            _CHOICE_TEXT,
            Participation.proxy_holder_id,
        )
        .outerjoin(local, (local.city_id == City.id) & (local.language == language))
        .outerjoin(Ballot, (Ballot.vote_id == vote_id) & (Ballot.city_id == City.id))
        .outerjoin(
            Participation,
            (Participation.vote_id == vote_id) & (Participation.city_id == City.id),
        )
        .where(electorate)
        .order_by(City.name, City.id)
    )


@dataclass(slots=True)
class RollCallRow:
    """A city of a closed recorded vote's electorate and its ballot, if it voted."""

    city: RollCallCity
    voted: bool
    choice: Any  # as the public reads it (describe_choice); None for a city that did not vote
    proxy_held_by: RollCallCity | None  # the city that cast the ballot by proxy, if any
    text: str = ""  # the choice in words, for a page that shows it (votes/views.py)


def electorate_roll_call(
    vote: Vote,
    language: str,
    *,
    offset: int = 0,
    limit: int | None = None,
    labels: dict[int, str] | None = None,
) -> list[RollCallRow]:
    """Return every city of a closed recorded vote's electorate with its ballot, by name.

    Each row has ``city`` (its id, slug and name in ``language``, else in English),
    ``voted``, ``choice`` (None for a city that did not vote) and ``proxy_held_by`` (the
    city that cast the ballot by proxy, named alike, or None). The electorate is the one
    fixed when the vote opened; ``offset`` and ``limit`` give one page of it, ``labels``
    the candidates' names to show. Plain rows on the session's connection, no objects.
    """
    connection = db.session.connection()
    rows = connection.execute(
        _roll_call_statement().offset(offset).limit(limit),
        {"vote_id": vote.id, "language": language},
    ).all()
    read = _choice_reader(vote, labels)
    holders = proxy_holders({row[-1] for row in rows if row[-1] is not None}, language)
    return [
        RollCallRow(
            city=RollCallCity(city_id, slug, name),
            voted=receipt is not None,
            choice=read(raw) if receipt is not None else None,
            proxy_held_by=holders.get(holder) if holder is not None else None,
        )
        for city_id, slug, name, receipt, raw, holder in rows
    ]


def proxy_holders(city_ids: set[int], language: str) -> dict[int, RollCallCity]:
    """Return the cities that cast ballots by proxy, named in ``language``, by id (one query)."""
    if not city_ids:
        return {}
    local = aliased(CityText)
    rows = db.session.connection().execute(
        sa.select(City.id, City.slug, _local_name(local))
        .outerjoin(local, (local.city_id == City.id) & (local.language == language))
        .where(City.id.in_(city_ids))
    )
    return {city_id: RollCallCity(city_id, slug, name) for city_id, slug, name in rows}


def candidate_names(vote_id: int, language: str) -> dict[int, str]:
    """Name each of a vote's options in ``language``: a city's name, else the option's label.

    One query of plain rows, in the options' order (as ``city_name`` names them).
    """
    local = aliased(CityText)
    rows = db.session.connection().execute(
        sa.select(
            VoteOption.id,
            sa.func.coalesce(sa.func.nullif(local.name, ""), City.name, VoteOption.label),
        )
        .outerjoin(City, City.id == VoteOption.city_id)
        .outerjoin(local, (local.city_id == City.id) & (local.language == language))
        .where(VoteOption.vote_id == vote_id)
        .order_by(VoteOption.position)
    )
    return dict(rows.tuples().all())


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
