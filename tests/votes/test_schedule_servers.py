"""The tick runs on every app server, and does its work once (PostgreSQL advisory lock)."""

from __future__ import annotations

import threading
import zlib
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from network.audit.models import AuditEntry
from network.auth.models import User
from network.charter import services as charter
from network.db import db
from network.votes import services as votes
from network.votes.models import Secrecy, Vote, VoteKind, VoteStatus
from tests.conftest import Factory, on_postgres

pytestmark = pytest.mark.skipif(
    not on_postgres(),
    reason="several servers share one PostgreSQL; set TEST_DATABASE_URL",
)
VOTES = 6


def _due_votes(app, officer_id: int) -> list[int]:  # noqa: ANN001
    """Make VOTES charter votes: half due to open, half open and due to close."""
    start = datetime.now(UTC) - timedelta(hours=2)
    ids = []
    with app.app_context():
        officer = db.session.get(User, officer_id)
        for number in range(VOTES):
            version = charter.create_draft(actor=officer, now=start)
            vote = votes.create_vote(
                subject_type=charter.SUBJECT,
                subject_id=version.id,
                title=f"Adoption {number}",
                kind=VoteKind.approval,
                secrecy=Secrecy.recorded,
                rule_key="amendment",
                opens_at=start + timedelta(minutes=30),
                # The first half close in a day: the tick only opens them. The others
                # closed an hour ago: opened late and closed at once.
                closes_at=start + timedelta(days=1 if number < VOTES // 2 else 0, hours=1),
                actor=None,
                now=start,
            )
            ids.append(vote.id)
        db.session.commit()
    return ids


def _changes(app, action: str) -> Counter:  # noqa: ANN001
    with app.app_context():
        return Counter(
            db.session.scalars(
                sa.select(AuditEntry.subject_id).where(AuditEntry.action == action)
            ).all()
        )


def test_a_tick_stands_aside_while_another_holds_the_schedule(committed_app):
    make = Factory(committed_app)
    make.city("Seoul")
    vote_ids = _due_votes(committed_app, make.secretariat().id)
    runner = committed_app.test_cli_runner()

    # Another server's tick is midway: it holds the lock in its open transaction.
    other = sa.create_engine(committed_app.config["SQLALCHEMY_DATABASE_URI"])
    with other.connect() as connection:
        connection.execute(
            sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": zlib.crc32(b"network:tick")}
        )
        output = runner.invoke(args=["network", "tick"]).output
        assert "Another tick is running" in output
        with committed_app.app_context():
            statuses = db.session.scalars(sa.select(Vote.status).where(Vote.id.in_(vote_ids)))
            assert set(statuses) == {VoteStatus.pending}
        connection.rollback()  # that tick ends: its lock goes with its transaction
    other.dispose()

    output = runner.invoke(args=["network", "tick"]).output
    assert f"Opened {VOTES} vote(s), closed {VOTES // 2} vote(s)." in output


def test_two_ticks_at_the_same_moment_open_and_close_each_vote_once(committed_app):
    make = Factory(committed_app)
    make.city("Seoul")
    vote_ids = _due_votes(committed_app, make.secretariat().id)

    barrier = threading.Barrier(2)
    # Click's runner swaps the process's stdout, so two at once cannot each keep their
    # output: what counts is the record, read below.
    outputs: list[str] = []

    def tick() -> None:
        runner = committed_app.test_cli_runner()
        barrier.wait()
        result = runner.invoke(args=["network", "tick"])
        outputs.append("ok" if result.exit_code == 0 else repr(result.exception))

    threads = [threading.Thread(target=tick) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outputs == ["ok", "ok"]
    opened = _changes(committed_app, "vote.opened")
    closed = _changes(committed_app, "vote.closed")
    assert opened == Counter({str(vote_id): 1 for vote_id in vote_ids}), outputs
    assert closed == Counter({str(vote_id): 1 for vote_id in vote_ids[VOTES // 2 :]}), outputs
    result = committed_app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
