"""Writes to accounts: invitations, passwords, roles, deactivation."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer

from network.audit.services import record
from network.auth import rules
from network.auth.models import Invitation, RecoveryCode, Role, User
from network.auth.passwords import hash_password, verify_password
from network.cities.models import City
from network.common.errors import Conflict, InvalidInput, NotAllowed
from network.db import db
from network.notices import services as notices
from network.notices.compose import Composer, Recipient, absolute_url
from network.notices.models import NoticeKind

INVITATION_SALT = "dwcn-invitation"
PASSWORD_RESET_SALT = "dwcn-password-reset"


@dataclass
class AccountDetails:
    """What the secretariat sets on an account."""

    name: str
    role: Role
    city: City | None = None
    organisation: str | None = None
    signing_authority: bool = False


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=INVITATION_SALT)


def invitation_token(invitation: Invitation) -> str:
    """Return the signed token of an invitation's link (the same every time it is asked)."""
    return _serializer().dumps({"i": invitation.id, "n": invitation.nonce})


def normalise_email(email: str) -> str:
    """Trim an address and lower-case it, so one person has one account."""
    return email.strip().lower()


def _check_details(details: AccountDetails) -> None:
    if details.role is Role.delegate and details.city is None:
        raise InvalidInput(_("A delegate must belong to a city."), field="city")
    if details.role is not Role.delegate and details.city is not None:
        raise InvalidInput(_("Only delegates belong to a city."), field="city")
    if details.signing_authority and details.role is not Role.delegate:
        raise InvalidInput(
            _("Only a delegate can hold signing authority."), field="signing_authority"
        )


def _check_password(password: str, personal: tuple[str, ...] = (), field: str = "password") -> None:
    """Refuse a password of the wrong length, or one too easy to guess, saying why.

    :param personal: the account's name and address, which a guesser would try first.
    :raises InvalidInput: naming what is wrong with the password.
    """
    config = current_app.config
    if not config["PASSWORD_MIN_LENGTH"] <= len(password) <= config["PASSWORD_MAX_LENGTH"]:
        raise InvalidInput(
            _(
                "The password must have %(min)d to %(max)d characters.",
                min=config["PASSWORD_MIN_LENGTH"],
                max=config["PASSWORD_MAX_LENGTH"],
            ),
            field=field,
        )
    weakness = rules.password_weakness(password, personal)
    if weakness is not None:
        raise InvalidInput(WEAKNESS_TEXTS[weakness], field=field)


# Why a password is refused, with what to do instead.
WEAKNESS_TEXTS = {
    rules.Weakness.common: _l(
        "This is one of the most common passwords: it would be guessed at once. "
        "Choose a passphrase of a few unrelated words."
    ),
    rules.Weakness.personal: _l(
        "This password contains your name or e-mail address, which would be tried first. "
        "Choose a passphrase of a few unrelated words."
    ),
    rules.Weakness.repeats: _l(
        "Repeated characters, such as “aaaa” or “abcabc”, are easy to guess. "
        "Choose a passphrase of a few unrelated words."
    ),
    rules.Weakness.sequence: _l(
        "Sequences, such as “abcd” or “1234”, are easy to guess. "
        "Choose a passphrase of a few unrelated words."
    ),
    rules.Weakness.keyboard: _l(
        "Rows of keys, such as “qwerty”, are easy to guess. "
        "Choose a passphrase of a few unrelated words."
    ),
    rules.Weakness.dates: _l(
        "Dates and years are easy to guess. Choose a passphrase of a few unrelated words."
    ),
    rules.Weakness.words: _l(
        "This password is too easy to guess: a few common words or names are tried early. "
        "Make it longer, with words that don't belong together."
    ),
}


def _account_data(user: User) -> dict[str, object]:
    return {
        "email": user.email,
        "name": user.name,
        "role": user.role.value,
        "city": user.city.slug if user.city else None,
        "organisation": user.organisation,
        "signing_authority": user.signing_authority,
    }


def _new_invitation(user: User, *, actor: User | None, now: datetime) -> Invitation:
    invitation = Invitation(
        user=user,
        nonce=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + current_app.config["INVITATION_MAX_AGE"],
        created_by_id=actor.id if actor else None,
    )
    db.session.add(invitation)
    return invitation


