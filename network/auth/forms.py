"""Forms for logging in, passwords, invitations and accounts."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from network.auth.models import Role
from network.common.enums import choices
from network.common.forms import NoControlCharacters, strip


class PasswordLength:
    """Check a new password against the configured minimum and maximum length."""

    def __call__(self, form: FlaskForm, field: PasswordField) -> None:
        """Raise when the password is too short or too long."""
        low = current_app.config["PASSWORD_MIN_LENGTH"]
        high = current_app.config["PASSWORD_MAX_LENGTH"]
        if not low <= len(field.data or "") <= high:
            raise ValidationError(
                _l("The password must have %(min)d to %(max)d characters.", min=low, max=high)
            )


class LoginForm(FlaskForm):
    """Log in with an e-mail address and a password."""

    email = EmailField(
        _l("E-mail address"), filters=[strip], validators=[DataRequired(), Length(max=254)]
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])


class ForgotPasswordForm(FlaskForm):
    """Ask for a link to choose a new password."""

    email = EmailField(
        _l("E-mail address"),
        filters=[strip],
        validators=[
            DataRequired(),
            Length(max=254),
            Email(message=_l("Give a valid e-mail address."), check_deliverability=False),
        ],
        description=_l("The address you log in with."),
    )


class CodeForm(FlaskForm):
    """The login's second step: a code from the authenticator, or a recovery code."""

    code = StringField(
        _l("Authentication code"),
        filters=[strip],
        validators=[InputRequired(), Length(max=32)],
        description=_l(
            "The six-digit code your authenticator app shows now, or one of your recovery codes."
        ),
    )


class EnableTwoFactorForm(FlaskForm):
    """Confirm a new authenticator by typing the code it shows."""

    code = StringField(
        _l("Code from the app"),
        filters=[strip],
        validators=[InputRequired(), Length(max=32)],
        description=_l("Six digits. A new code appears every 30 seconds."),
    )


def password_again_field() -> PasswordField:
    """Return the field in which a person re-enters their password for a sensitive action."""
    return PasswordField(
        _l("Your password"),
        validators=[InputRequired(), Length(max=128)],
        description=_l("Asked again to confirm this action."),
    )


class ConfirmPasswordForm(FlaskForm):
    """A button for a sensitive action, confirmed with one's password."""

    password = password_again_field()


class SetPasswordForm(FlaskForm):
    """Choose a password when accepting an invitation."""

    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), PasswordLength()],
        description=_l("At least 12 characters. A few unrelated words make a strong password."),
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class ChangePasswordForm(SetPasswordForm):
    """Change one's password, proving the current one."""

    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=128)]
    )


class AccountForm(FlaskForm):
    """The secretariat's view of an account: name, role, city, authority."""

    name = StringField(
        _l("Full name"),
        filters=[strip],
        validators=[DataRequired(), Length(max=120), NoControlCharacters()],
    )
    role = SelectField(_l("Role"), choices=choices(Role), validators=[DataRequired()])
    city = SelectField(
        _l("City"),
        validate_choice=False,
        description=_l("Delegates only: the city the person represents."),
    )
    organisation = StringField(
        _l("Organisation"),
        filters=[strip],
        validators=[Optional(), Length(max=120), NoControlCharacters()],
        description=_l("Observers: the partner organisation, e.g. ILO."),
    )
    signing_authority = BooleanField(
        _l("May sign declarations on behalf of the city"),
        description=_l("Delegates only."),
    )

    def validate_city(self, field: SelectField) -> None:
        """Require a known city for delegates and none for the other roles."""
        slugs = {choice.value for choice in field.choices or ()}
        if self.role.data == Role.delegate.value:
            if not field.data:
                raise ValidationError(_l("A delegate must belong to a city."))
            if field.data not in slugs:
                raise ValidationError(_l("Choose a city from the list."))
        elif field.data:
            raise ValidationError(_l("Only delegates belong to a city."))

    def validate_signing_authority(self, field: BooleanField) -> None:
        """Allow signing authority only to delegates."""
        if field.data and self.role.data != Role.delegate.value:
            raise ValidationError(_l("Only a delegate can hold signing authority."))


class EditAccountForm(AccountForm):
    """The secretariat changes an account's role or city: confirmed with the password."""

    password = password_again_field()


class InviteForm(AccountForm):
    """Invite a person: an account form with the e-mail address."""

    email = EmailField(
        _l("E-mail address"),
        filters=[strip],
        validators=[
            DataRequired(),
            Length(max=254),
            Email(message=_l("Give a valid e-mail address."), check_deliverability=False),
        ],
    )


class LocaleForm(FlaskForm):
    """The language an account wants the interface in."""

    locale = SelectField(_l("Interface language"), validate_choice=True)
