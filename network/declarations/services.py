"""Writes of declarations: drafting, opening and closing, signing, withdrawing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from network.audit.services import record
from network.auth.models import Role, User
from network.auth.services import confirm_password
from network.cities.models import City
from network.cities.rules import is_language_tag, is_valid_slug
from network.common.errors import Conflict, InvalidInput, NotAllowed
from network.common.templating import city_name
from network.db import db, violates
from network.declarations.models import (
    Declaration,
    DeclarationStatus,
    DeclarationText,
    Signature,
    SignatureMode,
)
from network.notices import notify
from network.votes.rules import new_receipt

RESERVED_SLUGS = frozenset({"new"})  # /secretariat/declarations/new is the create form
# The database's guarantee of one signature per city and declaration (models).
ONE_SIGNATURE_PER_CITY = "uq_signatures_declaration_id_city_id"


class NoSigningAuthority(NotAllowed):
    """The account may not sign for a city (not a delegate with signing authority)."""

    message = _l("Only a delegate with signing authority can sign for a city.")


class NotInGoodStanding(NotAllowed):
    """The delegate's city is not a member in good standing (an applicant, suspended)."""

    message = _l("Only member cities in good standing sign declarations.")


@dataclass(frozen=True)
class TextEntry:
    """A declaration's text in one language, as entered."""

    language: str
    title: str
    preamble: str
    commitments: list[str]


def _check_texts(texts: list[TextEntry], authoritative: str) -> None:
    languages = [text.language for text in texts]
    if len(set(languages)) != len(languages):
        raise InvalidInput(_("Each language may appear only once."), field="texts")
    for language in languages:
        if not is_language_tag(language):
            raise InvalidInput(_("“%(tag)s” is not a language code.", tag=language), field="texts")
    if authoritative not in languages:
        raise InvalidInput(_("Give the text in the authoritative language."), field="texts")


def _lock(declaration: Declaration, *, shared: bool = False) -> None:
    """Lock the declaration's row and re-read it, so concurrent changes take turns.

    Signing takes a shared lock: signatures go in side by side, but not across a close.
    """
    db.session.execute(
        sa.select(Declaration.id)
        .where(Declaration.id == declaration.id)
        .with_for_update(read=shared)
    )
    db.session.refresh(declaration)


def save_declaration(
    declaration: Declaration | None,
    *,
    slug: str,
    authoritative_language: str,
    texts: list[TextEntry],
    actor: User | None,
    now: datetime,
    signatures_close_on: date | None = None,
) -> Declaration:
    """Create a draft declaration, or change a draft's texts.

    :param signatures_close_on: the last day for signatures to announce, if any.
    :raises Conflict: when the declaration is no longer a draft, or the slug is taken.
    :raises InvalidInput: for a bad slug, language, or a missing authoritative text, or a
        last day for signatures in the past.
    """
    if signatures_close_on is not None and signatures_close_on < now.date():
        raise InvalidInput(
            _("The last day for signatures cannot be in the past."), field="signatures_close_on"
        )
    if declaration is not None:
        _lock(declaration)
    if declaration is not None and declaration.status is not DeclarationStatus.draft:
        raise Conflict(_("Only a draft can be changed."))
    if declaration is None:
        if not is_valid_slug(slug):
            raise InvalidInput(
                _("Use lowercase letters, digits and single hyphens, up to 64 characters."),
                field="slug",
            )
        if slug in RESERVED_SLUGS or db.session.scalar(
            sa.select(Declaration.id).where(Declaration.slug == slug)
        ):
            raise Conflict(_("Another declaration already uses this address."), field="slug")
    _check_texts(texts, authoritative_language)
    if declaration is None:
        declaration = Declaration(
            slug=slug,
            status=DeclarationStatus.draft,
            created_at=now,
            authoritative_language=authoritative_language,
        )
        db.session.add(declaration)
    declaration.authoritative_language = authoritative_language
    declaration.signatures_close_on = signatures_close_on
    wanted = {text.language: text for text in texts}
    for language in list(declaration.texts):
        if language not in wanted:
            del declaration.texts[language]
    for language, text in wanted.items():
        row = declaration.texts.get(language) or DeclarationText(language=language)
        row.title, row.preamble, row.commitments = text.title, text.preamble, text.commitments
        declaration.texts[language] = row
    db.session.flush()
    record(
        "declaration.saved",
        subject=("declaration", declaration.slug),
        actor=actor,
        now=now,
        public=False,
        data={
            "authoritative_language": authoritative_language,
            "signatures_close_on": signatures_close_on.isoformat() if signatures_close_on else None,
            "texts": {
                t.language: {"title": t.title, "preamble": t.preamble, "commitments": t.commitments}
                for t in texts
            },
        },
    )
    return declaration


def open_for_signature(
    declaration: Declaration, *, actor: User | None, now: datetime, opened_on: date | None = None
) -> Declaration:
    """Open a draft for signature; its texts are fixed from now on.

    :raises Conflict: when it is not a draft.
    """
    _lock(declaration)
    if declaration.status is not DeclarationStatus.draft:
        raise Conflict(_("Only a draft can be opened for signature."))
    declaration.status = DeclarationStatus.open
    declaration.opened_on = opened_on or now.date()
    db.session.flush()
    record(
        "declaration.opened",
        subject=("declaration", declaration.slug),
        actor=actor,
        now=now,
        data={
            "texts": {
                lang: {"title": t.title, "preamble": t.preamble, "commitments": t.commitments}
                for lang, t in sorted(declaration.texts.items())
            }
        },
    )
    notify.declaration_open(declaration, now=now)
    return declaration


