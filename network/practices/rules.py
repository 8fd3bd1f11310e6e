"""Pure rules of practices: who writes, who reads drafts, what a link may be."""

from __future__ import annotations

from typing import Any, Protocol
from urllib.parse import urlsplit

MAX_LINKS = 10
LINK_MAX_LENGTH = 500


class Person(Protocol):
    """What the rules read of an account (``network.auth.models.User``)."""

    role: Any
    city_id: int | None
    is_authenticated: bool


def writes_for(person: Person | None, city_id: int) -> bool:
    """Tell whether ``person`` may draft, edit and publish the city's practices.

    Its own delegates do (issue #20: "a city's delegates publish practices"); the
    secretariat features them but does not write a city's account of its own policy.
    """
    return (
        person is not None
        and person.is_authenticated
        and person.role == "delegate"
        and person.city_id is not None
        and person.city_id == city_id
    )


def can_feature(person: Person | None) -> bool:
    """Tell whether ``person`` may feature a practice (the secretariat)."""
    return person is not None and person.is_authenticated and person.role == "secretariat"


def can_read(person: Person | None, *, city_id: int, published: bool) -> bool:
    """Tell whether ``person`` may read a practice.

    Anyone reads it once published; a draft, only its city's delegates and the secretariat.
    """
    return published or writes_for(person, city_id) or can_feature(person)


def is_web_link(url: str) -> bool:
    """Tell whether ``url`` is an absolute http(s) address of a reasonable length."""
    if not url or len(url) > LINK_MAX_LENGTH or any(char.isspace() for char in url):
        return False
    parts = urlsplit(url)
    return parts.scheme in {"http", "https"} and bool(parts.netloc) and "." in parts.netloc
