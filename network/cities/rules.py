"""Pure rules of membership: which status changes are allowed, how slugs look."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from network.cities.models import MembershipStatus as S

# SPEC "Member cities": applicant → member → suspended / withdrawn, and back to
# member. An applicant may also withdraw its application.
ALLOWED_TRANSITIONS: dict[S, frozenset[S]] = {
    S.applicant: frozenset({S.member, S.withdrawn}),
    S.member: frozenset({S.suspended, S.withdrawn}),
    S.suspended: frozenset({S.member, S.withdrawn}),
    S.withdrawn: frozenset({S.member}),
}

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX_LENGTH = 64


def can_change_status(current: S, target: S) -> bool:
    """Tell whether a city may move from ``current`` to ``target``."""
    return target in ALLOWED_TRANSITIONS[current]


def allowed_targets(current: S) -> list[S]:
    """Return the statuses a city may move to, in the enum's order."""
    return [status for status in S if status in ALLOWED_TRANSITIONS[current]]


def starts_membership(current: S | None, target: S) -> bool:
    """Tell whether a change begins a membership (admission or re-admission).

    Reinstatement after a suspension continues the membership that was suspended.
    """
    return target is S.member and current in (None, S.applicant, S.withdrawn)


def is_valid_effective_date(effective_on: date, last_change_on: date | None, today: date) -> bool:
    """Tell whether a change may take effect then: not after today, not before the last one."""
    if effective_on > today:
        return False
    return last_change_on is None or effective_on >= last_change_on


def name_key(name: str) -> str:
    """Fold a name for comparison: Unicode-normalised, case-folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def slugify(name: str) -> str:
    """Derive a URL slug from an English name: ``"New York"`` → ``"new-york"``.

    Returns an empty string when nothing Latin is left (the slug must then be given).
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:SLUG_MAX_LENGTH].rstrip("-")


def is_valid_slug(slug: str) -> bool:
    """Tell whether ``slug`` is lowercase letters and digits joined by single hyphens."""
    return len(slug) <= SLUG_MAX_LENGTH and bool(SLUG_PATTERN.match(slug))


def is_country_code(code: str) -> bool:
    """Tell whether ``code`` is an ISO 3166-1 alpha-2 country code (upper case)."""
    import pycountry

    return len(code) == 2 and code.isupper() and pycountry.countries.get(alpha_2=code) is not None


def is_language_tag(tag: str) -> bool:
    """Tell whether ``tag`` names a language Babel knows (``ko``, ``de``, ``zh_Hant``)."""
    from babel import Locale, UnknownLocaleError

    if not re.fullmatch(r"[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*", tag):
        return False
    try:
        Locale.parse(tag.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return False
    return True
