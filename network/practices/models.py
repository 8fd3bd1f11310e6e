"""Practices, their texts per language, the ILO pillars they serve and their documents."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm.collections import attribute_keyed_dict

from network.common import filetypes, uploads
from network.common.enums import register_labels
from network.db import UTCDateTime, db, str_enum

if TYPE_CHECKING:
    from network.cities.models import City


class Pillar(StrEnum):
    """The four pillars of the ILO's Decent Work Agenda (the seed's 좋은 일자리 4대요건)."""

    employment = "employment"
    rights_at_work = "rights-at-work"
    social_protection = "social-protection"
    social_dialogue = "social-dialogue"


class Instrument(StrEnum):
    """The kind of instrument a city used."""

    ordinance_or_law = "ordinance-or-law"
    procurement = "procurement"
    wage_policy = "wage-policy"
    working_time = "working-time"
    social_protection_scheme = "social-protection-scheme"
    cooperative_or_social_economy = "cooperative-or-social-economy"
    social_dialogue_body = "social-dialogue-body"
    other = "other"


class PracticeStatus(StrEnum):
    """Where the practice itself stands in its city (not its publication here)."""

    planned = "planned"
    in_force = "in-force"
    ended = "ended"


register_labels(
    {
        Pillar.employment: _l("Employment"),
        Pillar.rights_at_work: _l("Rights at work"),
        Pillar.social_protection: _l("Social protection"),
        Pillar.social_dialogue: _l("Social dialogue"),
    }
)
register_labels(
    {
        Instrument.ordinance_or_law: _l("Ordinance or law"),
        Instrument.procurement: _l("Public procurement"),
        Instrument.wage_policy: _l("Wage policy"),
        Instrument.working_time: _l("Working time"),
        Instrument.social_protection_scheme: _l("Social protection scheme"),
        Instrument.cooperative_or_social_economy: _l("Cooperative or social economy"),
        Instrument.social_dialogue_body: _l("Social dialogue body"),
        Instrument.other: _l("Other instrument"),
    }
)
register_labels(
    {
        PracticeStatus.planned: _l("Planned"),
        PracticeStatus.in_force: _l("In force"),
        PracticeStatus.ended: _l("Ended"),
    }
)


class Practice(db.Model):
    """A city's practice: a policy it made or runs, shared with the network."""

    __tablename__ = "practices"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The public address (/practices/<slug>, the API); never changes once given.
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    city_id: Mapped[int] = mapped_column(sa.ForeignKey("cities.id"), index=True)
    authoritative_language: Mapped[str] = mapped_column(sa.String(16))
    instrument: Mapped[Instrument] = mapped_column(str_enum(Instrument, "instrument"), index=True)
    # None when the city has not said (the demo's practices: the seed gives titles only).
    status: Mapped[PracticeStatus | None] = mapped_column(str_enum(PracticeStatus, "status"))
    started_on: Mapped[date | None]
    links: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    featured: Mapped[bool] = mapped_column(default=False)
    # Every text in every language, with the city's names, folded (search.fold): what
    # the library's search reads, kept by the services with the texts.
    search_document: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    city: Mapped[City] = relationship()
    texts: Mapped[dict[str, PracticeText]] = relationship(
        collection_class=attribute_keyed_dict("language"),
        cascade="all, delete-orphan",
        back_populates="practice",
    )
    pillar_rows: Mapped[list[PracticePillar]] = relationship(
        cascade="all, delete-orphan", order_by="PracticePillar.pillar"
    )
    # Removed ones too (their rows stay): read ``documents`` for those still up.
    document_rows: Mapped[list[PracticeDocument]] = relationship(
        order_by="PracticeDocument.id", back_populates="practice"
    )

    __table_args__ = (
        # The library lists the published practices, newest first.
        sa.Index("ix_practices_published", "published_at", "id"),
        # The library's order (queries.search_statement): a page walks it and stops.
        sa.Index("ix_practices_library_order", "featured", "published_at", "id"),
        # The search's GIN index (PostgreSQL) or FTS5 table (SQLite) is made by the
        # migration alone: see network.practices.search.
    )

    @property
    def is_published(self) -> bool:
        """Tell whether the practice is public."""
        return self.published_at is not None

    @property
    def pillars(self) -> list[Pillar]:
        """Return the pillars it serves, in the agenda's order."""
        chosen = {row.pillar for row in self.pillar_rows}
        return [pillar for pillar in Pillar if pillar in chosen]

    @property
    def documents(self) -> list[PracticeDocument]:
        """Return the documents still up, in the order they were added."""
        return [row for row in self.document_rows if row.removed_at is None]

    def text_in(self, language: str) -> PracticeText | None:
        """Return the text in ``language``, else the authoritative one, else any."""
        return (
            self.texts.get(language)
            or self.texts.get(self.authoritative_language)
            or next(iter(self.texts.values()), None)
        )


class PracticeText(db.Model):
    """A practice's title, summary and full text in one language."""

    __tablename__ = "practice_texts"

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(sa.ForeignKey("practices.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(sa.String(16))
    title: Mapped[str] = mapped_column(sa.String(300))
    summary: Mapped[str] = mapped_column(sa.Text)
    body: Mapped[str] = mapped_column(sa.Text)

    practice: Mapped[Practice] = relationship(back_populates="texts")

    __table_args__ = (sa.UniqueConstraint("practice_id", "language"),)


class PracticePillar(db.Model):
    """One ILO pillar a practice serves."""

    __tablename__ = "practice_pillars"

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(sa.ForeignKey("practices.id", ondelete="CASCADE"))
    pillar: Mapped[Pillar] = mapped_column(str_enum(Pillar, "pillar"), index=True)

    __table_args__ = (sa.UniqueConstraint("practice_id", "pillar"),)


class PracticeDocument(db.Model):
    """A document attached to a practice: its law, an evaluation, a leaflet.

    The file is in the upload store under ``storage_key`` (``network.common.storage``);
    a removed document keeps its row (title, hash, who and why), not its file.
    """

    __tablename__ = "practice_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(sa.ForeignKey("practices.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    language: Mapped[str] = mapped_column(sa.String(16))  # BCP 47: en, ko, pt-BR
    filename: Mapped[str] = mapped_column(sa.String(200))  # as saved: stem + detected extension
    media_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    storage_key: Mapped[str] = mapped_column(sa.String(100), unique=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    removal_reason: Mapped[str | None] = mapped_column(sa.Text)

    practice: Mapped[Practice] = relationship(back_populates="document_rows")

    @property
    def file_type(self) -> filetypes.FileType:
        """Return the accepted type this document is (from its stored media type)."""
        return uploads.file_type(self.media_type)
