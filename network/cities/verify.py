"""The cities' check of the record (``flask audit verify``): each city's status.

A city's membership status is the one its latest ``city.created`` or
``city.status_changed`` entry gave it, and every city has such an entry.
"""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa

from network.audit.verification import check, latest_by
from network.cities.models import City
from network.db import db


@check("cities: each city's membership status as its latest audit entry says")
def statuses_against_their_entries() -> Iterator[str]:
    """Compare each city's status with the one its latest entry recorded."""
    latest = latest_by(lambda entry: entry.subject_id, "city.created", "city.status_changed")
    for slug, status in db.session.execute(sa.select(City.slug, City.status).order_by(City.slug)):
        entry = latest.get(slug)
        if entry is None:
            yield f"city {slug}: no audit entry records it"
            continue
        said = entry.data["status"] if entry.action == "city.created" else entry.data["to"]
        if status.value != said:
            yield f"city {slug}: its status is {status.value}, its latest audit entry says {said}"
    stored = set(db.session.scalars(sa.select(City.slug)))
    for slug in latest.keys() - stored:
        yield f"city {slug}: recorded, and gone"
