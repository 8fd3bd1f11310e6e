"""Elections, nominations, rounds and the terms of office they lead to."""

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
    from network.cities.models import City
    from network.votes.models import Vote


class Office(StrEnum):
    """The offices the council elects."""

    chair = "chair"
    vice_chair = "vice-chair"


class ElectionStatus(StrEnum):
    """Where an election is."""

    nominating = "nominating"  # nominations open
    ready = "ready"  # nominations closed; a ballot can be opened
    balloting = "balloting"  # a round is prepared or open
    tie = "tie"  # a tie awaits the secretariat's draw by lot
    to_certify = "to-certify"  # a winner awaits certification
    certified = "certified"


class NominationStatus(StrEnum):
    """The nominated city's answer."""

    pending = "pending"
    accepted = "accepted"
    declined = "declined"


register_labels({Office.chair: _l("Chair city"), Office.vice_chair: _l("Vice-chair city")})
register_labels(
    {
        ElectionStatus.nominating: _l("Nominations open"),
        ElectionStatus.ready: _l("Nominations closed"),
        ElectionStatus.balloting: _l("Voting"),
        ElectionStatus.tie: _l("Tie to be settled by lot"),
        ElectionStatus.to_certify: _l("Result to be certified"),
        ElectionStatus.certified: _l("Certified"),
    }
)
register_labels(
    {
        NominationStatus.pending: _l("Awaiting the city's answer"),
        NominationStatus.accepted: _l("Accepted"),
        NominationStatus.declined: _l("Declined"),
    }
)


class Election(db.Model):
    """An election to an office for a term."""

    __tablename__ = "elections"

    id: Mapped[int] = mapped_column(primary_key=True)
    office: Mapped[Office] = mapped_column(str_enum(Office, "office"))
    term_start: Mapped[date]
    term_end: Mapped[date]
    status: Mapped[ElectionStatus] = mapped_column(str_enum(ElectionStatus, "status"), index=True)
    nominations_close_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    winner_city_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cities.id"))
    # The draws by lot that settled ties, in order: {"round", "tied", "drawn", "note"}.
    settlements: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    certified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    certified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    nominations: Mapped[list[Nomination]] = relationship(
        order_by="Nomination.id", back_populates="election"
    )
    rounds: Mapped[list[ElectionRound]] = relationship(
        order_by="ElectionRound.number", back_populates="election"
    )
    winner: Mapped[City | None] = relationship()

    @property
    def candidates(self) -> list[City]:
        """Return the cities whose nomination was accepted."""
        return [n.city for n in self.nominations if n.status is NominationStatus.accepted]


class Nomination(db.Model):
    """A member city nominated by a delegate; only accepted nominations stand."""

    __tablename__ = "nominations"

    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(sa.ForeignKey("elections.id"))
    city_id: Mapped[int] = mapped_column(sa.ForeignKey("cities.id"))
    nominated_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    status: Mapped[NominationStatus] = mapped_column(str_enum(NominationStatus, "status"))
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    election: Mapped[Election] = relationship(back_populates="nominations")
    city: Mapped[City] = relationship()

    __table_args__ = (sa.UniqueConstraint("election_id", "city_id"),)


class ElectionRound(db.Model):
    """One round of balloting: a vote among some of the candidates."""

    __tablename__ = "election_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(sa.ForeignKey("elections.id"))
    number: Mapped[int]
    vote_id: Mapped[int] = mapped_column(sa.ForeignKey("votes.id"), unique=True)

    election: Mapped[Election] = relationship(back_populates="rounds")
    vote: Mapped[Vote] = relationship()

    __table_args__ = (sa.UniqueConstraint("election_id", "number"),)


class Term(db.Model):
    """A city's term in an office, from certification; past terms stay listed."""

    __tablename__ = "terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    office: Mapped[Office] = mapped_column(str_enum(Office, "office"))
    city_id: Mapped[int] = mapped_column(sa.ForeignKey("cities.id"), index=True)
    election_id: Mapped[int] = mapped_column(sa.ForeignKey("elections.id"), unique=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]

    city: Mapped[City] = relationship()
    election: Mapped[Election] = relationship()
