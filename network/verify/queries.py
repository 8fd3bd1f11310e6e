"""What a code belongs to: a ballot receipt (and, later, a signature code)."""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale

from network.declarations import queries as declaration_queries
from network.votes import queries as vote_queries
from network.votes import rules as vote_rules
from network.votes import services as vote_services
from network.votes.models import VoteStatus


def lookup(code: str) -> dict[str, Any] | None:
    """Describe what a code belongs to, or None; a ballot's content only once counted."""
    code = vote_rules.normalise_code(code)
    if not vote_rules.is_receipt(code):
        return None
    signature = declaration_queries.signature_by_code(code)
    if signature is not None:
        declaration = signature.declaration
        text = declaration.text_in(str(get_locale()))
        return {
            "code": code,
            "type": "signature",
            "declaration": declaration.slug,
            "declaration_title": text.title if text else declaration.slug,
            "city": signature.city.slug,
            "city_name": signature.city.name,
            "signatory_name": signature.signatory_name,
            "signatory_title": signature.signatory_title,
            "signed_on": signature.signed_on.isoformat(),
            "mode": signature.mode.value,
            "withdrawn": signature.is_withdrawn,
            "withdrawal_reason": signature.withdrawal_reason,
        }
    ballot = vote_queries.ballot_by_receipt(code)
    # A secret ballot of an open vote is sealed: found by its tag, its content unknown.
    vote = ballot.vote if ballot is not None else vote_queries.vote_of_sealed_receipt(code)
    if vote is None:
        return None
    title, _url = vote_services.describe(vote)
    closed = vote.status is VoteStatus.closed and ballot is not None
    return {
        "code": code,
        "type": "ballot",
        "vote": vote.id,
        "vote_title": title,
        "vote_status": vote.status.value,
        "kind": vote.kind.value,
        "choice": vote_queries.describe_choice(vote, ballot.choice) if closed else None,
    }
