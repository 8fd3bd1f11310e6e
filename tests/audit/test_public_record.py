"""The public audit record: the chain's head, public entries only, and a receipt check."""

from __future__ import annotations

import sqlalchemy as sa

from network.audit.models import AuditEntry, AuditHead
from network.db import db
from network.votes.models import Ballot
from tests.elections.test_story import (
    cast,
    council,  # noqa: F401 - fixture
    open_election,
    start_ballot,
)


def test_the_public_sees_the_head_and_public_entries_but_no_secret_ballot(
    app,
    council,  # noqa: F811
):
    officer = council["secretariat"]
    election_id = open_election(officer)
    vote_id = start_ballot(app, council, election_id, [("Seoul", "seoul"), ("Milan", "milan")])
    cast(app, council, vote_id, {"Seoul": "Milan", "London": "Seoul"})
    officer.post(
        "/secretariat/accounts/invite",
        data={"email": "new@example.org", "name": "New Person", "role": "observer"},
    )

    html = app.test_client().get("/audit/").get_data(as_text=True)

    with app.app_context():
        head = db.session.scalar(sa.select(AuditHead))
        receipts = db.session.scalars(sa.select(Ballot.receipt).where(Ballot.vote_id == vote_id))
        private = db.session.scalars(sa.select(AuditEntry).where(~AuditEntry.public)).all()
        public = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.public)).all()
        assert head.hash in html and f"<dd>{head.seq}</dd>" in html
        for receipt in receipts:
            assert receipt not in html
        assert private, "the set-up made no private entry"
        assert private[-1].seq == head.seq  # the invitation: its hash is the head's
        for entry in private[:-1]:
            assert entry.hash not in html
        assert "new@example.org" not in html
        for entry in public[-20:]:
            assert entry.hash in html
    assert html.count("vote.ballot_cast") == 2
    assert 'action="/verify/"' in html


def test_the_public_record_pages_through_the_entries(app, make):
    # Fifty entries a page, newest first: 60 public entries make two pages. (It asked
    # for ?per_page=5 before, which the page ignores, with no public entry at all: it
    # could not fail.)
    for n in range(60):
        make.city(f"Town {n}", country="FR")
    client = app.test_client()
    first = client.get("/audit/").get_data(as_text=True)
    second = client.get("/audit/?page=2").get_data(as_text=True)
    with app.app_context():
        newest = db.session.scalars(
            sa.select(AuditEntry.hash).where(AuditEntry.public).order_by(AuditEntry.seq.desc())
        ).all()
    assert len(newest) == 60
    assert all(h in first for h in newest[:50]) and not any(h in first for h in newest[50:])
    assert all(h in second for h in newest[50:]) and not any(h in second for h in newest[1:50])
