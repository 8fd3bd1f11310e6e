"""Composed reads of accounts."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from network.auth.models import Invitation, Role, User
from network.cities.models import City
from network.db import db


def account_list_statement(role: Role | None) -> sa.Select[tuple[User]]:
    """Select accounts, newest first, with their city in every language; one role or all."""
    statement = (
        sa.select(User)
        .options(joinedload(User.city).selectinload(City.texts))
        .order_by(User.id.desc())
    )
    if role is not None:
        statement = statement.where(User.role == role)
    return statement


def pending_invitation(user: User, now: datetime) -> Invitation | None:
    """Return the account's newest invitation that can still be used, if any."""
    invitation = db.session.scalar(
        sa.select(Invitation)
        .where(Invitation.user_id == user.id)
        .order_by(Invitation.id.desc())
        .limit(1)
    )
    return invitation if invitation is not None and invitation.is_usable(now) else None
