"""Pure rules of elections: what a round's result leads to, how a draw settles a tie."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any


class TermState(StrEnum):
    """Where a term of office stands on a given day."""

    upcoming = "upcoming"
    current = "current"
    ended = "ended"


def term_state(start: date, end: date, today: date) -> TermState:
    """Tell whether a term (first and last day, both included) is ahead, running or over."""
    if today < start:
        return TermState.upcoming
    return TermState.current if today <= end else TermState.ended


class Next(StrEnum):
    """What an election does after a round is counted."""

    certify = "certify"  # a winner: the secretariat certifies
    runoff = "runoff"  # a new round between two candidates
    draw = "draw"  # a tie: the secretariat draws lots
    repeat = "repeat"  # no quorum: the ballot can be opened again


@dataclass(frozen=True)
class Step:
    """The next step and the candidates it concerns (option ids of the counted round)."""

    next: Next
    winner: int | None = None
    candidates: tuple[int, ...] = ()


def after_round(result: dict[str, Any]) -> Step:
    """Read a counted round (the tally's published result) into the election's next step.

    A tie goes to the lot only when the draw could change the outcome (SPEC): a "tie"
    of one candidate, as results counted before that rule was applied may hold, elects
    that candidate.
    """
    outcome = result["outcome"]
    if outcome == "elected":
        return Step(Next.certify, winner=int(result["winner"]))
    if outcome == "runoff":
        return Step(Next.runoff, candidates=tuple(int(o) for o in result["runoff"]))
    if outcome == "tie":
        tied = tuple(int(o) for o in result["tied"])
        if len(tied) == 1 and not result.get("runoff"):
            return Step(Next.certify, winner=tied[0])
        return Step(Next.draw, candidates=tied)
    return Step(Next.repeat)


def settle_by_lot(result: dict[str, Any], drawn: Sequence[int]) -> Step:
    """Apply a draw by lot to a tied two-round ballot (SPEC: the secretariat draws lots).

    An instant-runoff tie is settled by re-counting with the draw instead (``irv_lot``).

    :param drawn: the tied candidates in the order their lots came out; the first drawn
        is favoured (goes to the runoff, or wins).
    :raises ValueError: when ``drawn`` is not exactly the tied candidates.
    """
    tied = [int(option) for option in result["tied"]]
    if sorted(drawn) != sorted(tied) or len(set(drawn)) != len(drawn):
        raise ValueError("the draw must name each tied candidate once")
    sure = [int(option) for option in result.get("runoff", [])]
    places = 2 - len(sure)
    if not sure and len(result["counts"]) <= 2:
        return Step(Next.certify, winner=drawn[0])  # a level final round
    return Step(Next.runoff, candidates=(*sure, *drawn[:places]))


def irv_lot(drawn: Sequence[int]) -> tuple[int, ...]:
    """Turn a draw (first drawn favoured) into the tally's lot (first listed eliminated)."""
    return tuple(reversed(drawn))


def default_term_end(start: date, years: int) -> date:
    """Return the last day of a term of ``years`` starting on ``start``."""
    try:
        end = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + years, day=28)
    return end - timedelta(days=1)
