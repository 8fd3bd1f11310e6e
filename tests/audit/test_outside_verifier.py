"""tools/verify_public_record.py: the record checked from outside, on open data alone (#18)."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from network.audit.models import AuditEntry
from network.db import db
from network.declarations.models import Signature
from network.votes.models import Ballot
from tests.audit.test_tampering import tamper, world  # noqa: F401 - fixture
from tools import verify_public_record as outside


class ThroughClient(outside.PublicRecord):
    """The public record read through the test client instead of the network."""

    def __init__(self, client) -> None:
        super().__init__("http://localhost")
        self.client = client

    def get(self, path: str, **query: Any) -> Any:
        answer = self.client.get("/api/v1" + path, query_string=query)
        assert answer.status_code == 200, (path, answer.status_code)
        return answer.get_json()


@pytest.fixture
def check(app, monkeypatch):
    monkeypatch.setattr(outside, "PublicRecord", lambda _url: ThroughClient(app.test_client()))
    return lambda: outside.verify("http://localhost")


def test_the_untouched_record_checks_out_from_outside(world, check):  # noqa: F811
    assert check() == []


def test_a_forged_signatory_is_seen_from_outside(app, world, check):  # noqa: F811
    tamper(
        app,
        lambda: db.session.execute(
            sa.update(Signature)
            .where(Signature.verification_code == world["signature_code"])
            .values(signatory_name="Someone Else")
        ),
    )
    assert any(
        "signatory_name is 'Someone Else', the log says 'Park Won-soon'" in problem
        for problem in check()
    )


def test_a_secret_ballot_changed_after_the_count_is_seen_from_outside(app, world, check):  # noqa: F811
    def change() -> None:
        ballot = db.session.scalars(
            sa.select(Ballot).where(Ballot.vote_id == world["first_round"])
        ).first()
        ballot.choice = None  # a blank ballot now

    tamper(app, change)
    problems = check()
    assert (
        f"vote {world['first_round']}: its published ballots do not hash to the digest "
        "of its close" in problems
    )


def test_an_altered_entry_breaks_the_chain_seen_from_outside(app, world, check):  # noqa: F811
    def forge() -> None:
        entry = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.public).order_by(AuditEntry.seq)
        ).first()
        entry.subject_id = "forged"

    tamper(app, forge)
    assert any("do not hash to its published hash" in problem for problem in check())
