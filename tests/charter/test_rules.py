"""The charter's pure rules: governance rules as data, and article differences."""

from __future__ import annotations

from fractions import Fraction

import pytest

from network.charter.rules import Change, GovernanceRules, RuleKey, diff_articles
from network.config import BaseConfig
from network.votes.tally import MajorityRule


def test_the_founding_rules_are_those_of_the_spec():
    rules = GovernanceRules.from_dict(BaseConfig.FOUNDING_RULES)
    assert rules.quorum == Fraction(1, 2)
    assert rules.majority_for(RuleKey.amendment) is MajorityRule.two_thirds
    assert rules.majority_for("ordinary") is MajorityRule.simple
    assert rules.majority_for(RuleKey.admission) is MajorityRule.two_thirds
    assert rules.chair_election is MajorityRule.absolute_runoff
    assert rules.chair_term_years == 2
    assert GovernanceRules.from_dict(rules.to_dict()) == rules


@pytest.mark.parametrize(
    "change",
    [
        {"quorum": "0"},
        {"quorum": "3/2"},
        {"quorum": "half"},
        {"quorum": "1/0"},
        {"ordinary": "plurality"},
        {"chair_election": "two-thirds"},
        {"chair_term_years": 0},
        {"chair_term_years": "two"},
        {"amendment": "unanimity"},
    ],
)
def test_bad_rules_are_refused(change):
    with pytest.raises(ValueError):
        GovernanceRules.from_dict(BaseConfig.FOUNDING_RULES | change)


def test_article_by_article_difference():
    old = {
        1: ("Purpose", "The Network spreads decent work."),
        2: ("Members", "Cities may join."),
        3: ("Seat", "The seat is in Seoul."),
    }
    new = {
        1: ("Purpose", "The Network spreads decent work."),
        2: ("Members", "Cities and regions may join."),
        4: ("Partners", "The ILO observes."),
    }
    diffs = {d.number: d for d in diff_articles(old, new)}
    assert diffs[1].change is Change.unchanged
    assert diffs[2].change is Change.changed
    assert ("insert", "and regions") in diffs[2].ops
    assert diffs[3].change is Change.removed and diffs[3].new_title is None
    assert diffs[4].change is Change.added and diffs[4].ops == (("insert", "The ILO observes."),)
