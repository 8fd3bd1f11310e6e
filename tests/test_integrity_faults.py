"""Only the one-per-city rule is answered "already done"; other integrity errors are faults (#21).

A primary key that collides (as after a database restored without its sequences) used
to tell a city it had signed, or voted, when it had not. The collision is injected by
giving the new row the id of an existing one, on both databases.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from network.declarations.models import Signature
from network.votes.models import Participation
from tests.charter.test_story import council, draft_with_articles, put_to_vote, vote  # noqa: F401
from tests.declarations.test_story import open_declaration, sign
from tests.declarations.test_story import people as signatories  # noqa: F401 - fixture


@contextmanager
def colliding_ids(model: type, taken: int):
    """Give every new row of ``model`` the id ``taken``, already used."""

    def reuse(mapper, connection, target) -> None:  # noqa: ANN001
        target.id = taken

    sa.event.listen(model, "before_insert", reuse)
    try:
        yield
    finally:
        sa.event.remove(model, "before_insert", reuse)


@pytest.fixture
def as_in_production(app, monkeypatch):
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)


def test_a_ballot_whose_row_collides_is_not_told_it_voted(app, council, ledger, as_in_production):  # noqa: F811
    officer = council["secretariat"]
    vote_id = put_to_vote(officer, draft_with_articles(officer))
    assert vote(council["Seoul"], vote_id, "yes").status_code == 302  # cast, to the vote
    with app.app_context():
        from network.db import db

        taken = db.session.scalar(sa.select(Participation.id))
    before = ledger.snapshot()
    with colliding_ids(Participation, taken):
        answer = vote(council["Hamburg"], vote_id, "no")
    assert answer.status_code == 500
    assert "already voted" not in answer.get_data(as_text=True)
    assert ledger.snapshot() == before  # nothing written
    assert vote(council["Hamburg"], vote_id, "no").status_code == 302  # and it works after
    # The one-per-city rule itself is still answered as such.
    again = vote(council["Hamburg"], vote_id, "yes")
    assert again.status_code == 409 and "already voted" in again.get_data(as_text=True)


def test_a_signature_whose_row_collides_is_not_told_it_signed(
    app,
    signatories,  # noqa: F811 - the fixture
    ledger,
    as_in_production,
):
    people = signatories
    slug = open_declaration(people["secretariat"])
    assert sign(people["seoul"], slug).status_code == 302
    with app.app_context():
        from network.db import db

        taken = db.session.scalar(sa.select(Signature.id))
    before = ledger.snapshot()
    with colliding_ids(Signature, taken):
        answer = sign(people["hamburg"], slug, signatory_name="Mayor of Hamburg")
    assert answer.status_code == 500
    assert "already signed" not in answer.get_data(as_text=True)
    assert ledger.snapshot() == before
    assert sign(people["hamburg"], slug, signatory_name="Mayor of Hamburg").status_code == 302
    again = sign(people["seoul-2"], slug)
    assert again.status_code == 409 and "already signed" in again.get_data(as_text=True)
