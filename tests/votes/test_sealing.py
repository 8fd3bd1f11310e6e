"""Sealed secret ballots: only the vote's key opens them, and only for their vote."""

from __future__ import annotations

import pytest
from cryptography.exceptions import InvalidTag

from network.votes import sealing

KEY = "k" * 64


def test_a_sealed_ballot_opens_with_its_vote_key_only():
    salt = sealing.new_salt()
    key = sealing.vote_key(KEY, salt)
    sealed = sealing.seal(key, 7, "7KQ2-M9XD-4TPA-WRHN", 42)
    assert b"7KQ2" not in sealed  # the receipt is not in the clear
    assert sealing.unseal(key, 7, sealed) == ("7KQ2-M9XD-4TPA-WRHN", 42)
    with pytest.raises(InvalidTag):
        sealing.unseal(key, 8, sealed)  # moved to another vote
    with pytest.raises(InvalidTag):
        sealing.unseal(sealing.vote_key(KEY, sealing.new_salt()), 7, sealed)  # another key
    with pytest.raises(InvalidTag):
        sealing.unseal(sealing.vote_key("x" * 64, salt), 7, sealed)  # another ballot key


def test_the_same_ballot_seals_differently_each_time():
    key = sealing.vote_key(KEY, sealing.new_salt())
    assert sealing.seal(key, 1, "AAAA-BBBB-CCCC-DDDD", "yes") != sealing.seal(
        key, 1, "AAAA-BBBB-CCCC-DDDD", "yes"
    )


def test_a_receipt_tag_needs_the_key():
    one = sealing.vote_key(KEY, sealing.new_salt())
    other = sealing.vote_key(KEY, sealing.new_salt())
    tag = sealing.receipt_tag(one, "AAAA-BBBB-CCCC-DDDD")
    assert tag == sealing.receipt_tag(one, "AAAA-BBBB-CCCC-DDDD")
    assert tag != sealing.receipt_tag(other, "AAAA-BBBB-CCCC-DDDD")
    assert "AAAA" not in tag
