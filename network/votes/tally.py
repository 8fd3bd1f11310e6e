"""The tally: pure functions of ballots and rules (no Flask, no database).

"Votes cast" are yes + no: abstentions count as ballots for the quorum but not as
votes for a majority (SPEC "The vote engine"). In elections, blank ballots count
for the quorum but are not valid ballots.

A tie goes to the lot only when the draw could change the outcome (SPEC "The vote
engine"): a "tie" of one candidate elects that candidate, candidates tied for last
place in an instant-runoff count who together have fewer votes than anyone else are
eliminated together (whatever order a draw gave them, they would all go before anyone
else, their ballots ending where they end), and a tie for last place that every order
of elimination settles the same way elects that winner without a draw.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import Any, TypeVar

Option = TypeVar("Option", bound=Hashable)


class MajorityRule(StrEnum):
    """How many votes carry a question or elect a candidate."""

    simple = "simple"  # more yes than no
    absolute = "absolute"  # more than half of the ballots cast
    two_thirds = "two-thirds"  # yes ≥ 2/3 of yes + no
    electorate = "electorate"  # yes > half of the whole electorate
    plurality = "plurality"  # the most votes, among candidates
    absolute_runoff = "absolute-runoff"  # > half of valid ballots, else a runoff of two
    instant_runoff = "instant-runoff"  # ranked ballots, eliminations


class Outcome(StrEnum):
    """What a tally concludes."""

    carried = "carried"
    defeated = "defeated"
    no_quorum = "no-quorum"
    elected = "elected"
    runoff = "runoff"
    tie = "tie"


APPROVAL_RULES = frozenset(
    {MajorityRule.simple, MajorityRule.absolute, MajorityRule.two_thirds, MajorityRule.electorate}
)
ELECTION_RULES = frozenset(
    {MajorityRule.plurality, MajorityRule.absolute_runoff, MajorityRule.instant_runoff}
)


@dataclass(frozen=True)
class Quorum:
    """Whether enough of the electorate cast a ballot."""

    electorate: int
    cast: int
    fraction: Fraction

    @property
    def required(self) -> int:
        """Return the smallest number of ballots that meets the quorum."""
        # ceil(fraction × electorate) without floats
        return -(-self.fraction.numerator * self.electorate // self.fraction.denominator)

    @property
    def met(self) -> bool:
        """Tell whether the ballots cast reach the quorum."""
        return self.cast >= self.required

    def to_dict(self) -> dict[str, Any]:
        """Return the quorum as JSON-ready data."""
        return {
            "electorate": self.electorate,
            "cast": self.cast,
            "fraction": str(self.fraction),
            "required": self.required,
            "met": self.met,
        }


def quorum(electorate: int, cast: int, fraction: Fraction) -> Quorum:
    """Measure the ballots cast against the quorum.

    :param fraction: the share of the electorate that must cast a ballot, e.g. 1/2.
    :raises ValueError: for a fraction outside (0, 1] or counts that cannot be.
    """
    if not 0 < fraction <= 1:
        raise ValueError("the quorum is a fraction of the electorate in (0, 1]")
    if electorate < 0 or cast < 0 or cast > electorate:
        raise ValueError("ballots cast must be between 0 and the electorate")
    return Quorum(electorate, cast, fraction)


@dataclass(frozen=True)
class ApprovalResult:
    """The result of a yes / no / abstain vote."""

    quorum: Quorum
    yes: int
    no: int
    abstain: int
    rule: MajorityRule
    needed: int
    outcome: Outcome
    tie: bool

    def to_dict(self) -> dict[str, Any]:
        """Return the result as JSON-ready data."""
        return {
            "quorum_met": self.quorum.met,
            "quorum": self.quorum.to_dict(),
            "counts": {"yes": self.yes, "no": self.no, "abstain": self.abstain},
            "majority": {"rule": self.rule.value, "needed": self.needed},
            "outcome": self.outcome.value,
            "tie": self.tie,
        }


def yes_needed(rule: MajorityRule, yes: int, no: int, abstain: int, electorate: int) -> int:
    """Return how many yes votes the rule requires, given the ballots cast.

    :raises ValueError: for a rule that does not apply to yes / no questions.
    """
    votes_cast = yes + no
    if rule is MajorityRule.simple:
        return votes_cast // 2 + 1  # yes > no  ⟺  yes > (yes + no) / 2
    if rule is MajorityRule.absolute:
        return (votes_cast + abstain) // 2 + 1
    if rule is MajorityRule.two_thirds:
        return max(1, -(-2 * votes_cast // 3))  # ceil(2/3 × (yes + no)), at least one
    if rule is MajorityRule.electorate:
        return electorate // 2 + 1
    raise ValueError(f"{rule} is not a rule for yes / no questions")


def approval(
    yes: int,
    no: int,
    abstain: int,
    *,
    electorate: int,
    quorum_fraction: Fraction,
    rule: MajorityRule,
) -> ApprovalResult:
    """Tally a yes / no / abstain vote.

    :raises ValueError: for negative counts, more ballots than voters, or a rule for elections.
    """
    if min(yes, no, abstain) < 0:
        raise ValueError("counts cannot be negative")
    measured = quorum(electorate, yes + no + abstain, quorum_fraction)
    needed = yes_needed(rule, yes, no, abstain, electorate)
    tie = yes == no and yes + no > 0
    if not measured.met:
        outcome = Outcome.no_quorum
    elif yes >= needed:
        outcome = Outcome.carried
    else:
        outcome = Outcome.defeated
    return ApprovalResult(measured, yes, no, abstain, rule, needed, outcome, tie)


@dataclass(frozen=True)
class Round:
    """One counting round among candidates."""

    counts: dict[Any, int]
    valid: int
    eliminated: tuple[Any, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return the round as JSON-ready data (candidates as strings)."""
        return {
            "counts": {str(option): count for option, count in self.counts.items()},
            "valid": self.valid,
            "eliminated": [str(option) for option in self.eliminated],
        }


