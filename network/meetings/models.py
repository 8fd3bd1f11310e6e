"""Meetings, their agendas, and decisions recorded in the room."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from network.common.enums import register_labels
from network.db import UTCDateTime, db, str_enum

if TYPE_CHECKING:
    from network.resolutions.models import Resolution


class AgendaKind(StrEnum):
    """What an agenda item is about."""

    motion = "motion"
    election = "election"
    charter = "charter"
    declaration = "declaration"
    other = "other"


class DecisionMethod(StrEnum):
    """How a decision was taken in the room."""

    roll_call = "roll-call"
    consensus = "consensus"


register_labels(
    {
        AgendaKind.motion: _l("Motion"),
        AgendaKind.election: _l("Election"),
        AgendaKind.charter: _l("Charter"),
        AgendaKind.declaration: _l("Declaration"),
        AgendaKind.other: _l("Other business"),
    }
)
register_labels(
    {
        DecisionMethod.roll_call: _l("Roll call"),
        DecisionMethod.consensus: _l("Adopted by consensus"),
    }
)


class Meeting(db.Model):
    """A meeting of the council (e.g. the 2018 forum's City Government Roundtable)."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    held_on: Mapped[date] = mapped_column(index=True)
    place: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    items: Mapped[list[AgendaItem]] = relationship(
        order_by="AgendaItem.position", cascade="all, delete-orphan", back_populates="meeting"
    )
    decisions: Mapped[list[SessionDecision]] = relationship(
        order_by="SessionDecision.id", back_populates="meeting"
    )


class AgendaItem(db.Model):
    """One item of a meeting's agenda, pointing at what it is about when that exists."""

    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id"))
    position: Mapped[int]
    kind: Mapped[AgendaKind] = mapped_column(str_enum(AgendaKind, "kind"))
    title: Mapped[str] = mapped_column(sa.String(200))
    motion_id: Mapped[int | None] = mapped_column(sa.ForeignKey("motions.id"))
    election_id: Mapped[int | None] = mapped_column(sa.ForeignKey("elections.id"))
    charter_version_id: Mapped[int | None] = mapped_column(sa.ForeignKey("charter_versions.id"))

    meeting: Mapped[Meeting] = relationship(back_populates="items")

    __table_args__ = (sa.UniqueConstraint("meeting_id", "position"),)


class SessionDecision(db.Model):
    """A decision taken in the room and entered by the secretariat, marked in-session."""

    __tablename__ = "session_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    text: Mapped[str] = mapped_column(sa.Text)
    rule_key: Mapped[str] = mapped_column(sa.String(32))
    method: Mapped[DecisionMethod] = mapped_column(str_enum(DecisionMethod, "method"))
    roll_call: Mapped[dict[str, str]] = mapped_column(sa.JSON)  # city slug → yes/no/abstain
    result: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    resolution_id: Mapped[int | None] = mapped_column(sa.ForeignKey("resolutions.id"), unique=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    meeting: Mapped[Meeting] = relationship(back_populates="decisions")
    resolution: Mapped[Resolution | None] = relationship()
