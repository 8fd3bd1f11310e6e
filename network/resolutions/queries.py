"""Reads of the register."""

from __future__ import annotations

import sqlalchemy as sa

from network.db import db
from network.resolutions.models import Resolution


def by_year_and_sequence(year: int, sequence: int) -> Resolution | None:
    """Return the resolution ``DWCN/RES/<year>/<sequence>``."""
    return db.session.scalar(
        sa.select(Resolution).where(Resolution.year == year, Resolution.sequence == sequence)
    )
