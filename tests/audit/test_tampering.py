"""``flask audit verify`` recomputes the records: each kind of tampering is named (#18).

The record is the demo moved on as the browser tests move it (``tests/browser/world.py``):
a recorded vote closed (the charter's, with a roll call), a secret election round
closed, signatures (one withdrawn), a resolution, an open vote with a ballot. Each
test then changes the database behind the platform's back, as someone holding the
database could, and ``flask audit verify`` must fail naming the record.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from network.charter.models import ArticleText
from network.cities.models import City, MembershipStatus
from network.db import db
from network.declarations.models import Signature
from network.resolutions.models import Resolution
from network.votes.models import Ballot, Participation, SealedBallot, Vote


@pytest.fixture
def world(app, database) -> dict[str, Any]:
    from tests.browser.world import _cast, build

    assert app.test_cli_runner().invoke(args=["network", "seed-demo"]).exit_code == 0
    with app.app_context():
        built = build()
        # A ballot sealed in the open runoff (a secret vote), for the checks of those.
        runoff = db.session.get(Vote, built["runoff"])
        _cast(runoff, {"seoul": runoff.options[0].label})
        db.session.commit()
        db.session.remove()
    return built


def verify(app) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    return result.exit_code, result.output


def tamper(app, change: Callable[[], Any]) -> None:
    with app.app_context():
        change()
        db.session.commit()
        db.session.remove()


def test_the_untouched_record_verifies(app, world):
    code, output = verify(app)
    assert code == 0, output
    assert "Records agree with it" in output


def _recorded_ballot(world):
    return db.session.scalars(
        sa.select(Ballot).where(Ballot.vote_id == world["charter_vote"]).order_by(Ballot.receipt)
    ).first()


def _secret_ballot(world):
    return db.session.scalars(
        sa.select(Ballot).where(Ballot.vote_id == world["first_round"]).order_by(Ballot.receipt)
    ).first()


def _other_option(vote_id: int, current: Any) -> Any:
    vote = db.session.get(Vote, vote_id)
    return next(option.id for option in vote.options if option.id != current)


TAMPERING: dict[str, tuple[Callable[[dict], Callable[[], Any]], str]] = {
    "a roll-call ballot's choice changed": (
        lambda w: (
            lambda: setattr(
                _recorded_ballot(w),
                "choice",
                "no" if _recorded_ballot(w).choice == "yes" else "yes",
            )
        ),
        "vote {charter_vote}: its ballots do not hash to the digest published at close",
    ),
    "a secret ballot's choice changed after closing": (
        lambda w: (
            lambda: setattr(
                _secret_ballot(w),
                "choice",
                _other_option(w["first_round"], _secret_ballot(w).choice),
            )
        ),
        "vote {first_round}: its ballots do not hash to the digest published at close",
    ),
    "a ballot deleted": (
        lambda w: lambda: db.session.delete(_recorded_ballot(w)),
        "vote {charter_vote}: 5 ballots stored for 6 cities that voted",
    ),
    "a ballot inserted without a participation": (
        lambda w: (
            lambda: db.session.add(
                Ballot(receipt="7KQ2-M9XD-4TPA-WRHN", vote_id=w["motion_vote"], choice="no")
            )
        ),
        "vote {motion_vote}: 2 ballots stored for 1 cities that voted",
    ),
    "a sealed ballot deleted from an open secret vote": (
        lambda w: (
            lambda: db.session.execute(
                sa.delete(SealedBallot).where(SealedBallot.vote_id == w["runoff"])
            )
        ),
        "vote {runoff}: 0 ballots stored for 1 cities that voted",
    ),
    "a participation deleted": (
        lambda w: (
            lambda: db.session.execute(
                sa.delete(Participation).where(Participation.vote_id == w["motion_vote"])
            )
        ),
        "ballot of seoul in vote {motion_vote}: its audit entry is there, the ballot gone",
    ),
    "a vote's stored result edited": (
        lambda w: (
            lambda: setattr(
                db.session.get(Vote, w["charter_vote"]),
                "result",
                {**db.session.get(Vote, w["charter_vote"]).result, "outcome": "defeated"},
            )
        ),
        "vote {charter_vote}: its stored result is not the result published at close",
    ),
    "a signature's signatory and city changed": (
        lambda w: (
            lambda: db.session.execute(
                sa.update(Signature)
                .where(Signature.verification_code == w["signature_code"])
                .values(
                    signatory_name="Someone Else",
                    city_id=sa.select(City.id).where(City.slug == "hamburg").scalar_subquery(),
                )
            )
        ),
        "signature {signature_code} of hamburg on joint-agreement-2018: city is 'hamburg', "
        "its entry says 'seoul'",
    ),
    "a withdrawal undone": (
        lambda w: (
            lambda: db.session.execute(
                sa.update(Signature)
                .where(Signature.withdrawn_at.is_not(None))
                .values(withdrawn_at=None, withdrawal_reason=None)
            )
        ),
        "its entry withdrew it, yet it stands",
    ),
    "a city's status set to suspended": (
        lambda w: (
            lambda: db.session.execute(
                sa.update(City)
                .where(City.slug == "vienna")
                .values(status=MembershipStatus.suspended)
            )
        ),
        "city vienna: its status is suspended, its latest audit entry says member",
    ),
    "a resolution's title changed": (
        lambda w: (
            lambda: db.session.execute(
                sa.update(Resolution).values(title="Something else was decided")
            )
        ),
        "title is 'Something else was decided', its entry says",
    ),
    "an article of the charter in force rewritten": (
        lambda w: (
            lambda: db.session.execute(
                sa.update(ArticleText)
                .where(ArticleText.language == "en")
                .values(body="The network serves its chair alone.")
            )
        ),
        "charter version 1: articles [",
    ),
}


@pytest.mark.parametrize("kind", list(TAMPERING))
def test_each_tampering_is_named(app, world, kind):
    make_change, expected = TAMPERING[kind]
    tamper(app, make_change(world))
    code, output = verify(app)
    assert code == 1, output
    assert expected.format(**world) in output, output


def test_an_edited_ballot_entry_is_a_broken_chain_not_a_missing_entry(app, world):
    from network.audit.models import AuditEntry

    def forge() -> None:
        entry = db.session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.action == "vote.ballot_cast")
            .order_by(AuditEntry.seq.desc())
        ).first()
        entry.data = {"city": "hamburg"}

    tamper(app, forge)
    code, output = verify(app)
    assert code == 1
    assert "Audit chain BROKEN at entry" in output
    assert "no audit entry" not in output
