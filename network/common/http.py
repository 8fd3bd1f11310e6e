"""Small request helpers: the client address and safe redirect targets."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from flask import request
from flask_babel import gettext as _

from network.common.errors import BadParameter


def client_address() -> str:
    """Return the client's address (proxy headers count only when TRUST_PROXY_HOPS is set)."""
    return request.remote_addr or "unknown"


def is_safe_next(target: str | None) -> bool:
    """Tell whether ``target`` is a path on this site, fit for a post-login redirect."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(char) < 32 for char in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def small_int(raw: str | None, digits: int = 9) -> int | None:
    """Read a non-negative whole number of ASCII digits (at most ``digits``), else None.

    ``str.isdigit`` also accepts superscripts and other digits ``int`` refuses.
    """
    if raw and len(raw) <= digits and raw.isascii() and raw.isdigit():
        return int(raw)
    return None


SEARCH_MAX_LENGTH = 100


def search_text(raw: str | None) -> str | None:
    """Return a search box's text as a query can use it, or None when nothing is left.

    Control characters go (no name holds one, and PostgreSQL refuses NUL in text),
    spaces at either end go, and at most ``SEARCH_MAX_LENGTH`` characters are kept.
    """
    text = "".join(c for c in raw or "" if c.isprintable() or c.isspace()).strip()
    return text[:SEARCH_MAX_LENGTH] or None


def strict_enum(enum_class: type, args: Mapping[str, str], name: str) -> Any:
    """Read ``args[name]`` as a member of ``enum_class`` (None when absent or empty).

    :raises BadParameter: naming the allowed values, when it is none of them.
    """
    raw = args.get(name)
    if not raw:
        return None
    try:
        return enum_class(raw)
    except ValueError:
        allowed = ", ".join(member.value for member in enum_class)
        raise BadParameter(
            _("“%(name)s” must be one of: %(allowed)s.", name=name, allowed=allowed)
        ) from None


def strict_country(args: Mapping[str, str]) -> str | None:
    """Read ``args["country"]`` as an ISO 3166-1 alpha-2 code, upper case (None when absent).

    :raises BadParameter: when it is not two ASCII letters.
    """
    country = (args.get("country") or "").strip()
    if country and not (len(country) == 2 and country.isascii() and country.isalpha()):
        raise BadParameter(_("“country” must be an ISO 3166-1 alpha-2 code."))
    return country.upper() or None
