"""Translatable labels for the status enums, kept beside each enum's definition."""

from __future__ import annotations

from enum import Enum

from flask_babel import LazyString
from wtforms import SelectChoice

# Keyed by (enum class, member): members of two ``StrEnum``s with the same value are
# equal and hash alike ("online" of a signature and of a decision), so keyed by the
# member alone one enum's label would replace the other's.
_LABELS: dict[tuple[type[Enum], Enum], LazyString] = {}


def register_labels(labels: dict[Enum, LazyString]) -> None:
    """Record the labels of one enum; every member must have one.

    :raises ValueError: when a member of the enum is missing.
    """
    enum_class = type(next(iter(labels)))
    missing = [member for member in enum_class if member not in labels]
    if missing:
        raise ValueError(f"no label for {missing}")
    _LABELS.update({(enum_class, member): text for member, text in labels.items()})


def label(value: Enum) -> str:
    """Return the label of an enum member in the current locale."""
    return str(_LABELS[type(value), value])


def choices(enum_class: type[Enum]) -> list[SelectChoice]:
    """Return an enum's members as the options of a select field."""
    return [SelectChoice(member.value, _LABELS[enum_class, member]) for member in enum_class]
