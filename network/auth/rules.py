"""Accounts' pure rules: password strength, and the second factor's keys and codes.

Passwords (ASVS 2.1.7): besides their length, a password that a guesser would try
early is refused. zxcvbn estimates how many guesses one needs, from lists of common
passwords, words and names, and patterns (repeats, sequences, keyboard rows, dates);
the account's own name and address count as words. A password must need about 10^8
guesses (zxcvbn's score 3): beyond an online attack, and costly offline against
argon2. The estimate runs here, offline: no password leaves the server.

The second factor's authenticator keys, time-based codes and recovery codes:

Codes follow RFC 6238 (30-second steps, six digits, SHA-1 — what every authenticator
app speaks). A code is accepted one step early or late, for clocks that drift, and
only for a step newer than the last one accepted, so an overheard code can't be
replayed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum

import pyotp
from zxcvbn import zxcvbn

MIN_PASSWORD_SCORE = 3  # zxcvbn: about 10^8 guesses


class Weakness(StrEnum):
    """What makes a password easy to guess, to tell its owner."""

    common = "common"  # among the most used passwords
    personal = "personal"  # holds the account's name or address
    repeats = "repeats"  # aaaa, abcabc
    sequence = "sequence"  # abcd, 1234
    keyboard = "keyboard"  # qwerty, asdf
    dates = "dates"  # years and dates
    words = "words"  # a few common words or names, little else


def password_weakness(password: str, personal: Iterable[str] = ()) -> Weakness | None:
    """Say what makes ``password`` too easy to guess, or None when it is strong enough.

    :param personal: words of the account (its name, its e-mail address) that a guesser
        of this account would try first.
    """
    words = [part for item in personal for part in re.split(r"[\s@._+-]+", item.lower()) if part]
    # The length is checked before (at most 128): ~0.1 s for the longest, once per change.
    result = zxcvbn(password, user_inputs=words, max_length=max(72, len(password)))
    folded = password.casefold()
    own = sum(len(word) for word in set(words) if len(word) >= 3 and word in folded)
    if own * 2 >= len(password):  # mostly the account's own name: tried first, whatever else
        return Weakness.personal
    if result["score"] >= MIN_PASSWORD_SCORE:
        return None
    patterns = [match["pattern"] for match in result["sequence"]]
    dictionaries = {match.get("dictionary_name") for match in result["sequence"]}
    if "user_inputs" in dictionaries:
        return Weakness.personal
    if "passwords" in dictionaries:
        return Weakness.common
    for pattern, weakness in (
        ("repeat", Weakness.repeats),
        ("sequence", Weakness.sequence),
        ("spatial", Weakness.keyboard),
        ("date", Weakness.dates),
        ("regex", Weakness.dates),  # zxcvbn's only regex is "recent year"
    ):
        if pattern in patterns:
            return weakness
    return Weakness.words


RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/i/l
RECOVERY_LENGTH = 10  # about 50 bits each
_CODE = re.compile(r"[0-9]{6}")
_SEPARATORS = re.compile(r"[\s-]+")


def setup_secret(server_key: str, account_id: int, nonce: str) -> str:
    """Return the key offered while an account sets up its authenticator.

    Derived on the server from its secret key, the account and a random nonce kept in
    the session, so that the key itself never travels in the (signed, not encrypted)
    session cookie.
    """
    message = f"totp-setup:{account_id}:{nonce}".encode()
    digest = hmac.new(server_key.encode(), message, hashlib.sha256).digest()
    return base64.b32encode(digest[:20]).decode()


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """Return the ``otpauth://`` address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def grouped(secret: str) -> str:
    """Return the key in groups of four, for typing it in by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def accepted_step(secret: str, code: str, *, now: datetime, last_step: int | None) -> int | None:
    """Return the time step ``code`` belongs to, or None when it is not accepted.

    Accepted: six digits matching the step before, at or after ``now``, newer than
    ``last_step``.
    """
    code = _SEPARATORS.sub("", code)
    if not _CODE.fullmatch(code):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current - 1, current, current + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def new_recovery_codes(count: int) -> list[str]:
    """Return ``count`` fresh recovery codes, written ``xxxxx-xxxxx``."""
    codes = []
    for _ in range(count):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def normalise_recovery_code(text: str) -> str | None:
    """Return a typed recovery code without spaces, hyphens or capitals; None if it can't be one."""
    raw = _SEPARATORS.sub("", text).lower()
    if len(raw) != RECOVERY_LENGTH or any(ch not in RECOVERY_ALPHABET for ch in raw):
        return None
    return raw
