"""Pure rules of the charter: the governance rules as data, and differences between versions."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any

from network.votes.tally import APPROVAL_RULES, MajorityRule


class RuleKey(StrEnum):
    """The decisions the charter sets a majority for."""

    ordinary = "ordinary"
    amendment = "amendment"
    admission = "admission"
    suspension = "suspension"
    chair_election = "chair_election"


MAX_QUORUM_DENOMINATOR = 100
# The most proxies one city may be allowed to hold at a meeting.
MAX_PROXIES_PER_CITY = 10
CHAIR_METHODS = frozenset({MajorityRule.absolute_runoff, MajorityRule.instant_runoff})


@dataclass(frozen=True)
class GovernanceRules:
    """The rules a charter version sets (SPEC "Founding rules").

    Every vote copies the quorum and the majority for its kind of decision from the
    rules in force when it opens.
    """

    quorum: Fraction
    ordinary: MajorityRule
    amendment: MajorityRule
    admission: MajorityRule
    suspension: MajorityRule
    chair_election: MajorityRule
    chair_term_years: int
    # Proxies at meetings (SPEC "Meetings": founding rules allowed, at most one held per
    # city). Versions stored before these rules existed read as the founding rules.
    proxies_allowed: bool = True
    proxies_per_city: int = 1

    def majority_for(self, key: RuleKey | str) -> MajorityRule:
        """Return the majority the rules set for a kind of decision."""
        return getattr(self, RuleKey(key).value)

    def to_dict(self) -> dict[str, Any]:
        """Return the rules as JSON-ready data."""
        return {
            "quorum": str(self.quorum),
            "ordinary": self.ordinary.value,
            "amendment": self.amendment.value,
            "admission": self.admission.value,
            "suspension": self.suspension.value,
            "chair_election": self.chair_election.value,
            "chair_term_years": self.chair_term_years,
            "ties": "lot",
            "proxies_allowed": self.proxies_allowed,
            "proxies_per_city": self.proxies_per_city,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GovernanceRules:
        """Read and check rules from data (configuration or a stored version).

        Rules stored without the proxy rules (every version before they existed) read
        as allowing proxies, at most one held per city: the founding rules. Their stored
        JSON is never rewritten, so it stays what their audit entries recorded.

        :raises ValueError: for a quorum outside (0, 1], a majority that does not fit its
            decision, a term that is not a whole number of years from 1 to 10, or a
            number of proxies per city outside 1 to 10.
        """
        try:
            quorum = Fraction(str(data["quorum"]))
            majorities = {key: MajorityRule(data[key.value]) for key in RuleKey}
            term = int(data["chair_term_years"])
            proxies_allowed = data.get("proxies_allowed", True)
            proxies_per_city = int(data.get("proxies_per_city", 1))
        except (KeyError, TypeError, ValueError, ZeroDivisionError) as error:
            raise ValueError(f"bad governance rules: {error}") from None
        if not 0 < quorum <= 1 or quorum.denominator > MAX_QUORUM_DENOMINATOR:
            raise ValueError("the quorum must be a simple fraction of the electorate in (0, 1]")
        for key, rule in majorities.items():
            allowed = CHAIR_METHODS if key is RuleKey.chair_election else APPROVAL_RULES
            if rule not in allowed:
                raise ValueError(f"{rule} is not a majority for {key}")
        if not 1 <= term <= 10:
            raise ValueError("the chair's term is 1 to 10 years")
        if not isinstance(proxies_allowed, bool):
            raise ValueError("proxies_allowed is true or false")
        if not 1 <= proxies_per_city <= MAX_PROXIES_PER_CITY:
            raise ValueError(f"a city holds 1 to {MAX_PROXIES_PER_CITY} proxies")
        return cls(
            quorum=quorum,
            chair_term_years=term,
            proxies_allowed=proxies_allowed,
            proxies_per_city=proxies_per_city,
            **{key.value: rule for key, rule in majorities.items()},
        )


class Change(StrEnum):
    """How an article differs between two versions."""

    added = "added"
    removed = "removed"
    changed = "changed"
    unchanged = "unchanged"


@dataclass(frozen=True)
class ArticleDiff:
    """One article compared across two versions; ``ops`` mark the words that changed."""

    number: int
    change: Change
    old_title: str | None
    new_title: str | None
    ops: tuple[tuple[str, str], ...]  # (tag, text): tag is "equal", "insert" or "delete"


def _word_ops(old: str, new: str) -> tuple[tuple[str, str], ...]:
    old_words, new_words = old.split(" "), new.split(" ")
    ops: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("delete", "replace"):
            ops.append(("delete", " ".join(old_words[i1:i2])))
        if tag in ("insert", "replace"):
            ops.append(("insert", " ".join(new_words[j1:j2])))
        if tag == "equal":
            ops.append(("equal", " ".join(old_words[i1:i2])))
    return tuple(ops)


def diff_articles(
    old: Mapping[int, tuple[str, str]], new: Mapping[int, tuple[str, str]]
) -> list[ArticleDiff]:
    """Compare two versions article by article, by article number.

    :param old: article number → (title, text) in the earlier version.
    :param new: the same for the later version.
    """
    diffs = []
    for number in sorted(set(old) | set(new)):
        before, after = old.get(number), new.get(number)
        if before is None:
            assert after is not None
            diffs.append(ArticleDiff(number, Change.added, None, after[0], (("insert", after[1]),)))
        elif after is None:
            diffs.append(
                ArticleDiff(number, Change.removed, before[0], None, (("delete", before[1]),))
            )
        elif before == after:
            diffs.append(
                ArticleDiff(number, Change.unchanged, before[0], after[0], (("equal", after[1]),))
            )
        else:
            diffs.append(
                ArticleDiff(
                    number, Change.changed, before[0], after[0], _word_ops(before[1], after[1])
                )
            )
    return diffs
