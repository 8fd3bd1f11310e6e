"""Who may do what with a motion (pure predicates, shared by the views and the templates)."""

from __future__ import annotations

from typing import Protocol


class _Person(Protocol):
    role: object
    city_id: int | None


class _Motion(Protocol):
    proposer_city_id: int | None


def can_translate(person: _Person, motion: _Motion) -> bool:
    """Tell whether ``person`` may add or change a motion's translations.

    The secretariat may, and so may the delegates of the city that proposed it: the
    original text stays as proposed; translations only help readers.

    :param person: the acting user (an object with ``role`` and ``city_id``).
    :param motion: the motion (an object with ``proposer_city_id``).
    """
    role = str(getattr(person, "role", ""))
    if role == "secretariat":
        return True
    return (
        role == "delegate"
        and motion.proposer_city_id is not None
        and person.city_id == motion.proposer_city_id
    )
