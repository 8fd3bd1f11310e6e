"""What the sitemap lists: the addresses of every public record, a few columns each."""

from __future__ import annotations

import sqlalchemy as sa

from network.charter.models import CharterVersion, VersionStatus
from network.cities.models import City
from network.db import db
from network.declarations.models import Declaration, DeclarationStatus
from network.elections.models import Election
from network.resolutions.models import Resolution


def public_addresses() -> dict[str, list]:
    """Return the keys of the public records, by kind (one query each)."""
    return {
        "cities": db.session.scalars(sa.select(City.slug).order_by(City.slug)).all(),
        "charter_versions": db.session.scalars(
            sa.select(CharterVersion.number)
            .where(CharterVersion.status != VersionStatus.draft)
            .order_by(CharterVersion.number)
        ).all(),
        "elections": db.session.scalars(sa.select(Election.id).order_by(Election.id)).all(),
        "resolutions": db.session.execute(
            sa.select(Resolution.year, Resolution.sequence).order_by(
                Resolution.year, Resolution.sequence
            )
        ).all(),
        "declarations": db.session.scalars(
            sa.select(Declaration.slug)
            .where(Declaration.status != DeclarationStatus.draft)
            .order_by(Declaration.slug)
        ).all(),
    }
