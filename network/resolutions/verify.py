"""The register's check of the record (``flask audit verify``).

Each resolution equals what its ``resolution.registered`` entry says (title, kind,
mode, date, vote, meeting, text), and no registered number is missing.
"""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa

from network.audit.verification import check, differences, latest_by
from network.db import db
from network.resolutions.models import Resolution


@check("resolutions: each as its audit entry says, none missing")
def resolutions_against_their_entries() -> Iterator[str]:
    """Compare every resolution with the entry that registered it."""
    registered = latest_by(lambda entry: entry.subject_id, "resolution.registered")
    numbers = set()
    for resolution in db.session.scalars(sa.select(Resolution).order_by(Resolution.id)):
        numbers.add(resolution.number)
        label = f"resolution {resolution.number}"
        entry = registered.get(resolution.number)
        if entry is None:
            yield f"{label}: no audit entry records it"
            continue
        stored = {
            "title": resolution.title,
            "kind": resolution.kind.value,
            "mode": resolution.mode.value,
            "adopted_on": resolution.adopted_on.isoformat(),
            "vote": resolution.vote_id,
            "meeting": resolution.meeting_id,
            "text": resolution.text,
        }
        yield from differences(label, stored, entry.data)
    for number in registered.keys() - numbers:
        yield f"resolution {number}: registered, and gone"
