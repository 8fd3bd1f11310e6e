"""Helpers shared by forms: showing a service's refusal beside the right field."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash
from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.validators import ValidationError

from network.common.errors import DomainError
from network.db import db


def show_error(form: FlaskForm, error: DomainError) -> None:
    """Put a service's refusal on the field it names, else as a message on the page."""
    field: Field | None = getattr(form, error.field, None) if error.field else None
    if field is not None and isinstance(field, Field):
        # WTForms gives a tuple when validation never ran on the field.
        field.errors = [*field.errors, str(error.message)]
    else:
        flash(str(error.message), "error")


class NoControlCharacters:
    """Refuse text containing control characters other than tabs and line breaks."""

    def __call__(self, form: FlaskForm, field: Field) -> None:
        """Raise when the field's text holds a control character."""
        from flask_babel import gettext as _

        value = field.data or ""
        if isinstance(value, str) and any(
            ord(char) < 32 and char not in "\t\n\r" or ord(char) == 127 for char in value
        ):
            raise ValidationError(_("This text contains characters that are not allowed."))


def strip(value: str | None) -> str | None:
    """Trim surrounding whitespace from submitted text (a WTForms filter)."""
    return value.strip() if isinstance(value, str) else value


def perform(action: Callable[[], object], success: str) -> bool:
    """Run one service call as the request's transaction, for a button that changes state.

    Commit and flash ``success``; or, when the service refuses, roll back and flash why.
    """
    try:
        action()
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return False
    db.session.commit()
    flash(success, "success")
    return True


class EmptyForm(FlaskForm):
    """A form with nothing but its CSRF token, for buttons that change state."""
