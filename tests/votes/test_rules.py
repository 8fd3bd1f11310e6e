"""Pure voting rules: when ballots are taken, what a ballot holds, receipt codes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from network.votes import rules
from network.votes.models import VoteKind, VoteStatus

NOW = datetime(2018, 12, 12, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "closes_at", "accepting"),
    [
        (VoteStatus.open, None, True),
        (VoteStatus.open, NOW + timedelta(seconds=1), True),
        (VoteStatus.open, NOW, False),
        (VoteStatus.open, NOW - timedelta(hours=1), False),
        (VoteStatus.pending, None, False),
        (VoteStatus.closed, None, False),
    ],
)
def test_ballots_are_taken_only_while_open_and_before_the_closing_time(
    status, closes_at, accepting
):
    assert rules.is_accepting_ballots(status, closes_at, NOW) is accepting


@pytest.mark.parametrize(
    ("kind", "raw", "stored"),
    [
        (VoteKind.approval, "yes", "yes"),
        (VoteKind.approval, "abstain", "abstain"),
        (VoteKind.single, 7, 7),
        (VoteKind.single, None, None),
        (VoteKind.ranked, [8, 7], [8, 7]),
        (VoteKind.ranked, [], []),
    ],
)
def test_valid_choices(kind, raw, stored):
    assert rules.clean_choice(kind, raw, {7, 8, 9}) == stored


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        (VoteKind.approval, "maybe"),
        (VoteKind.approval, None),
        (VoteKind.single, 1),
        (VoteKind.single, "7"),
        (VoteKind.single, True),
        (VoteKind.ranked, [7, 7]),
        (VoteKind.ranked, [7, 1]),
        (VoteKind.ranked, "78"),
        (VoteKind.ranked, 7),
    ],
)
def test_invalid_choices_are_refused(kind, raw):
    with pytest.raises(ValueError):
        rules.clean_choice(kind, raw, {7, 8, 9})


def test_receipts_are_well_formed_and_distinct():
    codes = {rules.new_receipt() for _ in range(500)}
    assert len(codes) == 500
    assert all(rules.is_receipt(code) for code in codes)


@given(st.text(alphabet=rules.RECEIPT_ALPHABET, min_size=16, max_size=16))
def test_a_receipt_typed_loosely_is_found(compact):
    code = "-".join(compact[i : i + 4] for i in range(0, 16, 4))
    assert rules.normalise_code(f" {compact.lower()} ") == code
    assert rules.normalise_code(code.lower().replace("-", " ")) == code


@pytest.mark.parametrize("code", ["", "ABCD", "ABCD-EFGH-IJKL-MNOP", "<script>", "A" * 40])
def test_non_receipts(code):
    assert not rules.is_receipt(rules.normalise_code(code))
