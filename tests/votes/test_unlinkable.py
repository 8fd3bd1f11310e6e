"""Nothing stored links a secret ballot to its city, for whoever holds the database (#18).

Twelve cities cast secret ballots, with real commits, then the vote is counted. On
PostgreSQL the test reads every row version of the ballots' pages, dead ones
included (``pageinspect``), and pairs them with the transactions that recorded each
city's participation, the query that linked every receipt of a closed election to
its city before ballots were sealed. On SQLite it reads the database file itself.
"""

from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa

from network.db import db
from network.votes.models import Ballot, SealedBallot
from tests.conftest import PASSWORD, Factory, log_in, on_postgres

CITIES = 12


def _secret_vote_cast_by_twelve(app) -> tuple[int, list[str], object]:
    """Open a secret vote, have twelve cities cast it; return its id, receipts in cast order."""
    make = Factory(app)
    cities = [make.city(f"City {n:02d}", country="KR") for n in range(CITIES)]
    delegates = [make.delegate(city) for city in cities]
    officer = make.secretariat()
    staff = app.test_client()
    assert log_in(staff, officer.email, secret=officer.totp_secret).status_code == 302
    number = int(staff.post("/secretariat/charter/drafts").location.split("/")[-1])
    staff.post(
        f"/secretariat/charter/{number}/articles/new",
        data={
            "number": 1,
            "texts-0-language": "en",
            "texts-0-title": "Purpose",
            "texts-0-body": "Decent work in cities.",
        },
    )
    vote_id = int(
        staff.post(f"/secretariat/charter/{number}/vote", data={"secrecy": "secret"})
        .location.split("/")[-1]
    )  # fmt: skip
    receipts = []
    for n, delegate in enumerate(delegates):
        client = app.test_client()
        client.post("/login", data={"email": delegate.email, "password": PASSWORD})
        choice = ("yes", "no", "abstain")[n % 3]
        page = client.post(
            f"/votes/{vote_id}/ballot", data={"choice": choice, "step": "confirm"}
        ).get_data(as_text=True)
        receipts.append(re.search(r"receipt code is ([0-9A-Z-]{19})", page).group(1))
    return vote_id, receipts, staff


def _close(staff, vote_id: int) -> None:
    assert staff.post(f"/votes/{vote_id}/close").status_code == 302


def test_no_stored_row_version_links_a_secret_ballot_to_its_city(committed_app):
    app = committed_app
    vote_id, receipts, staff = _secret_vote_cast_by_twelve(app)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Ballot)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SealedBallot)) == CITIES
        db.session.remove()
    if not on_postgres():
        # SQLite: while the vote is open, no receipt is anywhere in the file.
        database = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
        stored = b"".join(
            path.read_bytes()
            for path in database.parent.glob(database.name + "*")  # the file, its journal
        )
        assert not any(receipt.encode() in stored for receipt in receipts)
    _close(staff, vote_id)
    with app.app_context():
        published = db.session.scalars(
            sa.select(Ballot.receipt).where(Ballot.vote_id == vote_id).order_by(sa.text("rowid"))
            if not on_postgres()
            else sa.select(Ballot.receipt).where(Ballot.vote_id == vote_id).order_by(Ballot.receipt)
        ).all()
        assert sorted(published) == sorted(receipts)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SealedBallot)) == 0
        if not on_postgres():
            # Written in one go at the count, in an order drawn at random (1 in 12! to
            # come out in the order of casting).
            assert published != receipts
            return
        connection = db.session.connection()
        # Each city's participation and its audit entry were written by its transaction
        # (the participation in a subtransaction of it, with an id of its own).
        linking = set(
            connection.execute(
                sa.text(
                    "SELECT xmin::text FROM vote_participations WHERE vote_id = :vote "
                    "UNION SELECT xmin::text FROM audit_entries "
                    "WHERE action = 'vote.ballot_cast' AND subject_id = :subject"
                ),
                {"vote": vote_id, "subject": str(vote_id)},
            ).scalars()
        )
        assert len(linking) >= CITIES
        # Every version of every ballot row, live or dead, as the pages hold it.
        connection.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pageinspect"))
        versions = []
        for table in ("ballots", "sealed_ballots"):
            pages = connection.scalar(
                sa.text(f"SELECT pg_relation_size('{table}') / current_setting('block_size')::int")
            )
            for page in range(pages):
                versions += [
                    (table, str(xmin), bytes(data or b""))
                    for xmin, data in connection.execute(
                        sa.text(
                            "SELECT t_xmin, t_data FROM "
                            f"heap_page_items(get_raw_page('{table}', {page}))"
                        )
                    )
                ]
        carrying = [
            (table, xmin)
            for table, xmin, data in versions
            if any(receipt.encode() in data for receipt in receipts)
        ]
        # Each receipt is held by published rows only, none written by a city's transaction.
        assert {table for table, _xmin in carrying} == {"ballots"}
        assert len(carrying) == CITIES
        assert not {xmin for _table, xmin in carrying} & linking
        assert len({xmin for _table, xmin in carrying}) == 1  # all by the count's
        db.session.remove()
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
