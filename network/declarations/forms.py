"""Forms for declarations."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from network.auth.forms import password_again_field
from network.cities.rules import is_language_tag
from network.common.forms import NoControlCharacters, strip


class DeclarationTextForm(Form):
    """A declaration's text in one language (a row of the declaration form)."""

    language = StringField(_l("Language code"), filters=[strip], validators=[Length(max=16)])
    title = StringField(
        _l("Title"), filters=[strip], validators=[Length(max=300), NoControlCharacters()]
    )
    preamble = TextAreaField(
        _l("Preamble"), filters=[strip], validators=[Length(max=20000), NoControlCharacters()]
    )
    commitments = TextAreaField(
        _l("Commitments"),
        filters=[strip],
        validators=[Length(max=20000), NoControlCharacters()],
        description=_l(
            "One commitment per paragraph (separate them with an empty line); "
            "they are numbered in order."
        ),
    )

    def is_blank(self) -> bool:
        """Tell whether the row was left empty."""
        return not any(
            (self.language.data, self.title.data, self.preamble.data, self.commitments.data)
        )

    def validate_language(self, field: StringField) -> None:
        """Require a known language, a title and commitments whenever the row is used."""
        if self.is_blank():
            return
        if not field.data or not is_language_tag(field.data):
            raise ValidationError(_l("“%(tag)s” is not a language code.", tag=field.data or ""))
        if not self.title.data or not self.commitments.data:
            raise ValidationError(_l("Give the title and the commitments in this language."))

    def commitment_list(self) -> list[str]:
        """Return the commitments, one per paragraph."""
        text = (self.commitments.data or "").replace("\r\n", "\n")
        return [" ".join(part.split()) for part in text.split("\n\n") if part.strip()]


class DeclarationForm(FlaskForm):
    """Draft a declaration: its address, authoritative language and texts."""

    slug = StringField(
        _l("Address (slug)"),
        filters=[strip],
        validators=[DataRequired(), Length(max=64)],
        description=_l("Used in links, e.g. seoul-declaration-2017."),
    )
    authoritative_language = StringField(
        _l("Authoritative language"), filters=[strip], validators=[DataRequired(), Length(max=16)]
    )
    signatures_close_on = DateField(
        _l("Last day for signatures"),
        validators=[Optional()],
        description=_l("Optional. Announced on the declaration's page and in the calendars."),
    )
    texts = FieldList(FormField(DeclarationTextForm), min_entries=2, max_entries=8)


class SignForm(FlaskForm):
    """Sign for one's city, confirming with one's password."""

    signatory_name = StringField(
        _l("Signatory's name"),
        filters=[strip],
        validators=[DataRequired(), Length(max=120), NoControlCharacters()],
    )
    signatory_title = StringField(
        _l("Signatory's title"),
        filters=[strip],
        validators=[DataRequired(), Length(max=120), NoControlCharacters()],
        description=_l("For example: Mayor of Seoul."),
    )
    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(), Length(max=128)],
        description=_l("Enter your password again to confirm the signature."),
    )


class InPersonForm(FlaskForm):
    """Record a signature made on paper at an event."""

    city = SelectField(_l("City"), validators=[DataRequired()])
    signatory_name = StringField(
        _l("Signatory's name"),
        filters=[strip],
        validators=[DataRequired(), Length(max=120), NoControlCharacters()],
    )
    signatory_title = StringField(
        _l("Signatory's title"),
        filters=[strip],
        validators=[DataRequired(), Length(max=120), NoControlCharacters()],
    )
    signed_on = DateField(_l("Date of signature"), validators=[InputRequired()])


class WithdrawForm(FlaskForm):
    """Withdraw a signature, with the reason."""

    reason = TextAreaField(
        _l("Reason"),
        filters=[strip],
        validators=[DataRequired(), Length(max=1000), NoControlCharacters()],
    )
    password = password_again_field()
