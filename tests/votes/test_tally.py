"""The tally: hand-worked examples and invariants (hypothesis)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from network.votes.tally import (
    APPROVAL_RULES,
    MajorityRule,
    Outcome,
    absolute_majority_round,
    approval,
    count_approval_choices,
    instant_runoff,
    plurality,
    quorum,
)

HALF = Fraction(1, 2)
R = MajorityRule


# --- quorum ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("electorate", "cast", "fraction", "required", "met"),
    [
        (10, 5, HALF, 5, True),
        (10, 4, HALF, 5, False),
        (11, 6, HALF, 6, True),
        (11, 5, HALF, 6, False),
        (9, 6, Fraction(2, 3), 6, True),
        (0, 0, HALF, 0, True),
        (3, 1, Fraction(1, 3), 1, True),
    ],
)
def test_quorum(electorate, cast, fraction, required, met):
    measured = quorum(electorate, cast, fraction)
    assert (measured.required, measured.met) == (required, met)


@pytest.mark.parametrize(
    ("electorate", "cast", "fraction"),
    [(5, 6, HALF), (5, -1, HALF), (5, 1, Fraction(0)), (5, 1, Fraction(3, 2))],
)
def test_impossible_quorum_input_is_refused(electorate, cast, fraction):
    with pytest.raises(ValueError):
        quorum(electorate, cast, fraction)


# --- yes / no questions, worked by hand -----------------------------------------------


@pytest.mark.parametrize(
    ("yes", "no", "abstain", "electorate", "rule", "needed", "outcome"),
    [
        # simple majority: more yes than no, abstentions ignored
        (5, 4, 1, 10, R.simple, 5, Outcome.carried),
        (4, 4, 2, 10, R.simple, 5, Outcome.defeated),  # a tie does not carry
        (2, 1, 5, 10, R.simple, 2, Outcome.carried),
        # absolute majority: more than half of the ballots cast, abstentions included
        (5, 1, 4, 10, R.absolute, 6, Outcome.defeated),
        (6, 1, 3, 10, R.absolute, 6, Outcome.carried),
        # two-thirds of votes cast: yes ≥ 2/3 of yes + no
        (6, 3, 1, 10, R.two_thirds, 6, Outcome.carried),  # exactly two-thirds
        (5, 3, 0, 10, R.two_thirds, 6, Outcome.defeated),
        (0, 0, 6, 10, R.two_thirds, 1, Outcome.defeated),  # nobody voted yes or no
        # majority of the whole electorate: yes > E / 2
        (5, 0, 0, 10, R.electorate, 6, Outcome.defeated),  # exactly half is not more
        (6, 0, 0, 11, R.electorate, 6, Outcome.carried),
        # no quorum, whatever the counts
        (4, 0, 0, 10, R.simple, 3, Outcome.no_quorum),
    ],
)
def test_approval_examples(yes, no, abstain, electorate, rule, needed, outcome):
    result = approval(yes, no, abstain, electorate=electorate, quorum_fraction=HALF, rule=rule)
    assert (result.needed, result.outcome) == (needed, outcome)


def test_a_tie_is_reported_as_a_tie():
    result = approval(4, 4, 0, electorate=8, quorum_fraction=HALF, rule=R.simple)
    assert result.tie and result.outcome is Outcome.defeated
    assert result.to_dict()["tie"] is True


def test_no_quorum_is_never_reported_as_carried():
    result = approval(3, 0, 0, electorate=10, quorum_fraction=HALF, rule=R.simple)
    assert result.outcome is Outcome.no_quorum
    assert result.to_dict()["quorum_met"] is False


def test_election_rules_do_not_apply_to_questions():
    with pytest.raises(ValueError):
        approval(1, 0, 0, electorate=1, quorum_fraction=HALF, rule=R.plurality)


def test_count_approval_choices():
    assert count_approval_choices(["yes", "no", "yes", "abstain"]) == (2, 1, 1)
    with pytest.raises(ValueError):
        count_approval_choices(["yes", "maybe"])


# --- elections, worked by hand --------------------------------------------------------


def test_absolute_majority_first_round_winner():
    result = absolute_majority_round(list("AAAABBC"), "ABC", electorate=8, quorum_fraction=HALF)
    assert result.outcome is Outcome.elected and result.winner == "A" and result.needed == 4


def test_absolute_majority_goes_to_a_runoff_between_the_two_best_placed():
    result = absolute_majority_round(
        list("AAABBC") + [None], "ABC", electorate=8, quorum_fraction=HALF
    )
    assert result.outcome is Outcome.runoff and result.runoff == ("A", "B")
    assert result.blank == 1 and result.needed == 4  # blank ballots are not valid ballots


def test_a_shared_second_place_is_a_tie_to_settle():
    result = absolute_majority_round(list("AAABBCC"), "ABC", electorate=8, quorum_fraction=HALF)
    assert result.outcome is Outcome.tie
    assert result.runoff == ("A",) and set(result.tied) == {"B", "C"}


def test_a_level_runoff_is_a_tie():
    result = absolute_majority_round(list("AABB"), "AB", electorate=4, quorum_fraction=HALF)
    assert result.outcome is Outcome.tie and set(result.tied) == {"A", "B"}


def test_plurality():
    assert plurality(list("AABC"), "ABC", electorate=4, quorum_fraction=HALF).winner == "A"
    tie = plurality(list("AABB"), "ABC", electorate=4, quorum_fraction=HALF)
    assert tie.outcome is Outcome.tie and tie.tied == ("A", "B")


def test_instant_runoff_with_eliminations():
    # 9 ballots. Round 1: A 4, B 3, C 2 → C out; C's voters prefer B → B 5, A 4.
    ballots = [("A", "B")] * 4 + [("B", "A")] * 3 + [("C", "B")] * 2
    result = instant_runoff(ballots, "ABC", electorate=10, quorum_fraction=HALF)
    assert result.outcome is Outcome.elected and result.winner == "B"
    assert [r.counts for r in result.rounds] == [{"A": 4, "B": 3, "C": 2}, {"A": 4, "B": 5}]
    assert result.rounds[0].eliminated == ("C",)


def test_instant_runoff_exhausted_ballots_leave_the_count():
    ballots = [("A",)] * 3 + [("B",)] * 2 + [("C",)] * 2 + [()]
    result = instant_runoff(ballots, "ABC", electorate=8, quorum_fraction=HALF, lot=("C", "B", "A"))
    # B and C tie for last; the lot eliminates C first; C's ballots are exhausted.
    assert result.rounds[0].eliminated == ("C",)
    assert result.rounds[1].counts == {"A": 3, "B": 2} and result.rounds[1].valid == 5
    assert result.winner == "A" and result.blank == 1


def test_instant_runoff_tie_without_lot_is_reported():
    # B's ballots go to C and C's to B: which of them is eliminated decides the winner.
    ballots = [("A",)] * 3 + [("B", "C")] * 2 + [("C", "B")] * 2
    result = instant_runoff(ballots, "ABC", electorate=7, quorum_fraction=HALF)
    assert result.outcome is Outcome.tie and set(result.tied) == {"B", "C"}


def test_instant_runoff_final_tie_settled_by_lot():
    ballots = [("A",)] * 2 + [("B",)] * 2
    assert instant_runoff(ballots, "AB", electorate=4, quorum_fraction=HALF).outcome is Outcome.tie
    settled = instant_runoff(ballots, "AB", electorate=4, quorum_fraction=HALF, lot=("A", "B"))
    assert settled.winner == "B"


@pytest.mark.parametrize("bad", [[("A", "A")], [("Z",)]])
def test_instant_runoff_refuses_bad_rankings(bad):
    with pytest.raises(ValueError):
        instant_runoff(bad, "AB", electorate=2, quorum_fraction=HALF)


# --- invariants -----------------------------------------------------------------------

CANDIDATES = ("A", "B", "C", "D")
rankings = st.lists(
    st.permutations(CANDIDATES).flatmap(
        lambda order: st.integers(0, len(order)).map(lambda n: tuple(order[:n]))
    ),
    max_size=40,
)


@given(
    st.integers(0, 30),
    st.integers(0, 30),
    st.integers(0, 30),
    st.integers(0, 30),
    st.sampled_from(sorted(APPROVAL_RULES)),
)
def test_approval_counts_add_up(yes, no, abstain, extra, rule):
    electorate = yes + no + abstain + extra
    result = approval(yes, no, abstain, electorate=electorate, quorum_fraction=HALF, rule=rule)
    counts = result.to_dict()["counts"]
    assert sum(counts.values()) == result.quorum.cast == yes + no + abstain
    if result.outcome is Outcome.carried:
        assert result.quorum.met and yes >= result.needed and yes > 0


@given(st.integers(1, 50), st.sampled_from(sorted(APPROVAL_RULES)))
def test_a_unanimous_yes_carries_under_every_rule(voters, rule):
    result = approval(voters, 0, 0, electorate=voters, quorum_fraction=HALF, rule=rule)
    assert result.outcome is Outcome.carried


@given(st.integers(1, 50), st.sampled_from(CANDIDATES))
def test_a_unanimous_election_elects_under_every_method(voters, choice):
    kwargs = {"electorate": voters, "quorum_fraction": HALF}
    assert plurality([choice] * voters, CANDIDATES, **kwargs).winner == choice
    assert absolute_majority_round([choice] * voters, CANDIDATES, **kwargs).winner == choice
    assert instant_runoff([(choice,)] * voters, CANDIDATES, **kwargs).winner == choice


@given(rankings)
def test_instant_runoff_rounds_add_up(ballots):
    result = instant_runoff(
        ballots, CANDIDATES, electorate=max(len(ballots), 1), quorum_fraction=Fraction(1, 100)
    )
    non_blank = sum(1 for ranking in ballots if ranking)
    previous = None
    for the_round in result.rounds:
        assert sum(the_round.counts.values()) == the_round.valid <= non_blank
        if previous is not None:
            assert the_round.valid <= previous  # ballots only ever exhaust
        previous = the_round.valid
    assert len(result.rounds) <= len(CANDIDATES)


@given(st.lists(st.sampled_from(["A", "B", None]), max_size=40))
def test_instant_runoff_on_two_candidates_equals_plurality(choices):
    assume(any(choices))
    kwargs = {"electorate": len(choices), "quorum_fraction": Fraction(1, 100)}
    irv = instant_runoff([(c,) if c else () for c in choices], ("A", "B"), **kwargs)
    first = plurality(choices, ("A", "B"), **kwargs)
    assert irv.outcome == first.outcome and irv.winner == first.winner
    assert set(irv.tied) == set(first.tied)


@given(rankings, st.permutations(CANDIDATES))
def test_instant_runoff_counts_each_round_as_a_full_recount_would(ballots, lot):
    # The tally moves only the eliminated candidate's ballots on; every round must still
    # equal a recount of every ballot for its highest-ranked continuing candidate.
    result = instant_runoff(
        ballots,
        CANDIDATES,
        electorate=max(len(ballots), 1),
        quorum_fraction=Fraction(1, 100),
        lot=lot,
    )
    continuing = list(CANDIDATES)
    for the_round in result.rounds:
        recount = dict.fromkeys(continuing, 0)
        for ranking in ballots:
            top = next((option for option in ranking if option in recount), None)
            if top is not None:
                recount[top] += 1
        assert list(the_round.counts.items()) == list(recount.items())
        for option in the_round.eliminated:
            continuing.remove(option)
