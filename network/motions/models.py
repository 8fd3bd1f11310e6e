"""Motions of the council."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm.collections import attribute_keyed_dict

from network.common.enums import register_labels
from network.db import UTCDateTime, db, str_enum

if TYPE_CHECKING:
    from network.auth.models import User
    from network.charter.models import CharterVersion
    from network.cities.models import City
    from network.resolutions.models import Resolution
    from network.votes.models import Vote


class MotionKind(StrEnum):
    """What a motion asks the council to decide; each takes the charter's majority for it."""

    ordinary = "ordinary"
    charter_amendment = "charter-amendment"
    admission = "admission"
    suspension = "suspension"


class MotionStatus(StrEnum):
    """Where a motion is."""

    proposed = "proposed"  # awaiting a second
    seconded = "seconded"
    voting = "voting"
    carried = "carried"
    defeated = "defeated"
    withdrawn = "withdrawn"
    lapsed = "lapsed"


register_labels(
    {
        MotionKind.ordinary: _l("Ordinary motion"),
        MotionKind.charter_amendment: _l("Charter amendment"),
        MotionKind.admission: _l("Admission of a member"),
        MotionKind.suspension: _l("Suspension of a member"),
    }
)
register_labels(
    {
        MotionStatus.proposed: _l("Awaiting a second"),
        MotionStatus.seconded: _l("Seconded"),
        MotionStatus.voting: _l("Being voted on"),
        MotionStatus.carried: _l("Carried"),
        MotionStatus.defeated: _l("Defeated"),
        MotionStatus.withdrawn: _l("Withdrawn by its proposer"),
        MotionStatus.lapsed: _l("Lapsed"),
    }
)


class Motion(db.Model):
    """A proposal put to the council."""

    __tablename__ = "motions"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    text: Mapped[str] = mapped_column(sa.Text)  # Markdown, rendered sanitised
    # The language the proposer wrote in: this text is the original and authoritative one.
    language: Mapped[str] = mapped_column(sa.String(16), server_default="en")
    kind: Mapped[MotionKind] = mapped_column(str_enum(MotionKind, "kind"), index=True)
    status: Mapped[MotionStatus] = mapped_column(str_enum(MotionStatus, "status"), index=True)
    # The city an admission or suspension is about; the draft an amendment would adopt.
    subject_city_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cities.id"))
    charter_version_id: Mapped[int | None] = mapped_column(sa.ForeignKey("charter_versions.id"))
    proposer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    proposer_city_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cities.id"))
    seconder_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    seconder_city_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cities.id"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    seconded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lapses_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    vote_id: Mapped[int | None] = mapped_column(sa.ForeignKey("votes.id"), unique=True)
    resolution_id: Mapped[int | None] = mapped_column(sa.ForeignKey("resolutions.id"), unique=True)
    meeting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meetings.id"), index=True)

    subject_city: Mapped[City | None] = relationship(foreign_keys=[subject_city_id])
    charter_version: Mapped[CharterVersion | None] = relationship()
    proposer: Mapped[User] = relationship(foreign_keys=[proposer_id])
    proposer_city: Mapped[City | None] = relationship(foreign_keys=[proposer_city_id])
    seconder: Mapped[User | None] = relationship(foreign_keys=[seconder_id])
    seconder_city: Mapped[City | None] = relationship(foreign_keys=[seconder_city_id])
    vote: Mapped[Vote | None] = relationship()
    resolution: Mapped[Resolution | None] = relationship()
    translations: Mapped[dict[str, MotionText]] = relationship(
        collection_class=attribute_keyed_dict("language"),
        cascade="all, delete-orphan",
        back_populates="motion",
    )

    @property
    def original(self) -> Wording:
        """Return the title and text as proposed, in the original language."""
        return Wording(self.language, self.title, self.text, is_original=True)

    def wording_in(self, language: str | None) -> Wording:
        """Return the translation into ``language`` if there is one, else the original."""
        translation = self.translations.get(language or "")
        if translation is None or language == self.language:
            return self.original
        return Wording(translation.language, translation.title, translation.text, is_original=False)

    @property
    def languages(self) -> list[str]:
        """Return the original language, then the translations' languages in order."""
        return [self.language, *sorted(code for code in self.translations if code != self.language)]


@dataclass(frozen=True)
class Wording:
    """A motion's title and text in one language, and whether it is the original."""

    language: str
    title: str
    text: str
    is_original: bool


class MotionText(db.Model):
    """A translation of a motion's title and text; the original stays authoritative."""

    __tablename__ = "motion_texts"

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(sa.ForeignKey("motions.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(sa.String(16))  # BCP 47 tag, e.g. ko, fr, zh-Hant
    title: Mapped[str] = mapped_column(sa.String(200))
    text: Mapped[str] = mapped_column(sa.Text)  # Markdown, rendered sanitised
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    motion: Mapped[Motion] = relationship(back_populates="translations")

    __table_args__ = (sa.UniqueConstraint("motion_id", "language"),)
