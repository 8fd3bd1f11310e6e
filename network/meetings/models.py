"""Meetings, their agendas, and decisions recorded in the room.

A meeting has a start and an end (stored in UTC) and its own IANA time zone, in which
its people meet: the 2018 Roundtable is at 13:30 in Seoul (Asia/Seoul), whoever reads
about it from elsewhere. ``held_on`` is the day it starts there; it is kept from the
start and the zone whenever a meeting is written (see ``_keep_the_day``), so that the
lists that sort and filter by day stay right. A meeting known only by its day (those
recorded before times were kept) starts at 10:00 there and lasts two hours.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from network.common.enums import register_labels
from network.db import UTCDateTime, db, str_enum

if TYPE_CHECKING:
    from network.auth.models import User
    from network.cities.models import City
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


class MeetingMode(StrEnum):
    """Where the cities meet: in a room, online, or both (with a link for those away)."""

    in_person = "in-person"
    online = "online"
    hybrid = "hybrid"


class MeetingStatus(StrEnum):
    """Where a meeting is in its life (SPEC: convened → in session → adjourned → minutes)."""

    convened = "convened"
    in_session = "in-session"
    adjourned = "adjourned"
    minutes_approved = "minutes-approved"


register_labels(
    {
        DecisionMethod.roll_call: _l("Roll call"),
        DecisionMethod.consensus: _l("Adopted by consensus"),
    }
)
register_labels(
    {
        MeetingMode.in_person: _l("In person"),
        MeetingMode.online: _l("Online"),
        MeetingMode.hybrid: _l("In person and online"),
    }
)
register_labels(
    {
        MeetingStatus.convened: _l("Convened"),
        MeetingStatus.in_session: _l("In session"),
        MeetingStatus.adjourned: _l("Adjourned"),
        MeetingStatus.minutes_approved: _l("Minutes approved"),
    }
)

# The zone of a meeting recorded without one: the network's secretariat is in Seoul.
DEFAULT_TIME_ZONE = "Asia/Seoul"
# A meeting known only by its day starts at this hour there and lasts this long (the
# 2018 Roundtable was a two-hour session); the migration gave earlier meetings the same.
DEFAULT_START = time(10, 0)
DEFAULT_LENGTH = timedelta(hours=2)


def local_day_start(day: date, zone: str, at: time = DEFAULT_START) -> datetime:
    """Return the moment (UTC) a meeting starting at ``at`` on ``day`` in ``zone`` starts."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(zone)).astimezone(UTC)


class Meeting(db.Model):
    """A meeting of the council (e.g. the 2018 forum's City Government Roundtable)."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    # The day it starts in its own zone: kept from starts_at and time_zone (see above).
    held_on: Mapped[date] = mapped_column(index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    time_zone: Mapped[str] = mapped_column(sa.String(64))  # IANA, e.g. "Asia/Seoul"
    # The venue; empty for a meeting held only online.
    place: Mapped[str] = mapped_column(sa.String(200))
    mode: Mapped[MeetingMode] = mapped_column(str_enum(MeetingMode, "mode"))
    # For online and hybrid meetings; shown to signed-in people only, never published.
    online_url: Mapped[str | None] = mapped_column(sa.String(500))
    status: Mapped[MeetingStatus] = mapped_column(str_enum(MeetingStatus, "status"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The item the secretariat has taken up in session (meetings/session.py): what the
    # projector and the delegates' live pages show. Agenda items point back at their
    # meeting, so the key is added after both tables exist (use_alter).
    current_item_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agenda_items.id", ondelete="SET NULL", use_alter=True)
    )

    items: Mapped[list[AgendaItem]] = relationship(
        order_by="AgendaItem.position",
        cascade="all, delete-orphan",
        back_populates="meeting",
        foreign_keys="AgendaItem.meeting_id",
    )
    decisions: Mapped[list[SessionDecision]] = relationship(
        order_by="SessionDecision.id", back_populates="meeting"
    )

    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("mode = 'in-person' OR online_url IS NOT NULL", name="online_has_link"),
    )

    def __init__(self, **values: Any) -> None:
        """Make a meeting; one given only a day gets the default times (see above)."""
        values.setdefault("time_zone", DEFAULT_TIME_ZONE)
        values.setdefault("mode", MeetingMode.in_person)
        values.setdefault("status", MeetingStatus.convened)
        if values.get("starts_at") is None and values.get("held_on") is not None:
            values["starts_at"] = local_day_start(values["held_on"], values["time_zone"])
        if values.get("ends_at") is None and values.get("starts_at") is not None:
            values["ends_at"] = values["starts_at"] + DEFAULT_LENGTH
        super().__init__(**values)
        _keep_the_day(None, None, self)

    @property
    def zone(self) -> ZoneInfo:
        """Return the meeting's own time zone."""
        return ZoneInfo(self.time_zone)

    @property
    def local_start(self) -> datetime:
        """Return the start in the meeting's own zone."""
        return self.starts_at.astimezone(self.zone)

    @property
    def local_end(self) -> datetime:
        """Return the end in the meeting's own zone."""
        return self.ends_at.astimezone(self.zone)

    @property
    def is_online(self) -> bool:
        """Tell whether people may follow it online (online or hybrid)."""
        return self.mode is not MeetingMode.in_person


