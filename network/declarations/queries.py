"""Reads of declarations and signatures."""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, selectinload

from network.cities.models import City
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


def all_declarations() -> list[Declaration]:
    """Return every declaration, drafts included, for the secretariat."""
    return list(
        db.session.scalars(
            sa.select(Declaration)
            .options(selectinload(Declaration.texts))
            .order_by(Declaration.id.desc())
        )
    )


def signatures_statement(declaration: Declaration) -> sa.Select[tuple[Signature]]:
    """Select a declaration's signatures, by date then city name, withdrawn ones included."""
    return (
        sa.select(Signature)
        .join(City, Signature.city_id == City.id)
        .where(Signature.declaration_id == declaration.id)
        .options(contains_eager(Signature.city))
        .order_by(Signature.signed_on, City.name)
    )


def signatures_for_export(declaration: Declaration, batch: int = 500) -> Iterator[Signature]:
    """Yield a declaration's signatures with their cities, fetched ``batch`` at a time.

    One statement (a server-side cursor on PostgreSQL) whatever the number of rows.
    """
    statement = signatures_statement(declaration).execution_options(yield_per=batch)
    with db.session.scalars(statement) as result:
        yield from result


def signatures(declaration: Declaration) -> list[Signature]:
    """Return a declaration's signatures."""
    return list(db.session.scalars(signatures_statement(declaration)))


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
