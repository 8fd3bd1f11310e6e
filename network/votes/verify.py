"""The vote engine's checks of the record (``flask audit verify``).

Every participation has the ``vote.ballot_cast`` entry that recorded it, and every
such entry its participation; each vote holds as many ballots as cities that voted
(a recorded vote, each voter's own; an open secret vote, sealed ones); and a closed
vote's ballots still hash to the digest published at its close and, counted again,
give the result published then, which is also the result stored.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

from network.audit.verification import check, entries, latest_by
from network.cities.models import City
from network.db import db
from network.votes.models import (
    Ballot,
    Participation,
    SealedBallot,
    Secrecy,
    Vote,
    VoteStatus,
)
from network.votes.services import ballots_digest, tally_vote


def ballot_contents(vote: Vote) -> list[tuple[str, Any]]:
    """Return a vote's ballots as (receipt, choice), in the order their digest is taken."""
    statement = (
        sa.select(Ballot.receipt, Ballot.choice)
        .where(Ballot.vote_id == vote.id)
        .order_by(Ballot.receipt)
    )
    return [(receipt, choice) for receipt, choice in db.session.execute(statement)]


def _json(value: Any) -> Any:
    """Return ``value`` as it reads back from a JSON column (tuples as lists…)."""
    return json.loads(json.dumps(value, sort_keys=True))


@check("ballots: each city's participation and its audit entry, one to one")
def participations_and_their_entries() -> Iterator[str]:
    """Pair every participation with its ``vote.ballot_cast`` entry."""
    recorded = Counter((int(e.subject_id), e.data.get("city")) for e in entries("vote.ballot_cast"))
    stored = db.session.execute(
        sa.select(Participation.vote_id, City.slug).join(City, Participation.city_id == City.id)
    )
    seen = set()
    for vote_id, slug in stored:
        seen.add((vote_id, slug))
        if (vote_id, slug) not in recorded:
            yield f"ballot of {slug} in vote {vote_id}: no audit entry records it"
    for (vote_id, slug), times in recorded.items():
        if (vote_id, slug) not in seen:
            yield f"ballot of {slug} in vote {vote_id}: its audit entry is there, the ballot gone"
        elif times > 1:
            yield f"ballot of {slug} in vote {vote_id}: {times} audit entries for one ballot"


@check("ballots: as many in each vote as cities that voted, each recorded one its voter's")
def ballots_per_vote() -> Iterator[str]:
    """Count each vote's ballots against its participations."""
    ballots: Counter[int] = Counter()
    for model in (Ballot, SealedBallot):  # sealed: a secret vote's, until the count
        per_vote = sa.select(model.vote_id, sa.func.count()).group_by(model.vote_id)
        ballots.update(dict(db.session.execute(per_vote).all()))
    voted = dict(
        db.session.execute(
            sa.select(Participation.vote_id, sa.func.count()).group_by(Participation.vote_id)
        ).all()
    )
    for vote_id in sorted(set(ballots) | set(voted)):
        if ballots.get(vote_id, 0) != voted.get(vote_id, 0):
            yield (
                f"vote {vote_id}: {ballots.get(vote_id, 0)} ballots stored for "
                f"{voted.get(vote_id, 0)} cities that voted"
            )
    # A recorded ballot names its city: it must be one that voted, once.
    strays = db.session.execute(
        sa.select(Ballot.vote_id, City.slug)
        .join(City, Ballot.city_id == City.id)
        .outerjoin(
            Participation,
            sa.and_(
                Participation.vote_id == Ballot.vote_id, Participation.city_id == Ballot.city_id
            ),
        )
        .where(Participation.id.is_(None))
    )
    for vote_id, slug in strays:
        yield f"vote {vote_id}: a ballot of {slug}, which has not voted"
    unnamed = db.session.execute(
        sa.select(Ballot.vote_id, sa.func.count())
        .join(Vote, Vote.id == Ballot.vote_id)
        .where(Vote.secrecy == Secrecy.recorded, Ballot.city_id.is_(None))
        .group_by(Ballot.vote_id)
    )
    for vote_id, count in unnamed:
        yield f"vote {vote_id}: {count} ballot(s) of a recorded vote without their city"


@check("closed votes: ballots hash to the digest published at close and recount to its result")
def closed_votes_recount() -> Iterator[str]:
    """Count every closed vote again and compare with what its close published."""
    closings = latest_by(lambda e: int(e.subject_id), "vote.closed")
    closed = db.session.scalars(
        sa.select(Vote).where(Vote.status == VoteStatus.closed).order_by(Vote.id)
    )
    for vote in closed:
        entry = closings.get(vote.id)
        if entry is None:
            yield f"vote {vote.id}: closed, but no audit entry records its close"
            continue
        published = entry.data
        contents = ballot_contents(vote)
        if len(contents) != published.get("ballots"):
            yield (
                f"vote {vote.id}: {len(contents)} ballots stored, "
                f"{published.get('ballots')} published at close"
            )
        if ballots_digest(contents) != published.get("ballots_digest"):
            yield f"vote {vote.id}: its ballots do not hash to the digest published at close"
        if _json(vote.result) != _json(published.get("result")):
            yield f"vote {vote.id}: its stored result is not the result published at close"
        if _json(tally_vote(vote, contents)) != _json(published.get("result")):
            yield f"vote {vote.id}: its ballots, counted again, do not give the published result"
