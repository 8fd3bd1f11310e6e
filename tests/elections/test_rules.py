"""Pure election rules: what a counted round leads to, and what a draw by lot settles."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from network.elections.rules import (
    Next,
    Step,
    TermState,
    after_round,
    default_term_end,
    settle_by_lot,
    term_state,
)


@pytest.mark.parametrize(
    ("result", "step"),
    [
        ({"outcome": "elected", "winner": "7"}, Step(Next.certify, winner=7)),
        ({"outcome": "runoff", "runoff": ["7", "8"]}, Step(Next.runoff, candidates=(7, 8))),
        ({"outcome": "tie", "tied": ["7", "8"], "runoff": []}, Step(Next.draw, candidates=(7, 8))),
        # A tie of one (a result counted before the rule): no draw can change it.
        ({"outcome": "tie", "tied": ["7"], "runoff": []}, Step(Next.certify, winner=7)),
        ({"outcome": "no-quorum"}, Step(Next.repeat)),
    ],
)
def test_after_round(result, step):
    assert after_round(result) == step


@pytest.mark.parametrize(
    ("result", "drawn", "step"),
    [
        # A level final round: the first drawn wins.
        (
            {"tied": ["7", "8"], "runoff": [], "counts": {"7": 2, "8": 2}},
            [8, 7],
            Step(Next.certify, winner=8),
        ),
        # A shared second place: the first drawn joins the sure first place in the runoff.
        (
            {"tied": ["8", "9"], "runoff": ["7"], "counts": {"7": 3, "8": 2, "9": 2}},
            [9, 8],
            Step(Next.runoff, candidates=(7, 9)),
        ),
        # Three share the first place: the first two drawn go to the runoff.
        (
            {"tied": ["7", "8", "9"], "runoff": [], "counts": {"7": 2, "8": 2, "9": 2}},
            [9, 7, 8],
            Step(Next.runoff, candidates=(9, 7)),
        ),
    ],
)
def test_settle_by_lot(result, drawn, step):
    assert settle_by_lot(result, drawn) == step


@pytest.mark.parametrize("drawn", [[7], [7, 7], [7, 9], [7, 8, 9]])
def test_a_draw_must_name_each_tied_candidate_once(drawn):
    with pytest.raises(ValueError):
        settle_by_lot({"tied": ["7", "8"], "runoff": [], "counts": {"7": 1, "8": 1}}, drawn)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)), st.integers(1, 6))
def test_a_default_term_ends_the_day_before_its_anniversary(start, years):
    end = default_term_end(start, years)
    assert end.year == start.year + years or (end.year == start.year + years - 1)
    assert end > start
    assert (end - start).days in range(365 * years - 2, 366 * years + 1)


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (date(2025, 12, 31), TermState.upcoming),
        (date(2026, 1, 1), TermState.current),
        (date(2027, 12, 31), TermState.current),
        (date(2028, 1, 1), TermState.ended),
    ],
)
def test_term_state(today, state):
    assert term_state(date(2026, 1, 1), date(2027, 12, 31), today) is state
