"""Translatable labels for the status enums, kept beside each enum's definition."""

from __future__ import annotations

from enum import Enum

from flask_babel import LazyString
from wtforms import SelectChoice

_LABELS: dict[Enum, LazyString] = {}


def register_labels(labels: dict[Enum, LazyString]) -> None:
    """Record the labels of one enum; every member must have one.

    :raises ValueError: when a member of the enum is missing.
    """
    enum_class = type(next(iter(labels)))
    missing = [member for member in enum_class if member not in labels]
    if missing:
        raise ValueError(f"no label for {missing}")
    _LABELS.update(labels)


def label(value: Enum) -> str:
    """Return the label of an enum member in the current locale."""
    return str(_LABELS[value])


def choices(enum_class: type[Enum]) -> list[SelectChoice]:
    """Return an enum's members as the options of a select field."""
    return [SelectChoice(member.value, _LABELS[member]) for member in enum_class]
