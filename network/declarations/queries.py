"""Reads of declarations and signatures."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload

from network.cities.models import City, CityText
from network.cities.rules import is_valid_slug
from network.db import db
from network.declarations.models import Declaration, DeclarationStatus, Signature


def declaration(slug: str) -> Declaration | None:
    """Return a declaration with its texts (None for anything that is not a slug)."""
    if not is_valid_slug(slug):
        return None
    return db.session.scalar(
        sa.select(Declaration)
        .where(Declaration.slug == slug)
        .options(selectinload(Declaration.texts))
    )


def public_statement() -> sa.Select[tuple[Declaration]]:
    """Select the declarations the public sees (not drafts), newest first."""
    return (
        sa.select(Declaration)
        .where(Declaration.status != DeclarationStatus.draft)
        .options(selectinload(Declaration.texts))
        .order_by(Declaration.opened_on.desc(), Declaration.id.desc())
    )


def open_for_signature() -> list[tuple[Declaration, int]]:
    """Return the declarations open for signature, newest first, with their standing signatures.

    One statement: the texts joined (few declarations are open at once) and the count of
    signatures not withdrawn beside each.
    """
    signed = (
        sa.select(sa.func.count())
        .where(Signature.declaration_id == Declaration.id, Signature.withdrawn_at.is_(None))
        .correlate(Declaration)
        .scalar_subquery()
    )
    statement = (
        sa.select(Declaration, signed)
        .where(Declaration.status == DeclarationStatus.open)
        .options(joinedload(Declaration.texts))
        .order_by(Declaration.opened_on.desc(), Declaration.id.desc())
    )
    return [(declaration, count) for declaration, count in db.session.execute(statement).unique()]


def all_declarations() -> list[Declaration]:
    """Return every declaration, drafts included, for the secretariat."""
    return list(
        db.session.scalars(
            sa.select(Declaration)
            .options(selectinload(Declaration.texts))
            .order_by(Declaration.id.desc())
        )
    )


# The public list of signatories: plain rows (no objects), the city's slug and name joined.
# Lists of them run on the session's connection (Core), which skips the ORM's per-row
# loading: several times faster over 13,000 rows.
# By date then English city name; the id settles equal names, so pages never overlap.
SIGNATORY_ORDER = (Signature.signed_on, City.name, Signature.id)


def _signatory_columns(language: str) -> tuple[type[CityText], tuple[Any, ...], Any]:
    """Return the signatory columns, the city named in ``language`` (else in English).

    The name in that language comes from an outer join on the city's texts, so a page
    or an export stays one statement however many cities it names.
    """
    local = aliased(CityText)
    columns = (
        City.slug.label("city"),
        sa.func.coalesce(local.name, City.name).label("city_name"),
        Signature.signatory_name,
        Signature.signatory_title,
        Signature.signed_on,
        Signature.mode,
        Signature.verification_code,
        Signature.withdrawn_at,
        Signature.withdrawal_reason,
    )
    on = sa.and_(local.city_id == City.id, local.language == language)
    return local, columns, on


def signatures_statement(declaration: Declaration) -> sa.Select[tuple[Signature]]:
    """Select a declaration's signatures, by date then city name, withdrawn ones included."""
    return (
        sa.select(Signature)
        .join(City, Signature.city_id == City.id)
        .where(Signature.declaration_id == declaration.id)
        .options(contains_eager(Signature.city))
        .order_by(*SIGNATORY_ORDER)
    )


def signatures(declaration: Declaration) -> list[Signature]:
    """Return a declaration's signatures (objects, for the secretariat's page).

    The cities' names in every language come along, to name each in the reader's.
    """
    statement = signatures_statement(declaration).options(
        contains_eager(Signature.city).selectinload(City.texts)
    )
    return list(db.session.scalars(statement))


def signatories_statement(declaration_id: int, language: str) -> sa.Select:
    """Select every signatory of a declaration as plain rows, in the list's order.

    :param language: the language the cities are named in, where they have a name in it.
    """
    local, columns, on = _signatory_columns(language)
    return (
        sa.select(*columns)
        .join(City, Signature.city_id == City.id)
        .outerjoin(local, on)
        .where(Signature.declaration_id == declaration_id)
        .order_by(*SIGNATORY_ORDER)
    )


