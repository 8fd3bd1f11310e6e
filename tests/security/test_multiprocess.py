"""Simultaneous requests from several OS processes on one PostgreSQL database.

Each worker is a separate process (the ``spawn`` start method: nothing shared but the
database) that builds its own app with ``create_app``, logs in, waits at a barrier with
the others and then sends its one request, so the requests really collide, as they do
between gunicorn workers or machines. The thread-based tests in ``tests/votes`` and
``tests/motions`` share one process's connection pool; these share nothing.
"""

from __future__ import annotations

import multiprocessing
import re
from collections import Counter
from typing import Any

import pytest
import sqlalchemy as sa

from network.db import db
from network.declarations.models import Signature
from network.resolutions.models import Resolution
from network.votes.models import Ballot, Participation
from tests.conftest import PASSWORD, Factory, log_in, on_postgres

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not on_postgres(),
        reason="concurrency is proved on PostgreSQL (set TEST_DATABASE_URL); SQLite "
        "serialises every writer",
    ),
]
WORKERS = 6
TIMEOUT = 120


def worker(
    database_url: str,
    email: str,
    secret: str | None,
    path: str,
    data: dict[str, str],
    barrier: Any,
    answers: Any,
) -> None:
    """Log in as ``email`` in an app of this process, wait for the others, then post."""
    from network import create_app
    from tests.conftest import log_in

    app = create_app("testing", {"DATABASE_URL": database_url, "RATELIMIT_ENABLED": False})
    client = app.test_client()
    login = log_in(client, email, secret=secret)
    if login.status_code != 302 or client.get("/account").status_code != 200:
        barrier.abort()
        answers.put((email, -1, login.get_data(as_text=True)[:500]))
        return
    barrier.wait(timeout=TIMEOUT)
    response = client.post(path, data=data)
    answers.put((email, response.status_code, response.get_data(as_text=True)))


def run_together(app, requests: list[tuple[Any, str, dict[str, str]]]) -> list[tuple[int, str]]:  # noqa: ANN001
    """Run ``(user, path, data)`` requests in as many processes at once; return the answers."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(requests))
    answers = context.Queue()
    url = app.config["DATABASE_URL"]
    processes = [
        context.Process(
            target=worker,
            args=(url, user.email, user.totp_secret, path, data, barrier, answers),
        )
        for user, path, data in requests
    ]
    for process in processes:
        process.start()
    results = [answers.get(timeout=TIMEOUT) for _ in processes]
    for process in processes:
        process.join(timeout=TIMEOUT)
        assert process.exitcode == 0
    assert all(status != -1 for _email, status, _body in results), results
    return [(status, body) for _email, status, body in results]


def login(app, user):  # noqa: ANN001, ANN201
    client = app.test_client()
    assert log_in(client, user.email, secret=user.totp_secret).status_code == 302
    return client


def count(app, model: type) -> int:  # noqa: ANN001
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def audit_verifies(app) -> bool:  # noqa: ANN001
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    return result.exit_code == 0


def test_ballots_of_one_city_from_several_processes_leave_exactly_one(committed_app):
    make = Factory(committed_app)
    seoul = make.city("Seoul")
    make.city("Hamburg", country="DE")
    delegates = [make.delegate(seoul, name=f"Seoul Delegate {n}") for n in range(WORKERS)]
    staff = login(committed_app, make.secretariat())
    number = int(staff.post("/secretariat/charter/drafts").location.split("/")[-1])
    staff.post(
        f"/secretariat/charter/{number}/articles/new",
        data={
            "number": "1",
            "texts-0-language": "en",
            "texts-0-title": "Purpose",
            "texts-0-body": "Decent work in cities.",
        },
    )
    vote = staff.post(f"/secretariat/charter/{number}/vote", data={"secrecy": "recorded"})
    vote_id = int(vote.location.split("/")[-1])

    answers = run_together(
        committed_app,
        [(d, f"/votes/{vote_id}/ballot", {"choice": "yes", "step": "confirm"}) for d in delegates],
    )

    assert Counter(status for status, _ in answers) == {302: 1, 409: WORKERS - 1}
    assert all("Your city has already voted" in body for status, body in answers if status == 409)
    assert count(committed_app, Participation) == 1
    assert count(committed_app, Ballot) == 1
    assert audit_verifies(committed_app)


def test_signatures_of_one_city_from_several_processes_leave_exactly_one(committed_app):
    make = Factory(committed_app)
    seoul = make.city("Seoul")
    delegates = [
        make.delegate(seoul, name=f"Seoul Signatory {n}", signing_authority=True)
        for n in range(WORKERS)
    ]
    staff = login(committed_app, make.secretariat())
    response = staff.post(
        "/secretariat/declarations/new",
        data={
            "slug": "joint-agreement",
            "authoritative_language": "en",
            "texts-0-language": "en",
            "texts-0-title": "Joint agreement",
            "texts-0-preamble": "Cities can lead.",
            "texts-0-commitments": "We pay a living wage.",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert staff.post("/secretariat/declarations/joint-agreement/open").status_code == 302
    form = {"signatory_name": "Park", "signatory_title": "Mayor of Seoul", "password": PASSWORD}

    answers = run_together(
        committed_app,
        [(d, "/declarations/joint-agreement/sign", form) for d in delegates],
    )

    statuses = Counter(status for status, _ in answers)
    assert statuses[302] == 1, statuses
    refusals = [body for status, body in answers if status != 302]
    assert all(re.search(r"Seoul has already signed", body) for body in refusals), statuses
    assert {status for status, _ in answers} <= {302, 409}
    assert count(committed_app, Signature) == 1
    assert audit_verifies(committed_app)


def test_closing_carried_motions_from_several_processes_numbers_them_without_gaps(committed_app):
    make = Factory(committed_app)
    seoul, hamburg = make.city("Seoul"), make.city("Hamburg", country="DE")
    proposer = login(committed_app, make.delegate(seoul))
    seconder = login(committed_app, make.delegate(hamburg))
    officers = [make.secretariat(name=f"Officer {n}") for n in range(WORKERS)]
    staff = login(committed_app, officers[0])
    votes = []
    for n in range(WORKERS):
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
        assert seconder.post(f"{motion}/second").status_code == 302
        vote = staff.post(f"{motion}/vote", data={"secrecy": "recorded"}).location
        for delegate in (proposer, seconder):
            assert (
                delegate.post(
                    f"{vote}/ballot", data={"choice": "yes", "step": "confirm"}
                ).status_code
                == 302
            )
        votes.append(vote)

    answers = run_together(
        committed_app,
        [(officer, f"{vote}/close", {}) for officer, vote in zip(officers, votes, strict=True)],
    )

    assert [status for status, _ in answers] == [302] * WORKERS
    with committed_app.app_context():
        numbers = list(db.session.execute(sa.select(Resolution.year, Resolution.sequence)))
    assert len({year for year, _ in numbers}) == 1
    assert sorted(sequence for _, sequence in numbers) == list(range(1, WORKERS + 1))
    assert audit_verifies(committed_app)
