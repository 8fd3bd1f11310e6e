"""Votes open and close at their set times (``flask network tick``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
import time_machine

from network.charter import services as charter
from network.common import clock
from network.db import db
from network.votes import services as votes
from network.votes.models import Secrecy, Vote, VoteKind, VoteStatus


def test_tick_opens_and_closes_votes_at_their_times(app, make):
    make.city("Seoul")
    officer = make.secretariat()
    start = datetime.now(UTC)
    with app.app_context():
        version = charter.create_draft(actor=db.session.get(type(officer), officer.id), now=start)
        vote = votes.create_vote(
            subject_type=charter.SUBJECT,
            subject_id=version.id,
            title="Adoption",
            kind=VoteKind.approval,
            secrecy=Secrecy.recorded,
            rule_key="amendment",
            opens_at=start + timedelta(hours=1),
            closes_at=start + timedelta(hours=3),
            actor=None,
            now=start,
        )
        db.session.commit()
        vote_id = vote.id
    runner = app.test_cli_runner()

    def status() -> VoteStatus:
        with app.app_context():
            return db.session.scalar(sa.select(Vote.status).where(Vote.id == vote_id))

    assert "Opened 0 vote(s), closed 0" in runner.invoke(args=["network", "tick"]).output
    assert status() is VoteStatus.pending
    with time_machine.travel(start + timedelta(hours=2)):
        assert "Opened 1 vote(s)" in runner.invoke(args=["network", "tick"]).output
        assert status() is VoteStatus.open
    with time_machine.travel(start + timedelta(hours=4)):
        assert clock.now() > start + timedelta(hours=3)
        assert "closed 1 vote(s)" in runner.invoke(args=["network", "tick"]).output
        assert status() is VoteStatus.closed