def signatory_page(
    declaration_id: int, *, offset: int, limit: int, language: str = "en"
) -> list[sa.Row]:
    """Return one page of a declaration's signatories, as plain rows.

    A deferred join: the page's ids are picked first from the index on (declaration,
    date, city) and the cities' names alone, then only those rows are read in full —
    a deep page no longer sorts 13,000 whole rows.

    :param language: the language the cities are named in, where they have a name in it.
    """
    page_ids = (
        sa.select(Signature.id)
        .join(City, Signature.city_id == City.id)
        .where(Signature.declaration_id == declaration_id)
        .order_by(*SIGNATORY_ORDER)
        .offset(offset)
        .limit(limit)
        .subquery()
    )
    local, columns, on = _signatory_columns(language)
    return list(
        db.session.connection().execute(
            sa.select(*columns)
            .select_from(page_ids)
            .join(Signature, Signature.id == page_ids.c.id)
            .join(City, Signature.city_id == City.id)
            .outerjoin(local, on)
            .order_by(*SIGNATORY_ORDER)
        )
    )


def signatures_for_export(
    declaration: Declaration, batch: int = 500, *, language: str = "en"
) -> Iterator[sa.Row]:
    """Yield every signatory of a declaration as plain rows, fetched ``batch`` at a time.

    One statement (a server-side cursor on PostgreSQL) whatever the number of rows.

    :param language: the language the cities are named in, where they have a name in it.
    """
    statement = signatories_statement(declaration.id, language).execution_options(yield_per=batch)
    with db.session.connection().execute(statement) as result:
        yield from result


def signature_tally(declaration_id: int) -> tuple[int, int]:
    """Count a declaration's signatures: all of them, and the standing (not withdrawn)."""
    total, withdrawn = db.session.execute(
        sa.select(sa.func.count(), sa.func.count(Signature.withdrawn_at)).where(
            Signature.declaration_id == declaration_id
        )
    ).one()
    return total, total - withdrawn


def city_signature(declaration_id: int, city_id: int | None) -> Signature | None:
    """Return a city's signature of a declaration (a withdrawn one too), if it signed."""
    if city_id is None:
        return None
    return db.session.scalar(
        sa.select(Signature).where(
            Signature.declaration_id == declaration_id, Signature.city_id == city_id
        )
    )


def last_title_signed_by(user_id: int) -> str | None:
    """Return the signatory's title on the latest signature this account made online."""
    return db.session.scalar(
        sa.select(Signature.signatory_title)
        .where(Signature.signed_by_id == user_id)
        .order_by(Signature.recorded_at.desc(), Signature.id.desc())
        .limit(1)
    )


def signature_counts(declarations: list[Declaration]) -> dict[int, int]:
    """Count the standing (not withdrawn) signatures of several declarations at once."""
    ids = [d.id for d in declarations]
    rows = (
        db.session.execute(
            sa.select(Signature.declaration_id, sa.func.count())
            .where(Signature.declaration_id.in_(ids), Signature.withdrawn_at.is_(None))
            .group_by(Signature.declaration_id)
        )
        if ids
        else []
    )
    counts = dict.fromkeys(ids, 0)
    counts.update({declaration_id: count for declaration_id, count in rows})
    return counts


def signature_by_code(code: str) -> Signature | None:
    """Return the signature with this verification code."""
    return db.session.scalar(
        sa.select(Signature)
        .where(Signature.verification_code == code)
        .options(
            selectinload(Signature.city),
            selectinload(Signature.declaration).selectinload(Declaration.texts),
        )
    )


def signed_by(city_id: int) -> list[Declaration]:
    """Return the declarations a city has signed (and not withdrawn)."""
    return list(
        db.session.scalars(
            sa.select(Declaration)
            .join(Signature, Signature.declaration_id == Declaration.id)
            .where(Signature.city_id == city_id, Signature.withdrawn_at.is_(None))
            .options(selectinload(Declaration.texts))
            .order_by(Declaration.opened_on)
        )
    )


def signature_times(declaration_ids: list[int]) -> dict[int, datetime]:
    """Return, per declaration, the time of its latest signature or withdrawal (one statement).

    A declaration's feed entry is updated when a city signs it or takes its signature back.
    """
    if not declaration_ids:
        return {}
    rows = db.session.execute(
        sa.select(
            Signature.declaration_id,
            sa.func.max(Signature.recorded_at),
            sa.func.max(Signature.withdrawn_at),
        )
        .where(Signature.declaration_id.in_(declaration_ids))
        .group_by(Signature.declaration_id)
    )
    return {
        declaration_id: max(moment for moment in (signed, withdrawn) if moment is not None)
        for declaration_id, signed, withdrawn in rows
        if signed is not None or withdrawn is not None
    }