def invite_user(
    email: str, details: AccountDetails, *, actor: User, now: datetime
) -> tuple[User, Invitation]:
    """Create an account without a password and an invitation to set one.

    :raises Conflict: when the address already has an account.
    :raises InvalidInput: when role, city and signing authority don't fit together.
    """
    email = normalise_email(email)
    _check_details(details)
    if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise Conflict(_("An account with this e-mail address already exists."), field="email")
    user = User(
        email=email,
        name=details.name.strip(),
        role=details.role,
        city=details.city,
        organisation=details.organisation or None,
        signing_authority=details.signing_authority,
        created_at=now,
    )
    db.session.add(user)
    invitation = _new_invitation(user, actor=actor, now=now)
    db.session.flush()
    record(
        "account.invited",
        subject=("user", user.id),
        actor=actor,
        now=now,
        public=False,
        data={**_account_data(user), "expires_at": invitation.expires_at.isoformat()},
    )
    _mail_invitation(invitation, now)
    return user, invitation


def _mail_invitation(invitation: Invitation, now: datetime) -> None:
    """Queue the invitation's link to the invited person (sent once this commits)."""
    user = invitation.user
    notices.queue(
        NoticeKind.invitation,
        user,
        now=now,
        context={
            "link": absolute_url("auth.accept_invitation", token=invitation_token(invitation)),
            "expires_at": invitation.expires_at,
            "role": user.role,
            "city": user.city,
        },
    )


def _security_notice(user: User, event: str, now: datetime, **details: object) -> None:
    """Queue a security notice telling the person what changed on their account."""
    notices.queue(
        NoticeKind.security,
        user,
        now=now,
        context={"event": event, "before": None, "after": None, **details},
    )


def renew_invitation(user: User, *, actor: User, now: datetime) -> Invitation:
    """Revoke an account's pending invitations and issue a fresh one.

    :raises Conflict: when the account has already set its password.
    """
    if user.has_accepted:
        raise Conflict(_("This person has already accepted the invitation."))
    for pending in db.session.scalars(
        sa.select(Invitation).where(
            Invitation.user_id == user.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
    ):
        pending.revoked_at = now
    invitation = _new_invitation(user, actor=actor, now=now)
    db.session.flush()
    record(
        "account.invitation_renewed",
        subject=("user", user.id),
        actor=actor,
        now=now,
        public=False,
        data={"expires_at": invitation.expires_at.isoformat()},
    )
    _mail_invitation(invitation, now)
    return invitation


def invitation_from_token(token: str, now: datetime) -> Invitation:
    """Return the usable invitation a link's token names.

    :raises InvalidInput: when the token is forged, unknown, used, revoked or expired.
    """
    try:
        payload = _serializer().loads(token)
    except BadSignature:
        raise InvalidInput(_("This invitation link is not valid.")) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("i"), int):
        raise InvalidInput(_("This invitation link is not valid."))
    invitation = db.session.get(Invitation, payload["i"])
    if invitation is None or invitation.nonce != payload.get("n"):
        raise InvalidInput(_("This invitation link is not valid."))
    if invitation.accepted_at is not None:
        raise InvalidInput(_("This invitation has already been used. Log in instead."))
    if invitation.revoked_at is not None:
        raise InvalidInput(_("This invitation was replaced by a newer one."))
    if now >= invitation.expires_at:
        raise InvalidInput(_("This invitation has expired. Ask the secretariat for a new one."))
    return invitation