def close(
    declaration: Declaration, *, actor: User | None, now: datetime, closed_on: date | None = None
) -> Declaration:
    """Close a declaration to new signatures.

    :raises Conflict: when it is not open.
    """
    _lock(declaration)
    if declaration.status is not DeclarationStatus.open:
        raise Conflict(_("Only a declaration open for signature can be closed."))
    declaration.status = DeclarationStatus.closed
    declaration.closed_on = closed_on or now.date()
    db.session.flush()
    record(
        "declaration.closed",
        subject=("declaration", declaration.slug),
        actor=actor,
        now=now,
        data={"closed_on": declaration.closed_on.isoformat()},
    )
    return declaration


def _add_signature(
    declaration: Declaration,
    city: City,
    *,
    name: str,
    title: str,
    signed_on: date,
    mode: SignatureMode,
    actor: User | None,
    now: datetime,
) -> Signature:
    name, title = name.strip(), title.strip()
    if not name or not title:
        raise InvalidInput(_("Give the signatory's name and title."), field="signatory_name")
    _lock(declaration, shared=True)
    if declaration.status is not DeclarationStatus.open:
        raise Conflict(_("This declaration is not open for signature."))
    signature = Signature(
        declaration_id=declaration.id,
        city_id=city.id,
        signatory_name=name,
        signatory_title=title,
        signed_on=signed_on,
        mode=mode,
        verification_code=new_receipt(),
        recorded_at=now,
        signed_by_id=actor.id if actor and mode is SignatureMode.online else None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(signature)
    except IntegrityError as error:
        if not violates(error, ONE_SIGNATURE_PER_CITY):
            raise  # a fault, not a second signature: logged, answered 500, nothing written
        raise Conflict(
            _("%(city)s has already signed this declaration.", city=city_name(city))
        ) from None
    db.session.flush()
    record(
        "declaration.signed",
        subject=("declaration", declaration.slug),
        actor=actor,
        now=now,
        data={
            "city": city.slug,
            "signatory_name": name,
            "signatory_title": title,
            "signed_on": signed_on.isoformat(),
            "mode": mode.value,
            "verification_code": signature.verification_code,
        },
    )
    notify.signature_recorded(declaration, city, now=now)
    return signature


def check_can_sign(declaration: Declaration, actor: User) -> None:
    """Check that the actor may sign this declaration for their city now.

    :raises NoSigningAuthority: unless the actor is a delegate with signing authority.
    :raises NotInGoodStanding: for a city that is not a member in good standing.
    :raises Conflict: when the declaration is not open.
    """
    if actor.role is not Role.delegate or not actor.signing_authority or actor.city is None:
        raise NoSigningAuthority()
    if not actor.city.is_in_good_standing:
        raise NotInGoodStanding()
    if declaration.status is not DeclarationStatus.open:
        raise Conflict(_("This declaration is not open for signature."))


def sign(
    declaration: Declaration, *, name: str, title: str, password: str, actor: User, now: datetime
) -> Signature:
    """Sign for one's city, confirming with one's password.

    :raises NotAllowed: without signing authority, or for a city not in good standing.
    :raises InvalidInput: for a wrong password or a missing name or title.
    :raises Conflict: when the declaration is not open or the city has signed already.
    """
    check_can_sign(declaration, actor)
    confirm_password(actor, password)
    return _add_signature(
        declaration,
        actor.city,
        name=name,
        title=title,
        signed_on=now.date(),
        mode=SignatureMode.online,
        actor=actor,
        now=now,
    )


def record_in_person(
    declaration: Declaration,
    city: City,
    *,
    name: str,
    title: str,
    signed_on: date,
    actor: User,
    now: datetime,
) -> Signature:
    """Record a signature made on paper at an event.

    :raises InvalidInput: for a date in the future or a missing name or title.
    :raises Conflict: when the declaration is not open or the city has signed already.
    """
    if signed_on > now.date():
        raise InvalidInput(_("The date cannot be in the future."), field="signed_on")
    if declaration.opened_on is not None and signed_on < declaration.opened_on:
        raise InvalidInput(
            _("The date cannot be before the declaration was opened for signature."),
            field="signed_on",
        )
    return _add_signature(
        declaration,
        city,
        name=name,
        title=title,
        signed_on=signed_on,
        mode=SignatureMode.in_person,
        actor=actor,
        now=now,
    )


def withdraw(signature: Signature, reason: str, *, actor: User, now: datetime) -> Signature:
    """Withdraw a signature, with the reason; it stays listed as withdrawn.

    :raises InvalidInput: for an empty reason.
    :raises Conflict: when it is withdrawn already.
    """
    db.session.execute(
        sa.select(Signature.id).where(Signature.id == signature.id).with_for_update()
    )
    db.session.refresh(signature)
    if signature.is_withdrawn:
        raise Conflict(_("This signature has been withdrawn already."))
    if not reason.strip():
        raise InvalidInput(_("Give the reason for the withdrawal."), field="reason")
    signature.withdrawn_at, signature.withdrawal_reason = now, reason.strip()
    db.session.flush()
    record(
        "declaration.signature_withdrawn",
        subject=("declaration", signature.declaration.slug),
        actor=actor,
        now=now,
        data={
            "city": signature.city.slug,
            "reason": reason.strip(),
            "verification_code": signature.verification_code,
        },
    )
    return signature