@dataclass(frozen=True)
class ElectionResult:
    """The result of a vote among candidates."""

    quorum: Quorum
    rule: MajorityRule
    rounds: tuple[Round, ...]
    outcome: Outcome
    winner: Any = None
    tied: tuple[Any, ...] = ()  # candidates between whom a tie must be settled
    runoff: tuple[Any, ...] = ()  # the two candidates of the next round
    blank: int = 0
    needed: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Return the result as JSON-ready data (candidates as strings)."""
        return {
            "quorum_met": self.quorum.met,
            "quorum": self.quorum.to_dict(),
            "counts": self.rounds[0].to_dict()["counts"] if self.rounds else {},
            "blank": self.blank,
            "majority": {"rule": self.rule.value, "needed": self.needed},
            "rounds": [r.to_dict() for r in self.rounds],
            "outcome": self.outcome.value,
            "winner": None if self.winner is None else str(self.winner),
            "tied": [str(option) for option in self.tied],
            "runoff": [str(option) for option in self.runoff],
        }


def _count(choices: Iterable[Option | None], candidates: Sequence[Option]) -> tuple[dict, int]:
    counts: dict[Option, int] = dict.fromkeys(candidates, 0)
    blank = 0
    for choice in choices:
        if choice is None:
            blank += 1
        elif choice in counts:
            counts[choice] += 1
        else:
            raise ValueError(f"{choice!r} is not a candidate")
    return counts, blank


def _ranked_by_votes(counts: dict[Option, int]) -> list[tuple[Option, int]]:
    return sorted(counts.items(), key=lambda item: -item[1])


def plurality(
    choices: Iterable[Option | None],
    candidates: Sequence[Option],
    *,
    electorate: int,
    quorum_fraction: Fraction,
) -> ElectionResult:
    """Elect the candidate with the most votes; equal first places are a tie.

    :param choices: one per ballot: a candidate, or None for a blank ballot.
    """
    choices = list(choices)
    counts, blank = _count(choices, candidates)
    measured = quorum(electorate, len(choices), quorum_fraction)
    first_round = Round(counts, sum(counts.values()))
    if not measured.met:
        return ElectionResult(
            measured, MajorityRule.plurality, (first_round,), Outcome.no_quorum, blank=blank
        )
    top = max(counts.values(), default=0)
    leaders = tuple(option for option, count in counts.items() if count == top)
    # Equal first places are a tie; with no valid ballot every candidate shares the
    # first place, and an unopposed candidate is the only one a draw could name.
    if len(leaders) != 1:
        return ElectionResult(
            measured, MajorityRule.plurality, (first_round,), Outcome.tie, tied=leaders, blank=blank
        )
    return ElectionResult(
        measured,
        MajorityRule.plurality,
        (first_round,),
        Outcome.elected,
        winner=leaders[0],
        blank=blank,
        needed=top,
    )


def absolute_majority_round(
    choices: Iterable[Option | None],
    candidates: Sequence[Option],
    *,
    electorate: int,
    quorum_fraction: Fraction,
) -> ElectionResult:
    """Count one round of an election by absolute majority with a runoff.

    A candidate with more than half of the valid ballots is elected. Otherwise the two
    best placed go to a runoff; when places one or two are shared so that two can't be
    chosen, the result is a tie between those who share them, to be settled by lot.
    With exactly two candidates (a runoff), equal votes are a tie.
    """
    choices = list(choices)
    counts, blank = _count(choices, candidates)
    valid = sum(counts.values())
    measured = quorum(electorate, len(choices), quorum_fraction)
    needed = valid // 2 + 1
    the_round = Round(counts, valid)
    rule = MajorityRule.absolute_runoff
    if not measured.met:
        return ElectionResult(
            measured, rule, (the_round,), Outcome.no_quorum, blank=blank, needed=needed
        )
    ranked = _ranked_by_votes(counts)
    if ranked and valid and ranked[0][1] >= needed:
        return ElectionResult(
            measured,
            rule,
            (the_round,),
            Outcome.elected,
            winner=ranked[0][0],
            blank=blank,
            needed=needed,
        )
    if len(ranked) <= 2 or valid == 0:
        tied = tuple(option for option, count in ranked if count == ranked[0][1])
        if len(tied) == 1:  # an unopposed candidate and no valid ballot: no draw to make
            return ElectionResult(
                measured,
                rule,
                (the_round,),
                Outcome.elected,
                winner=tied[0],
                blank=blank,
                needed=needed,
            )
        return ElectionResult(
            measured, rule, (the_round,), Outcome.tie, tied=tied, blank=blank, needed=needed
        )
    first, second, third = ranked[0][1], ranked[1][1], ranked[2][1]
    if second > third:
        runoff = (ranked[0][0], ranked[1][0])
        return ElectionResult(
            measured, rule, (the_round,), Outcome.runoff, runoff=runoff, blank=blank, needed=needed
        )
    # The second place (or, when three or more share the first, the first) is shared.
    shared = first if first == second == third else second
    tied = tuple(option for option, count in ranked if count == shared)
    sure = tuple(option for option, count in ranked if count > shared)
    return ElectionResult(
        measured,
        rule,
        (the_round,),
        Outcome.tie,
        tied=tied,
        runoff=sure,
        blank=blank,
        needed=needed,
    )


@dataclass
class _IRVState:
    continuing: list[Any]
    rounds: list[Round] = field(default_factory=list)


def instant_runoff(
    rankings: Iterable[Sequence[Option]],
    candidates: Sequence[Option],
    *,
    electorate: int,
    quorum_fraction: Fraction,
    lot: Sequence[Option] = (),
) -> ElectionResult:
    """Elect by instant-runoff on ranked ballots, round by round.

    Each round counts every ballot for its highest-ranked continuing candidate. A
    candidate with more than half of the ballots still counting wins; otherwise the
    candidate with the fewest votes is eliminated. Candidates tied for last place who
    together have fewer votes than anyone else are eliminated together: in whatever
    order, they would all go before anyone else. Another tie for elimination, or
    between the last two, is settled by ``lot``, the candidates in the order the
    secretariat drew them: of those tied, the one drawn first is eliminated. Without a
    lot that covers them, the tally stops: when every way of settling the tie elects
    the same candidate, that candidate is elected (``tied`` names the tie no draw had
    to settle); otherwise it reports the tie.

    :param rankings: one per ballot, best first; an empty ranking is a blank ballot.
    :raises ValueError: for a ranking naming a non-candidate or a candidate twice.
    """
    # Identical rankings are counted together, each distinct one once.
    grouped = Counter(tuple(ranking) for ranking in rankings)
    known = set(candidates)
    for ranking in grouped:
        # Fewer known candidates in it than places: an unknown one, or one twice.
        if len(known.intersection(ranking)) != len(ranking):
            raise ValueError(f"invalid ranking {ranking!r}")
    blank = grouped.get((), 0)
    measured = quorum(electorate, grouped.total(), quorum_fraction)
    rule = MajorityRule.instant_runoff
    state = _IRVState(continuing=list(candidates))
    lot_position = {option: index for index, option in enumerate(lot)}
    # Each candidate's pile: the rankings counting for them now, with how many ballots
    # hold each and where in it the candidate stands. An elimination moves only the
    # eliminated candidate's pile on, instead of recounting every ballot each round.
    piles: dict[Any, list[tuple[tuple, int, int]]] = {option: [] for option in candidates}
    totals = dict.fromkeys(candidates, 0)

    def place(ranking: tuple, weight: int, start: int) -> None:
        for index in range(start, len(ranking)):
            if ranking[index] in piles:
                piles[ranking[index]].append((ranking, weight, index))
                totals[ranking[index]] += weight
                return  # a ranking with no continuing candidate left is exhausted

    for ranking, weight in grouped.items():
        if ranking:  # every candidate continues in the first round
            piles[ranking[0]].append((ranking, weight, 0))
            totals[ranking[0]] += weight
    while True:
        counts = {option: totals[option] for option in state.continuing}
        valid = sum(counts.values())
        needed = valid // 2 + 1
        ranked = _ranked_by_votes(counts)
        if not measured.met:
            state.rounds.append(Round(counts, valid))
            return ElectionResult(
                measured, rule, tuple(state.rounds), Outcome.no_quorum, blank=blank, needed=needed
            )
        if valid and ranked[0][1] >= needed:
            state.rounds.append(Round(counts, valid))
            return ElectionResult(
                measured,
                rule,
                tuple(state.rounds),
                Outcome.elected,
                winner=ranked[0][0],
                blank=blank,
                needed=needed,
            )
        if len(state.continuing) <= 1 or valid == 0:
            state.rounds.append(Round(counts, valid))
            if len(state.continuing) == 1:  # no ballot counts, and nobody else stands
                return ElectionResult(
                    measured,
                    rule,
                    tuple(state.rounds),
                    Outcome.elected,
                    winner=state.continuing[0],
                    blank=blank,
                    needed=needed,
                )
            return ElectionResult(
                measured,
                rule,
                tuple(state.rounds),
                Outcome.tie,
                tied=tuple(state.continuing),
                blank=blank,
                needed=needed,
            )
        fewest = min(counts.values())
        last = [option for option in state.continuing if counts[option] == fewest]
        if len(last) > 1:
            above = [count for count in counts.values() if count > fewest]
            if above and fewest * len(last) < min(above):
                pass  # together behind everyone else: all of them go, in one round
            elif all(option in lot_position for option in last):
                last = [min(last, key=lot_position.__getitem__)]
            else:
                state.rounds.append(Round(counts, valid))
                sure = sure_instant_runoff_winner(grouped, state.continuing, last)
                return ElectionResult(
                    measured,
                    rule,
                    tuple(state.rounds),
                    Outcome.tie if sure is None else Outcome.elected,
                    winner=sure,
                    tied=tuple(last),
                    blank=blank,
                    needed=needed,
                )
        state.rounds.append(Round(counts, valid, eliminated=tuple(last)))
        moving = []
        for option in last:
            state.continuing.remove(option)
            moving += piles.pop(option)
            del totals[option]
        for ranking, weight, index in moving:
            place(ranking, weight, index + 1)


# How many sets of continuing candidates sure_instant_runoff_winner looks at before it
# gives up and leaves the tie to a draw (4 candidates have 16 sets, 10 have 1,024).
IRV_SETS_LIMIT = 4096


class _TooManySets(Exception):
    pass


def sure_instant_runoff_winner(
    rankings: Counter[tuple], continuing: Sequence[Option], tied: Sequence[Option]
) -> Option | None:
    """Return the winner every way of settling a tie for last place elects, if there is one.

    Tries each of the ``tied`` candidates as the one eliminated, and each way of settling
    any later tie, the way a draw could. The count depends only on which candidates
    continue, so each set of them is counted once. None when two ways elect different
    candidates, a way ends in a tie with no ballot counting, or the sets to look at are
    more than ``IRV_SETS_LIMIT`` (then a draw settles it, as without this rule).

    :param rankings: each distinct ranking (best first) with the number of ballots holding it.
    """
    seen: dict[frozenset, frozenset] = {}

    def winners(still: frozenset) -> frozenset:
        if still in seen:
            return seen[still]
        if len(seen) >= IRV_SETS_LIMIT:
            raise _TooManySets
        counts = dict.fromkeys(still, 0)
        for ranking, weight in rankings.items():
            top = next((option for option in ranking if option in counts), None)
            if top is not None:
                counts[top] += weight
        valid = sum(counts.values())
        best = max(counts, key=counts.__getitem__)
        if valid and counts[best] >= valid // 2 + 1:
            found = frozenset({best})
        elif len(still) <= 1 or valid == 0:
            found = still  # a draw among them names the winner
        else:
            fewest = min(counts.values())
            last = [option for option in still if counts[option] == fewest]
            above = [count for count in counts.values() if count > fewest]
            if len(last) == 1 or (above and fewest * len(last) < min(above)):
                found = winners(still - set(last))
            else:
                found = frozenset()
                for option in last:
                    found |= winners(still - {option})
                    if len(found) > 1:
                        break
        seen[still] = found
        return found

    try:
        found = set()
        for option in tied:
            found |= winners(frozenset(continuing) - {option})
            if len(found) > 1:
                return None
    except _TooManySets:
        return None
    return next(iter(found)) if len(found) == 1 else None


def count_approval_choices(choices: Iterable[str]) -> tuple[int, int, int]:
    """Count "yes", "no" and "abstain" choices.

    :raises ValueError: for any other choice.
    """
    counter = Counter(choices)
    unknown = set(counter) - {"yes", "no", "abstain"}
    if unknown:
        raise ValueError(f"unknown choices {sorted(unknown)}")
    return counter["yes"], counter["no"], counter["abstain"]
