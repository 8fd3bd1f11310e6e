"""The declarations' checks of the record (``flask audit verify``).

Each signature equals what its ``declaration.signed`` entry says (declaration, city,
signatory, title, date, how, code), is withdrawn exactly when a
``declaration.signature_withdrawn`` entry says so and for the reason it gives, and
no signature that an entry records is gone.
"""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa

from network.audit.verification import check, differences, latest_by
from network.cities.models import City
from network.db import db
from network.declarations.models import Declaration, Signature


def _code(entry: object) -> str | None:
    return entry.data.get("verification_code")  # type: ignore[attr-defined]


@check("signatures: each as its audit entries say, none missing")
def signatures_against_their_entries() -> Iterator[str]:
    """Compare every signature with the entries that recorded and withdrew it."""
    signed = latest_by(_code, "declaration.signed")
    withdrawn = latest_by(_code, "declaration.signature_withdrawn")
    rows = db.session.execute(
        sa.select(Signature, City.slug, Declaration.slug)
        .join(City, Signature.city_id == City.id)
        .join(Declaration, Signature.declaration_id == Declaration.id)
        .order_by(Signature.id)
        .execution_options(yield_per=1000)
    )
    seen = set()
    for signature, city, declaration in rows:
        code = signature.verification_code
        seen.add(code)
        label = f"signature {code} of {city} on {declaration}"
        entry = signed.get(code)
        if entry is None:
            yield f"{label}: no audit entry records it"
            continue
        if entry.subject_id != declaration:
            yield f"{label}: its entry records it on {entry.subject_id}"
        stored = {
            "city": city,
            "signatory_name": signature.signatory_name,
            "signatory_title": signature.signatory_title,
            "signed_on": signature.signed_on.isoformat(),
            "mode": signature.mode.value,
            "verification_code": code,
        }
        yield from differences(label, stored, entry.data)
        withdrawal = withdrawn.get(code)
        if signature.withdrawn_at is not None and withdrawal is None:
            yield f"{label}: withdrawn, but no audit entry records the withdrawal"
        elif signature.withdrawn_at is None and withdrawal is not None:
            yield f"{label}: its entry withdrew it, yet it stands"
        elif withdrawal is not None and signature.withdrawal_reason != withdrawal.data["reason"]:
            yield f"{label}: the reason for its withdrawal is not the one recorded"
    for code in signed.keys() - seen:
        yield f"signature {code} of {signed[code].data.get('city')}: recorded, and gone"
