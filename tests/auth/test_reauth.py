"""Re-authentication: certifying, withdrawing a signature and changing roles ask the password."""

from __future__ import annotations

import re

from network.auth.models import User
from network.db import db
from network.declarations.models import Signature
from tests.conftest import PASSWORD
from tests.declarations.test_story import (
    open_declaration,
    people,  # noqa: F401 - fixture
    sign,
)
from tests.elections.test_story import (
    cast,
    close,
    council,  # noqa: F401 - fixture
    election,
    open_election,
    start_ballot,
)


def test_certifying_a_result_needs_the_officers_password(app, council, ledger):  # noqa: F811
    officer = council["secretariat"]
    election_id = open_election(officer)
    vote_id = start_ballot(app, council, election_id, [("Seoul", "seoul")])
    cast(app, council, vote_id, {name: "Seoul" for name in ("Seoul", "Milan", "London", "Vienna")})
    close(council, vote_id)
    page = officer.get(f"/elections/{election_id}").get_data(as_text=True)
    assert 'name="password" type="password"' in page
    before = ledger.audit_seq()

    for password in ("", "not my password"):
        officer.post(f"/secretariat/elections/{election_id}/certify", data={"password": password})
        assert election(app, election_id)["certified"] is False
        assert ledger.audit_seq() == before
    refused = officer.get(f"/elections/{election_id}").get_data(as_text=True)
    assert "The password is not correct." in refused

    officer.post(f"/secretariat/elections/{election_id}/certify", data={"password": PASSWORD})
    assert election(app, election_id)["certified"] is True


def test_withdrawing_a_signature_needs_the_officers_password(app, people, ledger):  # noqa: F811
    officer = people["secretariat"]
    slug = open_declaration(officer)
    assert sign(people["seoul"], slug).status_code == 302
    page = officer.get(f"/secretariat/declarations/{slug}").get_data(as_text=True)
    action = re.search(r'action="(/secretariat/declarations/[^"]+/withdraw)"', page).group(1)
    before = ledger.audit_seq()

    officer.post(action, data={"reason": "Signed by mistake", "password": "not my password"})
    assert ledger.audit_seq() == before
    with app.app_context():
        assert db.session.scalars(db.select(Signature)).one().withdrawn_at is None

    officer.post(action, data={"reason": "Signed by mistake", "password": PASSWORD})
    with app.app_context():
        assert db.session.scalars(db.select(Signature)).one().withdrawn_at is not None


def test_changing_a_role_needs_the_officers_password(app, make, as_user, ledger):
    observer = make.observer(name="Lena Berg")
    officer = as_user(make.secretariat())
    form = {"name": "Lena Berg", "role": "secretariat", "city": "", "organisation": ""}
    before = ledger.snapshot()

    for password in ("", "not my password"):
        response = officer.post(
            f"/secretariat/accounts/{observer.id}", data=form | {"password": password}
        )
        assert response.status_code == 422
        assert ledger.snapshot() == before
    assert "The password is not correct." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, observer.id).role.value == "observer"

    response = officer.post(
        f"/secretariat/accounts/{observer.id}", data=form | {"password": PASSWORD}
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, observer.id).role.value == "secretariat"


def test_wrong_passwords_for_sensitive_actions_are_throttled_together(
    app, make, as_user, ledger, rate_limits
):
    observer = make.observer(name="Lena Berg")
    officer = as_user(make.secretariat())
    account_url = f"/secretariat/accounts/{observer.id}"
    form = {"name": "Lena Berg", "role": "observer", "city": "", "organisation": ""}
    for _attempt in range(4):
        assert officer.post(account_url, data=form | {"password": "wrong"}).status_code == 422
    reset_url = f"/secretariat/accounts/{observer.id}/two-factor/reset"
    officer.post(reset_url, data={"reset-password": "wrong"})  # the fifth, on another action
    blocked = officer.post(account_url, data=form | {"password": PASSWORD, "name": "Lena B."})
    assert blocked.status_code == 429
    with app.app_context():
        assert db.session.get(User, observer.id).name == "Lena Berg"
