"""Declarations, their texts per language, and the cities' signatures."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship
from sqlalchemy.orm.collections import attribute_keyed_dict

from network.common.enums import register_labels
from network.db import UTCDateTime, db, str_enum

if TYPE_CHECKING:
    from network.cities.models import City


class DeclarationStatus(StrEnum):
    """Where a declaration is."""

    draft = "draft"
    open = "open"  # open for signature
    closed = "closed"


class SignatureMode(StrEnum):
    """How a signature was given."""

    online = "online"
    in_person = "in_person"  # on paper at an event, recorded by the secretariat


register_labels(
    {
        DeclarationStatus.draft: _l("Draft"),
        DeclarationStatus.open: _l("Open for signature"),
        DeclarationStatus.closed: _l("Closed"),
    }
)
# A signature's own words (not a decision's "Online vote"): how the city signed.
register_labels(
    {
        SignatureMode.online: _l("Signed online"),
        SignatureMode.in_person: _l("Signed in person"),
    }
)


class Declaration(db.Model):
    """A joint declaration of cities."""

    __tablename__ = "declarations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    status: Mapped[DeclarationStatus] = mapped_column(
        str_enum(DeclarationStatus, "status"), index=True
    )
    authoritative_language: Mapped[str] = mapped_column(sa.String(16))
    opened_on: Mapped[date | None]
    closed_on: Mapped[date | None]
    # The last day for signatures announced with the draft (the calendars give it);
    # the secretariat closes the declaration.
    signatures_close_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    texts: Mapped[dict[str, DeclarationText]] = relationship(
        collection_class=attribute_keyed_dict("language"),
        cascade="all, delete-orphan",
        back_populates="declaration",
    )
    signatures: WriteOnlyMapped[Signature] = relationship(back_populates="declaration")

    def text_in(self, language: str) -> DeclarationText | None:
        """Return the text in ``language``, else the authoritative one, else any."""
        return (
            self.texts.get(language)
            or self.texts.get(self.authoritative_language)
            or next(iter(self.texts.values()), None)
        )


class DeclarationText(db.Model):
    """A declaration's title, preamble and numbered commitments in one language."""

    __tablename__ = "declaration_texts"

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("declarations.id", ondelete="CASCADE")
    )
    language: Mapped[str] = mapped_column(sa.String(16))
    title: Mapped[str] = mapped_column(sa.String(300))
    preamble: Mapped[str] = mapped_column(sa.Text)
    commitments: Mapped[list[str]] = mapped_column(sa.JSON)  # in order: 1, 2, 3 …

    declaration: Mapped[Declaration] = relationship(back_populates="texts")

    __table_args__ = (sa.UniqueConstraint("declaration_id", "language"),)


class Signature(db.Model):
    """A city's signature; withdrawn signatures stay, marked with their reason."""

    __tablename__ = "signatures"

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(sa.ForeignKey("declarations.id"))
    city_id: Mapped[int] = mapped_column(sa.ForeignKey("cities.id"), index=True)
    signatory_name: Mapped[str] = mapped_column(sa.String(120))
    signatory_title: Mapped[str] = mapped_column(sa.String(120))
    signed_on: Mapped[date]
    mode: Mapped[SignatureMode] = mapped_column(str_enum(SignatureMode, "mode"))
    verification_code: Mapped[str] = mapped_column(sa.String(19), unique=True)
    signed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawal_reason: Mapped[str | None] = mapped_column(sa.Text)

    declaration: Mapped[Declaration] = relationship(back_populates="signatures")
    city: Mapped[City] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("declaration_id", "city_id"),
        # Covers the count of standing signatures per declaration (lists, API) without
        # reading the rows: 150,000 signatures in a large network.
        sa.Index("ix_signatures_standing", "declaration_id", "withdrawn_at"),
        # The public list's order (date, then city): a deep page of a declaration's
        # signatories picks its ids from this index instead of sorting whole rows.
        sa.Index("ix_signatures_in_order", "declaration_id", "signed_on", "city_id"),
    )

    @property
    def is_withdrawn(self) -> bool:
        """Tell whether the signature was withdrawn."""
        return self.withdrawn_at is not None