def accept_invitation(token: str, password: str, *, now: datetime) -> User:
    """Set the invited person's password and mark the invitation used.

    :raises InvalidInput: for an unusable link, an inactive account or a bad password.
    """
    invitation = invitation_from_token(token, now)
    user = invitation.user
    if not user.active:
        raise InvalidInput(_("This account has been deactivated."))
    _check_password(password, (user.name, user.email))
    user.password_hash = hash_password(password)
    invitation.accepted_at = now
    db.session.flush()
    record(
        "account.invitation_accepted", subject=("user", user.id), actor=user, now=now, public=False
    )
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the active account with these credentials, else None (same time either way)."""
    user = db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.is_active:
        return None
    return user


def change_password(user: User, current: str, new: str, *, now: datetime) -> User:
    """Replace a password after checking the current one; every other session ends.

    :raises InvalidInput: when the current password is wrong or the new one too short or long.
    """
    if not verify_password(user.password_hash, current):
        raise InvalidInput(_("The current password is not correct."), field="current_password")
    _check_password(new, (user.name, user.email))
    user.password_hash = hash_password(new)
    user.session_version += 1
    db.session.flush()
    record("account.password_changed", subject=("user", user.id), actor=user, now=now, public=False)
    _security_notice(user, "password_changed", now)
    return user


def end_all_sessions(user: User, *, now: datetime) -> User:
    """End every session of an account (logging out ends them all, on every device)."""
    user.session_version += 1
    db.session.flush()
    record("account.logged_out", subject=("user", user.id), actor=user, now=now, public=False)
    return user


def update_account(user: User, details: AccountDetails, *, actor: User, now: datetime) -> User:
    """Change an account's name, role, city, organisation or signing authority.

    :raises InvalidInput: when role, city and signing authority don't fit together.
    :raises NotAllowed: when a secretariat officer would take away their own role.
    """
    _check_details(details)
    if user.id == actor.id and details.role is not Role.secretariat:
        raise NotAllowed(_("You cannot take away your own secretariat role."))
    before = _account_data(user)
    user.name = details.name.strip()
    user.role = details.role
    user.city = details.city
    user.organisation = details.organisation or None
    user.signing_authority = details.signing_authority
    db.session.flush()
    after = _account_data(user)
    changes = {
        key: {"from": before[key], "to": after[key]} for key in after if before[key] != after[key]
    }
    if changes:
        record(
            "account.updated",
            subject=("user", user.id),
            actor=actor,
            now=now,
            public=False,
            data={"changes": changes},
        )
    if "role" in changes:
        _security_notice(
            user, "role_changed", now, before=Role(before["role"]), after=Role(after["role"])
        )
    return user


def set_active(user: User, active: bool, *, actor: User, now: datetime) -> User:
    """Deactivate an account (ending its sessions) or reactivate it.

    :raises NotAllowed: when a secretariat officer would deactivate themselves.
    :raises Conflict: when the account is already in that state.
    """
    if user.id == actor.id:
        raise NotAllowed(_("You cannot deactivate your own account."))
    if user.active == active:
        raise Conflict(_("The account is already in that state."))
    user.active = active
    user.session_version += 1
    db.session.flush()
    record(
        "account.activated" if active else "account.deactivated",
        subject=("user", user.id),
        actor=actor,
        now=now,
        public=False,
    )
    if not active:
        _security_notice(user, "deactivated", now)
    return user


def set_locale(user: User, locale: str | None, *, now: datetime) -> User:
    """Record the language an account wants the interface in (None: follow the browser).

    :raises InvalidInput: for a language the interface doesn't have.
    """
    if locale is not None and locale not in current_app.config["LANGUAGES"]:
        raise InvalidInput(_("This language is not available."), field="locale")
    if user.locale == locale:
        return user
    previous, user.locale = user.locale, locale
    db.session.flush()
    record(
        "account.locale_changed",
        subject=("user", user.id),
        actor=user,
        now=now,
        public=False,
        data={"from": previous, "to": locale},
    )
    return user


def create_secretariat(email: str, name: str, password: str, *, now: datetime) -> User:
    """Create an active secretariat account directly (the operator's command).

    :raises Conflict: when the address already has an account.
    :raises InvalidInput: for a bad password.
    """
    email = normalise_email(email)
    if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise Conflict(_("An account with this e-mail address already exists."), field="email")
    _check_password(password, (name, email))
    user = User(
        email=email,
        name=name.strip(),
        role=Role.secretariat,
        password_hash=hash_password(password),
        created_at=now,
    )
    db.session.add(user)
    db.session.flush()
    record(
        "account.created",
        subject=("user", user.id),
        actor=None,
        now=now,
        public=False,
        data=_account_data(user),
    )
    return user


def confirm_password(user: User, password: str) -> None:
    """Check a password re-entered to confirm a sensitive action.

    :raises InvalidInput: when it is not the account's password.
    """
    if not verify_password(user.password_hash, password or ""):
        raise InvalidInput(_("The password is not correct."), field="password")


def two_factor_required(user: User) -> bool:
    """Tell whether the account's role must log in with a second factor."""
    return user.role.value in current_app.config["TWO_FACTOR_REQUIRED_ROLES"]


def _replace_recovery_codes(user: User, now: datetime) -> list[str]:
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = rules.new_recovery_codes(current_app.config["RECOVERY_CODE_COUNT"])
    db.session.add_all(
        RecoveryCode(
            user_id=user.id,
            code_hash=hash_password(rules.normalise_recovery_code(code) or ""),
            created_at=now,
        )
        for code in codes
    )
    return codes


def enable_two_factor(user: User, secret: str, code: str, *, now: datetime) -> list[str]:
    """Turn the second factor on once the person shows a code from the new key.

    Return the recovery codes, to be shown once and never again.

    :raises Conflict: when the second factor is already on.
    :raises InvalidInput: when the code does not match the key.
    """
    if user.has_two_factor:
        raise Conflict(_("Two-factor authentication is already on."))
    step = rules.accepted_step(secret, code, now=now, last_step=None)
    if step is None:
        raise InvalidInput(
            _(
                "The code is not correct. Check that your phone's clock is right, "
                "then try the next code."
            ),
            field="code",
        )
    user.totp_secret, user.totp_enabled_at, user.totp_last_step = secret, now, step
    codes = _replace_recovery_codes(user, now)
    db.session.flush()
    record(
        "account.two_factor_enabled", subject=("user", user.id), actor=user, now=now, public=False
    )
    _security_notice(user, "two_factor_enabled", now)
    return codes


def check_second_factor(user: User, code: str, *, now: datetime) -> str | None:
    """Check a login's second step: an authenticator code, else a recovery code.

    Return ``"code"`` or ``"recovery"`` for what was accepted, None when nothing was.
    An accepted code can't be used again; a recovery code is used up (audited).
    """
    if not user.has_two_factor:
        return None
    step = rules.accepted_step(user.totp_secret or "", code, now=now, last_step=user.totp_last_step)
    if step is not None:
        # Claim the step in one conditional UPDATE: of two requests racing with the same
        # code, the second waits for the first's row lock, then finds the step taken.
        claimed = db.session.execute(
            sa.update(User)
            .where(
                User.id == user.id,
                sa.or_(User.totp_last_step.is_(None), User.totp_last_step < step),
            )
            .values(totp_last_step=step)
        )
        return "code" if claimed.rowcount == 1 else None
    typed = rules.normalise_recovery_code(code)
    if typed is None:
        return None
    unused = db.session.scalars(
        sa.select(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        .with_for_update()
    ).all()
    for stored in unused:
        if verify_password(stored.code_hash, typed):
            stored.used_at = now
            db.session.flush()
            record(
                "account.recovery_code_used",
                subject=("user", user.id),
                actor=user,
                now=now,
                public=False,
                data={"left": len(unused) - 1},
            )
            return "recovery"
    return None


def recovery_codes_left(user: User) -> int:
    """Count the account's unused recovery codes."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def regenerate_recovery_codes(user: User, *, now: datetime) -> list[str]:
    """Replace every recovery code of the account (the old ones stop working).

    :raises Conflict: when the second factor is off.
    """
    if not user.has_two_factor:
        raise Conflict(_("Two-factor authentication is off."))
    codes = _replace_recovery_codes(user, now)
    db.session.flush()
    record(
        "account.recovery_codes_replaced",
        subject=("user", user.id),
        actor=user,
        now=now,
        public=False,
    )
    return codes


def _clear_two_factor(user: User) -> None:
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def disable_two_factor(user: User, *, now: datetime) -> User:
    """Turn one's own second factor off, where the role allows it.

    :raises NotAllowed: when the role requires a second factor.
    :raises Conflict: when it is already off.
    """
    if two_factor_required(user):
        raise NotAllowed(_("Your role requires two-factor authentication."))
    if not user.has_two_factor:
        raise Conflict(_("Two-factor authentication is off."))
    _clear_two_factor(user)
    db.session.flush()
    record(
        "account.two_factor_disabled", subject=("user", user.id), actor=user, now=now, public=False
    )
    _security_notice(user, "two_factor_disabled", now)
    return user


def reset_two_factor(user: User, *, actor: User, now: datetime) -> User:
    """Clear another person's second factor (a lost phone); their sessions end.

    They log in with their password and enrol a new authenticator.

    :raises NotAllowed: for one's own account.
    :raises Conflict: when the second factor is off.
    """
    if user.id == actor.id:
        raise NotAllowed(_("You cannot reset your own two-factor authentication."))
    if not user.has_two_factor:
        raise Conflict(_("Two-factor authentication is off."))
    _clear_two_factor(user)
    user.session_version += 1
    db.session.flush()
    record(
        "account.two_factor_reset", subject=("user", user.id), actor=actor, now=now, public=False
    )
    _security_notice(user, "two_factor_reset", now)
    return user


# Self-service password reset: a link good for an hour (PASSWORD_RESET_MAX_AGE), once.
# Its token carries a fingerprint of the account's password hash and session version,
# so it stops working as soon as the password changes (this link used, or any other
# way) or every session is ended.


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=PASSWORD_RESET_SALT)


def _password_fingerprint(user: User) -> str:
    material = f"{user.id}|{user.password_hash}|{user.session_version}"
    return hashlib.sha256(material.encode()).hexdigest()[:32]


def password_reset_token(user: User) -> str:
    """Return a signed, timed token of a link to choose a new password."""
    return _reset_serializer().dumps({"u": user.id, "f": _password_fingerprint(user)})


def request_password_reset(email: str, *, now: datetime) -> User | None:
    """Mail a link to choose a new password to the active account with this address.

    Return the account, or None when no active account with a password has it; the
    caller answers the same either way, so nothing tells which addresses have accounts.
    The message is composed either way, so that both take about as long.
    """
    user = db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))
    context = {
        "minutes": int(current_app.config["PASSWORD_RESET_MAX_AGE"].total_seconds() // 60),
    }
    if user is None or not user.is_active:
        Composer(
            kind=NoticeKind.password_reset,
            template="notices/password_reset",
            context={**context, "link": absolute_url("auth.forgot_password")},
            now=now,
        ).compose(Recipient(id=0, email="nobody@example.org", name="-"))
        return None
    notices.queue(
        NoticeKind.password_reset,
        user,
        now=now,
        context={
            **context,
            "link": absolute_url("auth.reset_password", token=password_reset_token(user)),
        },
    )
    return user


def user_from_reset_token(token: str, *, now: datetime) -> User:
    """Return the account a password-reset link is for, while the link is good.

    :raises InvalidInput: when the link is forged, older than an hour, already used,
        or the password changed since it was sent.
    """
    try:
        # The age is checked against ``now`` below, not the process's clock.
        payload, issued = _reset_serializer().loads(token, return_timestamp=True)
    except BadSignature:
        raise InvalidInput(_("This link is not valid.")) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        raise InvalidInput(_("This link is not valid."))
    if now - issued > current_app.config["PASSWORD_RESET_MAX_AGE"]:
        raise InvalidInput(_("This link has expired. Ask for a new one."))
    user = db.session.get(User, payload["u"])
    if user is None or not user.is_active or payload.get("f") != _password_fingerprint(user):
        raise InvalidInput(
            _("This link can no longer be used: it was used already, or the password changed.")
        )
    return user


def reset_password(token: str, password: str, *, now: datetime) -> User:
    """Set a new password through a reset link; every session of the account ends.

    :raises InvalidInput: for a link that is no longer good, or a bad password.
    """
    user = user_from_reset_token(token, now=now)
    _check_password(password, (user.name, user.email))
    user.password_hash = hash_password(password)
    user.session_version += 1
    db.session.flush()
    record("account.password_reset", subject=("user", user.id), actor=user, now=now, public=False)
    _security_notice(user, "password_changed", now)
    return user
