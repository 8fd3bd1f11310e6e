"""Check that every ballot, signature and resolution has its audit entry."""

from __future__ import annotations

import sqlalchemy as sa

from network.audit.models import AuditEntry
from network.cities.models import City
from network.db import db
from network.declarations.models import Signature
from network.resolutions.models import Resolution
from network.votes.models import Participation


def _entries(action: str) -> sa.ScalarResult[AuditEntry]:
    statement = (
        sa.select(AuditEntry).where(AuditEntry.action == action).execution_options(yield_per=1000)
    )
    return db.session.scalars(statement)


def missing_entries() -> list[str]:
    """Name each record of state that the audit log does not account for."""
    problems: list[str] = []
    with _entries("vote.ballot_cast") as entries:
        audited = {(int(e.subject_id), e.data.get("city")) for e in entries}
    cast = db.session.execute(
        sa.select(Participation.vote_id, City.slug).join(City, Participation.city_id == City.id)
    )
    problems += [
        f"ballot of {slug} in vote {vote_id}"
        for vote_id, slug in cast
        if (vote_id, slug) not in audited
    ]
    with _entries("declaration.signed") as entries:
        audited_codes = {e.data.get("verification_code") for e in entries}
    problems += [
        f"signature {code}"
        for code in db.session.scalars(sa.select(Signature.verification_code))
        if code not in audited_codes
    ]
    with _entries("resolution.registered") as entries:
        audited_numbers = {e.subject_id for e in entries}
    problems += [
        f"resolution {number}"
        for number in db.session.scalars(sa.select(Resolution.number))
        if number not in audited_numbers
    ]
    return problems
