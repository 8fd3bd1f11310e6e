"""Re-authentication: the password asked again before the most sensitive actions.

Certifying an election result, withdrawing a signature and changing an account's role
or city ask for the acting officer's password even within a session, so that an
unattended browser or a stolen session cookie is not enough (ASVS 3.7.1). Wrong
passwords count against a per-account limit (``REAUTH_LIMIT``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from flask import current_app, g
from flask_login import current_user
from werkzeug import Response

from network.auth import services
from network.common.errors import InvalidInput
from network.common.http import client_address
from network.extensions import limiter

T = TypeVar("T")
security_log = logging.getLogger("network.security")


def _account_key() -> str:
    account = current_user.get_id() if current_user.is_authenticated else None
    return f"reauth:{account.partition(':')[0]}" if account else f"reauth@{client_address()}"


def _password_refused(response: Response) -> bool:
    return bool(g.get("password_refused"))


# Shared by every route that asks for the password again: five wrong passwords in a
# quarter of an hour, on any of them, and the next attempt is refused with 429.
reauth_limit = limiter.shared_limit(
    lambda: current_app.config["REAUTH_LIMIT"],
    scope="reauth",
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_password_refused,
)


def after_password(password: str | None, action: Callable[[], T]) -> Callable[[], T]:
    """Return ``action`` preceded by a check of the acting person's password.

    A wrong password raises :class:`InvalidInput` (field ``password``) before anything
    is done, and counts against ``REAUTH_LIMIT``.
    """

    def run() -> T:
        try:
            services.confirm_password(current_user, password or "")
        except InvalidInput:
            g.password_refused = True
            security_log.info(
                "re-authentication failed user=%s from=%s", current_user.get_id(), client_address()
            )
            raise
        return action()

    return run
