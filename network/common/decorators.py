"""Route access decorators: every view declares who may reach it.

The URL-map test checks that every endpoint carries an ``access`` attribute, so a
route cannot be added without deciding who may use it.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user

from network.extensions import login_manager

View = TypeVar("View", bound=Callable[..., Any])
PUBLIC = "public"
AUTHENTICATED = "authenticated"


def public(view: View) -> View:
    """Mark a view as open to everyone, logged in or not."""
    view.access = PUBLIC  # type: ignore[attr-defined]
    return view


def login_required(view: View) -> View:
    """Let any active, logged-in account through; send others to the login page."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    wrapped.access = AUTHENTICATED  # type: ignore[attr-defined]
    return wrapped  # type: ignore[return-value]


def role_required(*roles: Enum) -> Callable[[View], View]:
    """Let only logged-in accounts of these roles through: others get 403, anonymous a login."""
    allowed = frozenset(roles)

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        wrapped.access = allowed  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator
