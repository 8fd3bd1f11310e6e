"""A ballot by proxy under simultaneous requests (PostgreSQL): still one ballot per city."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
import sqlalchemy as sa

from network.db import db
from network.votes.models import Participation, SealedBallot
from tests.conftest import PASSWORD, Factory, log_in, on_postgres
from tests.meetings.support import (
    add_motion,
    attendance_form,
    convene,
    open_item_vote,
    open_session,
)

pytestmark = pytest.mark.skipif(
    not on_postgres(),
    reason="concurrency is proved on PostgreSQL (set TEST_DATABASE_URL); SQLite serialises "
    "every writer",
)
EACH = 8  # delegates of the holder by proxy, and of the giving city itself


def client_of(app, user):
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_the_holder_and_the_giving_city_at_once_leave_one_ballot(committed_app):
    app = committed_app
    make = Factory(app)
    seoul, hamburg, london = (make.city(name) for name in ("Seoul", "Hamburg", "London"))
    officer = make.secretariat()
    hamburg_signatory = make.delegate(hamburg, signing_authority=True)
    holders = [make.delegate(seoul, name=f"Seoul Delegate {n}") for n in range(EACH)]
    own = [make.delegate(hamburg, name=f"Hamburg Delegate {n}") for n in range(EACH)]
    seconder = make.delegate(london)

    staff = app.test_client()
    assert log_in(staff, officer.email, secret=officer.totp_secret).status_code == 302
    meeting = convene(app, officer)
    client_of(app, hamburg_signatory).post(f"/meetings/{meeting}/proxy", data={"holder": "seoul"})
    staff.post(
        f"/meetings/{meeting}/attendance",
        data=attendance_form(app, {"seoul": "in-room", "london": "online"}),
    )
    add_motion(app, meeting, officer, holders[0], seconder)
    open_session(app, meeting, officer)
    vote = open_item_vote(app, meeting, officer, secret=True)

    requests = [(client_of(app, user), f"/votes/{vote}/ballot/proxy/hamburg") for user in holders]
    requests += [(client_of(app, user), f"/votes/{vote}/ballot") for user in own]
    barrier = threading.Barrier(len(requests))
    answers: list[tuple[int, str]] = []
    lock = threading.Lock()

    def cast(client, url) -> None:  # noqa: ANN001
        barrier.wait()
        response = client.post(url, data={"choice": "yes", "step": "confirm"})
        with lock:
            answers.append((response.status_code, response.get_data(as_text=True)))

    threads = [threading.Thread(target=cast, args=request) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # The one secret ballot cast is answered with its receipt (200); the others refused.
    assert Counter(status for status, _body in answers) == {200: 1, 409: 2 * EACH - 1}
    assert all("already voted" in body for status, body in answers if status == 409)
    with app.app_context():
        count = sa.select(sa.func.count())
        assert db.session.scalar(count.select_from(Participation)) == 1
        assert db.session.scalar(count.select_from(SealedBallot)) == 1
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
