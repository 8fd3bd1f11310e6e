"""What a code belongs to: a ballot receipt (and, later, a signature code)."""

from __future__ import annotations

from typing import Any

from network.votes import queries as vote_queries
from network.votes import rules as vote_rules
from network.votes import services as vote_services
from network.votes.models import VoteStatus


def lookup(code: str) -> dict[str, Any] | None:
    """Describe what a code belongs to, or None; a ballot's content only once counted."""
    code = vote_rules.normalise_code(code)
    ballot = vote_queries.ballot_by_receipt(code) if vote_rules.is_receipt(code) else None
    if ballot is None:
        return None
    vote = ballot.vote
    title, _url = vote_services.describe(vote)
    closed = vote.status is VoteStatus.closed
    return {
        "code": code,
        "type": "ballot",
        "vote": vote.id,
        "vote_title": title,
        "vote_status": vote.status.value,
        "kind": vote.kind.value,
        "choice": vote_queries.describe_choice(vote, ballot.choice) if closed else None,
    }
