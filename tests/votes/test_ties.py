"""A tie goes to the lot only when the draw could change the outcome (pure tally rules)."""

from __future__ import annotations

from collections import Counter
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from network.votes.tally import (
    Outcome,
    absolute_majority_round,
    instant_runoff,
    plurality,
    sure_instant_runoff_winner,
)

HALF = Fraction(1, 2)
ANYONE = Fraction(1, 100)  # a quorum any non-empty count meets
CANDIDATES = ("A", "B", "C", "D")


def possible_winners(ballots: list[tuple[str, ...]], continuing: frozenset[str]) -> set[str]:
    """Every candidate some order of eliminating tied candidates elects (a full recount each time).

    Written independently of the tally: no grouping, no batches, no memory, every
    order of every tie tried. A final tie with no ballot counting can go to anyone left.
    """
    counts = dict.fromkeys(continuing, 0)
    for ranking in ballots:
        top = next((option for option in ranking if option in counts), None)
        if top is not None:
            counts[top] += 1
    valid = sum(counts.values())
    for option, count in counts.items():
        if valid and count > valid / 2:
            return {option}
    if len(continuing) <= 1 or valid == 0:
        return set(continuing)
    fewest = min(counts.values())
    found: set[str] = set()
    for option in continuing:
        if counts[option] == fewest:
            found |= possible_winners(ballots, continuing - {option})
    return found


# --- worked by hand --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ballots", "candidates", "outcome", "winner", "tied"),
    [
        # B and C tie for last; whichever goes, its ballots exhaust and A has 3 of 5.
        pytest.param(
            [("A",)] * 3 + [("B",)] * 2 + [("C",)] * 2,
            "ABC",
            Outcome.elected,
            "A",
            {"B", "C"},
            id="either-elimination-elects-A",
        ),
        # B and C tie for last, and each one's ballots go to the other: the draw decides.
        pytest.param(
            [("A",)] * 3 + [("B", "C")] * 2 + [("C", "B")] * 2,
            "ABC",
            Outcome.tie,
            None,
            {"B", "C"},
            id="the-draw-decides-between-B-and-C",
        ),
        # C and D are on no ballot: they go together, then B, and A wins.
        pytest.param(
            [("A",)] * 3 + [("B", "A")] * 2,
            "ABCD",
            Outcome.elected,
            "A",
            set(),
            id="candidates-on-no-ballot",
        ),
        # The last two level: a real tie.
        pytest.param(
            [("A",)] * 2 + [("B",)] * 2, "AB", Outcome.tie, None, {"A", "B"}, id="level-final-two"
        ),
        # Every ballot blank, two candidates: a draw names the winner.
        pytest.param([()] * 3, "AB", Outcome.tie, None, {"A", "B"}, id="all-blank-two"),
        # Every ballot blank, one candidate: no draw could name anyone else.
        pytest.param([()] * 3, "A", Outcome.elected, "A", set(), id="all-blank-unopposed"),
    ],
)
def test_instant_runoff_draws_only_when_it_matters(ballots, candidates, outcome, winner, tied):
    result = instant_runoff(ballots, candidates, electorate=len(ballots), quorum_fraction=HALF)
    assert (result.outcome, result.winner, set(result.tied)) == (outcome, winner, tied)


def test_candidates_behind_everyone_together_are_eliminated_in_one_round():
    # C 1 and D 1 tie for last; together (2) they are behind B (3): both go at once, and
    # their ballots move on together. A 4, B 3 + C's 1 = 4, D's ballot exhausts: a tie
    # of A and B, which the draw decides.
    ballots = [("A",)] * 4 + [("B",)] * 3 + [("C", "B")] + [("D",)]
    result = instant_runoff(ballots, CANDIDATES, electorate=9, quorum_fraction=HALF)
    assert result.rounds[0].eliminated == ("C", "D")
    assert result.rounds[1].counts == {"A": 4, "B": 4}
    assert result.outcome is Outcome.tie and set(result.tied) == {"A", "B"}


def test_a_lot_still_settles_the_ties_that_matter():
    ballots = [("A",)] * 3 + [("B", "C")] * 2 + [("C", "B")] * 2
    for drawn_first, winner in (("B", "C"), ("C", "B")):
        rest = [option for option in "ABC" if option != drawn_first]
        result = instant_runoff(
            ballots, "ABC", electorate=7, quorum_fraction=HALF, lot=(drawn_first, *rest)
        )
        assert result.outcome is Outcome.elected and result.winner == winner


@pytest.mark.parametrize(
    ("count", "candidates", "outcome", "winner"),
    [
        (plurality, "A", Outcome.elected, "A"),
        (plurality, "AB", Outcome.tie, None),
        (absolute_majority_round, "A", Outcome.elected, "A"),
        (absolute_majority_round, "AB", Outcome.tie, None),
        (absolute_majority_round, "ABC", Outcome.tie, None),
    ],
)
def test_an_unopposed_candidate_with_only_blank_ballots_needs_no_draw(
    count, candidates, outcome, winner
):
    result = count([None] * 3, candidates, electorate=3, quorum_fraction=HALF)
    assert (result.outcome, result.winner) == (outcome, winner)


def test_shared_places_that_decide_the_runoff_still_go_to_the_lot():
    result = absolute_majority_round(list("AAABBCC"), "ABC", electorate=7, quorum_fraction=HALF)
    assert result.outcome is Outcome.tie and set(result.tied) == {"B", "C"}


def test_the_sure_winner_gives_up_on_too_many_sets(monkeypatch):
    from network.votes import tally

    monkeypatch.setattr(tally, "IRV_SETS_LIMIT", 1)
    rankings = Counter([("A",)] * 3 + [("B",)] * 2 + [("C",)] * 2)
    assert sure_instant_runoff_winner(rankings, "ABC", "BC") is None


# --- against every order of elimination ------------------------------------------------

rankings = st.lists(
    st.permutations(CANDIDATES).flatmap(
        lambda order: st.integers(0, len(order)).map(lambda n: tuple(order[:n]))
    ),
    max_size=30,
)


@given(rankings)
def test_a_tie_is_reported_exactly_when_two_draws_elect_different_candidates(ballots):
    result = instant_runoff(
        ballots, CANDIDATES, electorate=max(len(ballots), 1), quorum_fraction=ANYONE
    )
    if not result.quorum.met:
        return
    winners = possible_winners(ballots, frozenset(CANDIDATES))
    if len(winners) == 1:
        assert result.outcome is Outcome.elected and result.winner in winners
    else:
        assert result.outcome is Outcome.tie
        assert len(result.tied) >= 2


@given(rankings, st.permutations(CANDIDATES))
def test_a_sure_result_is_what_every_draw_gives(ballots, lot):
    kwargs = {"electorate": max(len(ballots), 1), "quorum_fraction": ANYONE}
    result = instant_runoff(ballots, CANDIDATES, **kwargs)
    if result.outcome is not Outcome.elected:
        return
    drawn = instant_runoff(ballots, CANDIDATES, lot=lot, **kwargs)
    # With a lot covering everyone, only a final tie with no ballot counting stays.
    assert drawn.outcome is Outcome.elected and drawn.winner == result.winner


def test_the_reference_agrees_on_a_famous_case():
    # Every order of the three-way tie is tried by the reference.
    ballots = [("A", "B"), ("B", "C"), ("C", "A")]
    assert possible_winners(ballots, frozenset("ABC")) == set("ABC")
    assert instant_runoff(ballots, "ABC", electorate=3, quorum_fraction=HALF).outcome is (
        Outcome.tie
    )
