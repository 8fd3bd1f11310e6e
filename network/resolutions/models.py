"""Resolutions and the per-year counter that numbers them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from network.common.enums import register_labels
from network.db import UTCDateTime, db, str_enum

if TYPE_CHECKING:
    from network.cities.models import City
    from network.meetings.models import Meeting
    from network.motions.models import Motion
    from network.votes.models import Vote


class ResolutionKind(StrEnum):
    """What a resolution decides."""

    charter = "charter"
    ordinary = "ordinary"
    admission = "admission"
    suspension = "suspension"
    election = "election"


class DecisionMode(StrEnum):
    """How the decision was taken."""

    online = "online"  # a vote on the platform
    in_session = "in-session"  # recorded by the secretariat from a meeting


register_labels(
    {
        ResolutionKind.charter: _l("Charter"),
        ResolutionKind.ordinary: _l("Ordinary"),
        ResolutionKind.admission: _l("Admission of a member"),
        ResolutionKind.suspension: _l("Suspension of a member"),
        ResolutionKind.election: _l("Election"),
    }
)
register_labels({DecisionMode.online: _l("Online vote"), DecisionMode.in_session: _l("In session")})


class Resolution(db.Model):
    """A decision of the council, with its register number; never renumbered or reused."""

    __tablename__ = "resolutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    sequence: Mapped[int]
    number: Mapped[str] = mapped_column(sa.String(32), unique=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    text: Mapped[str | None] = mapped_column(sa.Text)  # Markdown, as adopted
    kind: Mapped[ResolutionKind] = mapped_column(str_enum(ResolutionKind, "kind"), index=True)
    mode: Mapped[DecisionMode] = mapped_column(str_enum(DecisionMode, "mode"))
    adopted_on: Mapped[date] = mapped_column(index=True)
    vote_id: Mapped[int | None] = mapped_column(sa.ForeignKey("votes.id"), unique=True)
    meeting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meetings.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    vote: Mapped[Vote | None] = relationship()
    meeting: Mapped[Meeting | None] = relationship()
    # The motion it carried, if any (an admission or suspension names its city there).
    motion: Mapped[Motion | None] = relationship(
        primaryjoin="Motion.resolution_id == Resolution.id",
        foreign_keys="Motion.resolution_id",
        viewonly=True,
        uselist=False,
    )

    __table_args__ = (sa.UniqueConstraint("year", "sequence"),)

    @property
    def city_concerned(self) -> City | None:
        """Return the city an admission or suspension is about (load ``motion`` with it)."""
        return self.motion.subject_city if self.motion is not None else None


class ResolutionCounter(db.Model):
    """The last number given in a year; its row is locked while a number is taken."""

    __tablename__ = "resolution_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int]
