"""Time the tally of the 13,000-ballot vote, and instant-runoff beside pyrankvote.

The approval count runs on the vote's stored ballots. The instant-runoff count runs
on ranked ballots of 10 candidates made from the same ballots (one ranking per
receipt, reproducible), counted by ``network.votes.tally.instant_runoff`` and by
pyrankvote's ``instant_runoff_voting`` in the same run. Only the counting is timed,
not the conversion of the ballots into each library's objects.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import pyrankvote
import sqlalchemy as sa
from flask import Flask

from network.db import db
from network.votes import tally
from network.votes.models import Ballot, Vote

CANDIDATES = 10
# Candidate popularity: close enough that several rounds of elimination are needed.
WEIGHTS = [14, 13, 12, 11, 10, 10, 9, 8, 7, 6]


@dataclass
class TallyFigures:
    """What the tally section measured."""

    ballots: int
    approval_ms: float
    approval_outcome: str
    irv_ms: float
    irv_rounds: int
    irv_winner: Any
    pyrankvote_ms: float
    pyrankvote_winner: Any


def median_of(action: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Return the median time in milliseconds of ``repeat`` runs, and the last result."""
    times = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def rankings_for(receipts: list[str]) -> list[tuple[int, ...]]:
    """Return one ranking of the candidates 1–10 per receipt (weighted, 1 to 10 long)."""
    rankings = []
    for receipt in receipts:
        rng = random.Random(receipt)
        # Weighted order without replacement (Efraimidis–Spirakis keys).
        keyed = sorted(
            range(1, CANDIDATES + 1),
            key=lambda c: rng.random() ** (1 / WEIGHTS[c - 1]),
            reverse=True,
        )
        rankings.append(tuple(keyed[: rng.randint(1, CANDIDATES)]))
    return rankings


def measure(app: Flask, vote_id: int, repeat: int = 5) -> TallyFigures:
    """Count the vote as approval, then as instant-runoff beside pyrankvote."""
    with app.app_context():
        vote = db.session.get(Vote, vote_id)
        rows = db.session.execute(
            sa.select(Ballot.receipt, Ballot.choice)
            .where(Ballot.vote_id == vote_id)
            .order_by(Ballot.receipt)
        ).all()
        electorate, fraction, rule = vote.electorate_size, vote.quorum, vote.majority
        db.session.remove()
    choices = [choice for _receipt, choice in rows]

    def approval() -> tally.ApprovalResult:
        yes, no, abstain = tally.count_approval_choices(choices)
        return tally.approval(
            yes, no, abstain, electorate=electorate, quorum_fraction=fraction, rule=rule
        )

    approval_ms, approved = median_of(approval, repeat)

    rankings = rankings_for([receipt for receipt, _choice in rows])
    candidates = list(range(1, CANDIDATES + 1))
    # A tie for last place is settled by a draw; this one eliminates the least
    # popular first (pyrankvote settles it by second choices instead).
    lot = sorted(candidates, key=lambda c: WEIGHTS[c - 1])
    irv_ms, ours = median_of(
        lambda: tally.instant_runoff(
            rankings, candidates, electorate=electorate, quorum_fraction=Fraction(1, 2), lot=lot
        ),
        repeat,
    )
    theirs_candidates = [pyrankvote.Candidate(str(c)) for c in candidates]
    theirs_ballots = [
        pyrankvote.Ballot(ranked_candidates=[theirs_candidates[c - 1] for c in ranking])
        for ranking in rankings
    ]
    pyrankvote_ms, theirs = median_of(
        lambda: pyrankvote.instant_runoff_voting(theirs_candidates, theirs_ballots),
        max(1, repeat // 2),
    )
    winners = theirs.get_winners()
    return TallyFigures(
        ballots=len(rows),
        approval_ms=approval_ms,
        approval_outcome=approved.outcome.value,
        irv_ms=irv_ms,
        irv_rounds=len(ours.rounds),
        irv_winner=ours.winner if ours.winner is not None else f"{ours.outcome.value}",
        pyrankvote_ms=pyrankvote_ms,
        pyrankvote_winner=int(winners[0].name) if len(winners) == 1 else winners,
    )
