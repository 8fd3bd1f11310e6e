"""Secret ballots sealed while their vote is open, so that nothing stored links them to a city.

The threat: someone who holds the database (its files, its WAL, a backup, a replica)
but not the application's keys. A secret ballot written in the same transaction as
its city's participation can be paired with it by anyone who reads the files:
PostgreSQL keeps the writing transaction's id on every row version (``xmin``), live
or dead; SQLite keeps old pages in its free list and journal; both keep the order of
insertion. Rewriting the ballots at the count does not erase the first versions.

So a secret ballot's content is never written in the clear while the vote is open.
Casting writes, with the participation, only a *sealed* ballot: the receipt and the
choice encrypted with AES-256-GCM under the vote's own key (bound to the vote's id),
and a keyed tag of the receipt (HMAC-SHA-256) by which the receipt can be looked up.
The vote's key is derived (HKDF-SHA-256) from the application's ``BALLOT_KEY``, which
is configured outside the database, and a random salt stored with the vote. At the
count, in the closing transaction, the sealed ballots are opened, shuffled with the
system's random source, and written as the published ballots (receipt and choice,
no city, no time); the sealed rows are deleted. The published rows then share one
transaction, in an order that owes nothing to the order of casting, and carry no
reference to the sealed rows. A dead sealed row still shows which city's transaction
wrote it, but only ciphertext and a tag that cannot be computed without the key.

What this does not do: someone who holds both the database and ``BALLOT_KEY`` can
open the dead sealed rows and link them again, and the running application sees
each ballot as it is cast. SECURITY.md says so. Removing that last link needs
homomorphic tallying or a verifiable shuffle with keys held by several trustees
(Helios), which this platform does not attempt.
"""

from __future__ import annotations

import hmac
import json
import os
from hashlib import sha256
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

NONCE_BYTES = 12
SALT_BYTES = 16
INFO = b"dwcn secret ballot seal v1"


def new_salt() -> bytes:
    """Return a fresh random salt for a vote's key."""
    return os.urandom(SALT_BYTES)


def vote_key(ballot_key: str, salt: bytes) -> bytes:
    """Derive a vote's 256-bit key from the application's ballot key and the vote's salt."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=INFO).derive(
        ballot_key.encode()
    )


def _bound_to(vote_id: int) -> bytes:
    return f"vote:{vote_id}".encode()


def seal(key: bytes, vote_id: int, receipt: str, choice: Any) -> bytes:
    """Encrypt a ballot (receipt and choice) for one vote; a fresh nonce each time."""
    nonce = os.urandom(NONCE_BYTES)
    plain = json.dumps([receipt, choice], separators=(",", ":")).encode()
    return nonce + AESGCM(key).encrypt(nonce, plain, _bound_to(vote_id))


def unseal(key: bytes, vote_id: int, sealed: bytes) -> tuple[str, Any]:
    """Open a sealed ballot of this vote; raise ``InvalidTag`` if it is not one."""
    nonce, cipher = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:]
    receipt, choice = json.loads(AESGCM(key).decrypt(nonce, cipher, _bound_to(vote_id)))
    return receipt, choice


def receipt_tag(key: bytes, receipt: str) -> str:
    """Return the keyed tag by which a sealed ballot is found from its receipt."""
    return hmac.new(key, receipt.encode(), sha256).hexdigest()
