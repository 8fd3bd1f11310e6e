"""Accounts, their roles and the invitations that create them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from network.common import clock
from network.common.enums import register_labels
from network.db import UTCDateTime, db, str_enum

if TYPE_CHECKING:
    from network.cities.models import City


class Role(StrEnum):
    """What an account may do (SPEC "People and roles")."""

    delegate = "delegate"
    observer = "observer"
    secretariat = "secretariat"


register_labels(
    {
        Role.delegate: _l("Delegate"),
        Role.observer: _l("Observer"),
        Role.secretariat: _l("Secretariat"),
    }
)


class User(db.Model):
    """An account: a city's delegate, a partner's observer or a secretariat officer.

    Accounts are created by invitation and never deleted, only deactivated, so the
    audit log can always name who acted.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    city_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cities.id"), index=True)
    organisation: Mapped[str | None] = mapped_column(sa.String(120))
    signing_authority: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    # Raised whenever every session of the account must end (password change,
    # deactivation); a session carrying an older number is no longer accepted.
    session_version: Mapped[int] = mapped_column(default=1)
    # Second factor: the authenticator's key (base32) once enrolment is confirmed, and
    # the last time step accepted, so that a code works only once.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    city: Mapped[City | None] = relationship(back_populates="accounts")

    __table_args__ = (
        sa.CheckConstraint("(role = 'delegate') = (city_id IS NOT NULL)", name="delegate_has_city"),
        sa.CheckConstraint(
            "signing_authority = false OR role = 'delegate'", name="only_delegates_sign"
        ),
    )

    # Flask-Login's user protocol.
    @property
    def is_authenticated(self) -> bool:
        """Every loaded account is authenticated (anonymous users are another class)."""
        return True

    @property
    def is_active(self) -> bool:
        """Tell whether the account may log in: active and with a password set."""
        return self.active and self.password_hash is not None

    @property
    def is_anonymous(self) -> bool:
        """A loaded account is never anonymous."""
        return False

    def get_id(self) -> str:
        """Return the session token: the id and the session version."""
        return f"{self.id}:{self.session_version}"

    @property
    def has_accepted(self) -> bool:
        """Tell whether the invitation was taken up (a password is set)."""
        return self.password_hash is not None

    @property
    def has_two_factor(self) -> bool:
        """Tell whether logging in asks for a code from an authenticator."""
        return self.totp_enabled_at is not None and self.totp_secret is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


class RecoveryCode(db.Model):
    """A single-use code that stands in for the authenticator (lost phone); kept hashed."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Invitation(db.Model):
    """A link that lets the invited person set a password; good for seven days, once."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    nonce: Mapped[str] = mapped_column(sa.String(43))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    def is_usable(self, now: datetime) -> bool:
        """Tell whether the link can still be used at ``now``."""
        return self.accepted_at is None and self.revoked_at is None and now < self.expires_at
