"""Register numbers under simultaneous closes, with real commits (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from network.db import db
from network.resolutions.models import Resolution
from tests.conftest import Factory, log_in, on_postgres

pytestmark = pytest.mark.skipif(
    not on_postgres(),
    reason="concurrency is proved on PostgreSQL (set TEST_DATABASE_URL); SQLite serialises "
    "every writer",
)
MOTIONS = 12


def login(app, user):
    client = app.test_client()
    assert log_in(client, user.email, secret=user.totp_secret).status_code == 302
    return client


def test_simultaneous_closes_take_distinct_consecutive_numbers(committed_app):
    make = Factory(committed_app)
    seoul, hamburg = make.city("Seoul"), make.city("Hamburg", country="DE")
    proposer, seconder = (
        login(committed_app, make.delegate(seoul)),
        login(committed_app, make.delegate(hamburg)),
    )
    officers = [make.secretariat(name=f"Officer {n}") for n in range(MOTIONS)]
    staff = login(committed_app, officers[0])
    votes = []
    for n in range(MOTIONS):
        motion = proposer.post(
            "/motions/new",
            data={
                "title": f"Motion {n}",
                "kind": "ordinary",
                "text": "Text.",
                "city": "",
                "charter_version": "",
            },
        ).location
        seconder.post(f"{motion}/second")
        vote = staff.post(f"{motion}/vote", data={"secrecy": "recorded"}).location
        proposer.post(f"{vote}/ballot", data={"choice": "yes", "step": "confirm"})
        seconder.post(f"{vote}/ballot", data={"choice": "yes", "step": "confirm"})
        votes.append(vote)

    clients = [login(committed_app, officer) for officer in officers]
    barrier = threading.Barrier(MOTIONS)
    statuses: list[int] = []

    def close(client, vote) -> None:  # noqa: ANN001
        barrier.wait()
        statuses.append(client.post(f"{vote}/close").status_code)

    threads = [
        threading.Thread(target=close, args=pair) for pair in zip(clients, votes, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert statuses == [302] * MOTIONS
    with committed_app.app_context():
        sequences = sorted(db.session.scalars(sa.select(Resolution.sequence)))
    assert sequences == list(range(1, MOTIONS + 1))
    assert committed_app.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0