@sa.event.listens_for(Meeting, "before_insert")
@sa.event.listens_for(Meeting, "before_update")
def _keep_the_day(_mapper: Any, _connection: Any, meeting: Meeting) -> None:
    """Keep ``held_on`` the day the meeting starts in its own zone."""
    if meeting.starts_at is not None and meeting.time_zone:
        meeting.held_on = meeting.starts_at.astimezone(ZoneInfo(meeting.time_zone)).date()


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
    # The vote opened for this item in the session (from its motion, charter version or
    # election round): how the projector, attendance and proxies find a vote's meeting.
    vote_id: Mapped[int | None] = mapped_column(sa.ForeignKey("votes.id"), unique=True)

    meeting: Mapped[Meeting] = relationship(back_populates="items", foreign_keys=[meeting_id])

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


class AttendanceMode(StrEnum):
    """How a city present takes part: in the room, or online."""

    in_room = "in-room"
    online = "online"


register_labels({AttendanceMode.in_room: _l("In the room"), AttendanceMode.online: _l("Online")})


class Attendance(db.Model):
    """A member city present at a meeting, as the secretariat recorded it."""

    __tablename__ = "meeting_attendances"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id"))
    city_id: Mapped[int] = mapped_column(sa.ForeignKey("cities.id"), index=True)
    mode: Mapped[AttendanceMode] = mapped_column(str_enum(AttendanceMode, "mode"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    city: Mapped[City] = relationship(foreign_keys=[city_id])
    delegates: Mapped[list[AttendanceDelegate]] = relationship(
        cascade="all, delete-orphan", order_by="AttendanceDelegate.user_id"
    )

    __table_args__ = (sa.UniqueConstraint("meeting_id", "city_id"),)


class AttendanceDelegate(db.Model):
    """A delegate who represents their city at a meeting."""

    __tablename__ = "meeting_attendance_delegates"

    attendance_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meeting_attendances.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)

    user: Mapped[User] = relationship()


class Proxy(db.Model):
    """A member city's proxy for one meeting, given to another member city (meetings/proxies.py).

    Revoked proxies are kept (the record says who gave, who held, and when it ended);
    the database holds at most one proxy in force per giving city and meeting.
    """

    __tablename__ = "meeting_proxies"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id"), index=True)
    giver_id: Mapped[int] = mapped_column(sa.ForeignKey("cities.id"))
    holder_id: Mapped[int] = mapped_column(sa.ForeignKey("cities.id"), index=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    granted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    giver: Mapped[City] = relationship(foreign_keys=[giver_id])
    holder: Mapped[City] = relationship(foreign_keys=[holder_id])
    granted_by: Mapped[User] = relationship(foreign_keys=[granted_by_id])

    __table_args__ = (
        sa.CheckConstraint("giver_id <> holder_id", name="not_to_itself"),
        sa.Index(
            "uq_meeting_proxies_in_force",
            "meeting_id",
            "giver_id",
            unique=True,
            sqlite_where=sa.text("revoked_at IS NULL"),
            postgresql_where=sa.text("revoked_at IS NULL"),
        ),
    )

    @property
    def is_revoked(self) -> bool:
        """Tell whether the giving city took its proxy back."""
        return self.revoked_at is not None
