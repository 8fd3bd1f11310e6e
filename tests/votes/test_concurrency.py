"""One ballot per city under simultaneous requests, with real commits (PostgreSQL)."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
import sqlalchemy as sa

from network.db import db
from network.votes.models import Ballot, Participation, SealedBallot
from tests.conftest import PASSWORD, Factory, log_in, on_postgres

pytestmark = pytest.mark.skipif(
    not on_postgres(),
    reason="concurrency is proved on PostgreSQL (set TEST_DATABASE_URL); SQLite serialises "
    "every writer",
)
THREADS = 20


def test_twenty_simultaneous_ballots_of_one_city_leave_exactly_one(committed_app):
    make = Factory(committed_app)
    seoul = make.city("Seoul")
    make.city("Hamburg", country="DE")
    delegates = [make.delegate(seoul, name=f"Seoul Delegate {n}") for n in range(THREADS)]
    officer = make.secretariat()

    staff = committed_app.test_client()
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
        staff.post(
            f"/secretariat/charter/{number}/vote", data={"secrecy": "secret"}
        ).location.split("/")[-1]
    )

    clients = []
    for delegate in delegates:
        client = committed_app.test_client()
        assert (
            client.post("/login", data={"email": delegate.email, "password": PASSWORD}).status_code
            == 302
        )
        clients.append(client)

    barrier = threading.Barrier(THREADS)
    answers: list[tuple[int, str]] = []
    lock = threading.Lock()

    def cast(client) -> None:  # noqa: ANN001
        barrier.wait()
        response = client.post(
            f"/votes/{vote_id}/ballot", data={"choice": "yes", "step": "confirm"}
        )
        with lock:
            answers.append((response.status_code, response.get_data(as_text=True)))

    threads = [threading.Thread(target=cast, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    statuses = Counter(status for status, _body in answers)
    # The one secret ballot cast is answered with its receipt (200); the others are refused.
    assert statuses == {200: 1, 409: THREADS - 1}
    assert all("Your city has already voted" in body for status, body in answers if status == 409)
    with committed_app.app_context():
        count = sa.select(sa.func.count())
        assert db.session.scalar(count.select_from(Participation)) == 1
        # Secret and open: the one ballot is sealed, none is in the clear.
        assert db.session.scalar(count.select_from(SealedBallot)) == 1
        assert db.session.scalar(count.select_from(Ballot)) == 0
    result = committed_app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
