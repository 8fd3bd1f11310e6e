"""A database error in the middle of each state change leaves nothing half-written.

Each scenario prepares a state, then makes one real HTTP request that changes it. A dry
run counts the request's writes; then the request is repeated with the database failing
at each write in turn (just before it, the connection runs a statement the database
refuses, so the error is the driver's own and PostgreSQL aborts the transaction), at
the audit entry's insert, and at the commit. Every time the answer must be
the plain error page, and the database exactly as before: same rows, same audit head.
Finally the request runs without a fault and succeeds, so the faults hit a real change.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from network.cities.models import MembershipStatus
from tests.charter.test_story import draft_with_articles, put_to_vote
from tests.conftest import PASSWORD, Factory
from tests.declarations.test_story import open_declaration, sign
from tests.elections.test_story import cast, open_election, start_ballot
from tests.meetings.support import attendance_form
from tests.motions.test_story import propose
from tests.security.helpers import Rollback, audit_is_sound, fingerprint, row_counts

TODAY = datetime.now(UTC).date().isoformat()
WRITES = ("INSERT", "UPDATE", "DELETE")


# A statement the database itself refuses: the error comes from the driver, and on
# PostgreSQL the transaction is aborted, as with a real failure.
FAILING_STATEMENT = "SELECT * FROM injected_fault_no_such_table"


@dataclass
class Faults:
    """Watch the statements of one connection; fail one of them when armed."""

    connection: sa.Connection
    writes: list[str] = field(default_factory=list)
    fail_at: Callable[[str, int], bool] | None = None
    fired: bool = False

    def __post_init__(self) -> None:
        sa.event.listen(self.connection, "before_cursor_execute", self._before)

    def remove(self) -> None:
        sa.event.remove(self.connection, "before_cursor_execute", self._before)

    def _before(self, conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001, PLR0913
        text = statement.lstrip().upper()
        is_write = text.startswith(WRITES)
        if is_write:
            self.writes.append(statement)
        if self.fail_at is not None and not self.fired and self.fail_at(text, len(self.writes)):
            self.fired = True
            if text.startswith("RELEASE SAVEPOINT"):
                # A failed commit: the database ends the transaction, discarding its work
                # (here the app's savepoint stands for its transaction), and the driver
                # reports the error.
                cursor.execute("ROLLBACK TO SAVEPOINT " + statement.split()[-1])
                raise sa.exc.OperationalError(statement, {}, Exception("injected: commit failed"))
            cursor.execute(FAILING_STATEMENT)

    @contextmanager
    def armed(self, fail_at: Callable[[str, int], bool] | None) -> Iterator[Faults]:
        """Count the writes of the block, failing the first statement ``fail_at`` picks."""
        self.writes, self.fail_at, self.fired = [], fail_at, False
        try:
            yield self
        finally:
            self.fail_at = None


@dataclass
class Request:
    """The state-changing request of a scenario."""

    client: FlaskClient
    url: str
    data: dict[str, str] = field(default_factory=dict)

    def send(self):  # noqa: ANN201
        return self.client.post(self.url, data=self.data)


@dataclass
class Stage:
    """Three member cities, an applicant, their delegates (signing) and an officer."""

    app: Flask
    make: Factory
    people: dict[str, FlaskClient]
    users: dict[str, object]


@pytest.fixture
def stage(app, make, as_user) -> Stage:
    cities = {name: make.city(name, country="KR") for name in ("Seoul", "Hamburg", "London")}
    make.city("Setagaya", country="JP", status=MembershipStatus.applicant)
    users = {name: make.delegate(city, signing_authority=True) for name, city in cities.items()}
    users["secretariat"] = make.secretariat()
    users["other"] = make.delegate(cities["London"])
    people = {name: as_user(user) for name, user in users.items() if name != "other"}
    return Stage(app, make, people, users)


def charter_vote(stage: Stage) -> int:
    officer = stage.people["secretariat"]
    return put_to_vote(officer, draft_with_articles(officer))


def seconded_motion(stage: Stage, **data: str) -> int:
    motion_id = propose(stage.people["Seoul"], **data)
    assert stage.people["Hamburg"].post(f"/motions/{motion_id}/second").status_code == 302
    return motion_id


def invitation_link(stage: Stage) -> str:
    officer = stage.people["secretariat"]
    response = officer.post(
        "/secretariat/accounts/invite",
        data={"email": "new@example.org", "name": "New Person", "role": "observer", "city": ""},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    page = officer.get(response.location).get_data(as_text=True)
    return re.search(r"(/invitations/[\w.-]+)", page).group(1)


def signature_withdrawal(stage: Stage) -> Request:
    officer = stage.people["secretariat"]
    slug = open_declaration(officer)
    assert sign(stage.people["Seoul"], slug).status_code == 302
    page = officer.get(f"/secretariat/declarations/{slug}").get_data(as_text=True)
    action = re.search(r'action="(/secretariat/declarations/[^"]+/withdraw)"', page).group(1)
    return Request(officer, action, {"reason": "Signed for the wrong office", "password": PASSWORD})


def election_to_certify(stage: Stage) -> Request:
    officer = stage.people["secretariat"]
    election_id = open_election(officer)
    council = stage.people
    vote_id = start_ballot(stage.app, council, election_id, [("Seoul", "seoul")])
    cast(stage.app, council, vote_id, {"Seoul": "Seoul", "Hamburg": "Seoul", "London": "Seoul"})
    assert officer.post(f"/votes/{vote_id}/close").status_code == 302
    return Request(officer, f"/secretariat/elections/{election_id}/certify", {"password": PASSWORD})


def carried_vote(stage: Stage, vote_id: int) -> Request:
    for city in ("Seoul", "Hamburg", "London"):
        response = stage.people[city].post(
            f"/votes/{vote_id}/ballot", data={"choice": "yes", "step": "confirm"}
        )
        assert response.status_code == 302
    return Request(stage.people["secretariat"], f"/votes/{vote_id}/close")


def admission_vote(stage: Stage) -> Request:
    motion_id = seconded_motion(stage, kind="admission", city="setagaya")
    officer = stage.people["secretariat"]
    vote = officer.post(f"/motions/{motion_id}/vote", data={"secrecy": "recorded"}).location
    return carried_vote(stage, int(vote.rstrip("/").split("/")[-1]))


def meeting_decision(stage: Stage) -> Request:
    officer = stage.people["secretariat"]
    meeting = officer.post(
        "/meetings/new",
        data={
            "title": "Roundtable",
            "starts_at": "2018-12-12T13:30",
            "ends_at": "2018-12-12T15:30",
            "place": "Seoul",
        },
    ).location
    motion_id = seconded_motion(stage)
    officer.post(
        f"{meeting}/items", data={"kind": "motion", "title": "The motion", "motion": str(motion_id)}
    )
    roll = {"city_seoul": "yes", "city_hamburg": "yes", "city_london": "no"}
    present = {"seoul": "in-room", "hamburg": "in-room", "london": "online"}
    response = officer.post(f"{meeting}/attendance", data=attendance_form(stage.app, present))
    assert response.status_code == 302
    return Request(
        officer, f"{meeting}/decisions", {"motion": str(motion_id), "method": "roll-call", **roll}
    )


SCENARIOS: dict[str, Callable[[Stage], Request]] = {
    "a city's status change": lambda s: Request(
        s.people["secretariat"],
        "/secretariat/cities/hamburg/status",
        {"status": "suspended", "effective_on": TODAY, "reason": "Letter of the mayor"},
    ),
    "an invitation": lambda s: Request(
        s.people["secretariat"],
        "/secretariat/accounts/invite",
        {"email": "new@example.org", "name": "New", "role": "delegate", "city": "seoul"},
    ),
    "accepting an invitation": lambda s: Request(
        s.app.test_client(),
        invitation_link(s),
        {"password": "a long new passphrase", "confirm": "a long new passphrase"},
    ),
    "an account's role change": lambda s: Request(
        s.people["secretariat"],
        f"/secretariat/accounts/{s.users['other'].id}",
        {"name": "Other", "role": "observer", "city": "", "password": PASSWORD},
    ),
    "deactivating an account": lambda s: Request(
        s.people["secretariat"],
        f"/secretariat/accounts/{s.users['other'].id}/active",
        {"active": "0"},
    ),
    "casting a ballot": lambda s: Request(
        s.people["Seoul"], f"/votes/{charter_vote(s)}/ballot", {"choice": "yes", "step": "confirm"}
    ),
    "closing a charter vote: adoption and its resolution": lambda s: carried_vote(
        s, charter_vote(s)
    ),
    "closing an admission vote: resolution and the city admitted": admission_vote,
    "a nomination": lambda s: Request(
        s.people["Seoul"],
        f"/elections/{open_election(s.people['secretariat'])}/nominations",
        {"city": "hamburg"},
    ),
    "certifying an election": election_to_certify,
    "filing a motion": lambda s: Request(
        s.people["Seoul"],
        "/motions/new",
        {
            "title": "A motion",
            "kind": "ordinary",
            "text": "Text.",
            "city": "",
            "charter_version": "",
        },
    ),
    "seconding a motion": lambda s: Request(
        s.people["Hamburg"], f"/motions/{propose(s.people['Seoul'])}/second"
    ),
    "withdrawing a motion": lambda s: Request(
        s.people["Seoul"], f"/motions/{propose(s.people['Seoul'])}/withdraw"
    ),
    "a decision taken at a meeting": meeting_decision,
    "signing a declaration": lambda s: Request(
        s.people["Seoul"],
        f"/declarations/{open_declaration(s.people['secretariat'])}/sign",
        {"signatory_name": "Park", "signatory_title": "Mayor of Seoul", "password": PASSWORD},
    ),
    "withdrawing a signature": signature_withdrawal,
    "recording a signature made in person": lambda s: Request(
        s.people["secretariat"],
        f"/secretariat/declarations/{open_declaration(s.people['secretariat'])}/in-person",
        {
            "city": "hamburg",
            "signatory_name": "Hamburg Mayor",
            "signatory_title": "First Mayor of Hamburg",
            "signed_on": TODAY,
        },
    ),
}


def audit_head(connection: sa.Connection) -> tuple:
    from network.audit.models import AuditHead

    return tuple(connection.execute(sa.select(AuditHead)).one())


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_a_database_error_midway_leaves_nothing_half_written(
    app, database, stage, monkeypatch, scenario
):
    request = SCENARIOS[scenario](stage)
    faults = Faults(database)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # as in production
    try:
        with Rollback(database, request.client), faults.armed(None):
            response = request.send()
            assert response.status_code == 302, response.get_data(as_text=True)
            assert "flash-error" not in request.client.get(response.location).get_data(as_text=True)
        writes = list(faults.writes)
        assert any("audit_entries" in statement for statement in writes), writes

        points: list[tuple[str, Callable[[str, int], bool]]] = [
            (f"write {n} of {len(writes)}", lambda text, count, n=n: count == n)
            for n in range(1, len(writes) + 1)
        ]
        points.append(
            ("the audit entry", lambda text, count: "AUDIT_ENTRIES" in text.split("(")[0])
        )
        points.append(
            ("the commit", lambda text, count: count > 0 and text.startswith(("RELEASE", "COMMIT")))
        )
        for where, fail_at in points:
            with Rollback(database, request.client):
                before = fingerprint(database), row_counts(database), audit_head(database)
                with faults.armed(fail_at):
                    response = request.send()
                assert faults.fired, where
                html = response.get_data(as_text=True)
                assert response.status_code == 500, (where, html[:300])
                assert "Something went wrong" in html and "Traceback" not in html, where
                after = fingerprint(database), row_counts(database), audit_head(database)
                assert after == before, f"half-written after a fault at {where}"
    finally:
        faults.remove()

    before = fingerprint(database)
    response = request.send()
    assert response.status_code == 302
    assert fingerprint(database) != before
    assert audit_is_sound(app) == []
