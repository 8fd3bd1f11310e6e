"""Password hashing with argon2, tuned by the configuration."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app

# Verified against when an e-mail address has no account, so that a wrong address
# costs as much time as a wrong password and login answers reveal nothing.
_DUMMY_PASSWORD = "not-a-real-password-only-for-timing"


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"],
        memory_cost=config["ARGON2_MEMORY_COST"],
        parallelism=config["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    """Return the argon2id hash of ``password``."""
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Tell whether ``password`` matches; with no hash, spend the same time and say no."""
    hasher = _hasher()
    if password_hash is None:
        hasher.hash(_DUMMY_PASSWORD)
        return False
    try:
        return hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
