"""Votes, their options, their electorate, who voted and the ballots."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from network.common import clock
from network.common.enums import register_labels
from network.db import UTCDateTime, db, str_enum
from network.votes.tally import MajorityRule, Outcome

if TYPE_CHECKING:
    from network.cities.models import City


class VoteKind(StrEnum):
    """What a ballot holds."""

    approval = "approval"  # yes / no / abstain
    single = "single"  # one candidate, or blank
    ranked = "ranked"  # candidates in order of preference, or blank


class Secrecy(StrEnum):
    """Whether each city's ballot is published after the close."""

    recorded = "recorded"
    secret = "secret"


class VoteStatus(StrEnum):
    """Where a vote is in its life."""

    pending = "pending"  # prepared; opens by hand or at opens_at
    open = "open"
    closed = "closed"


class Choice(StrEnum):
    """The choices of an approval ballot."""

    yes = "yes"
    no = "no"
    abstain = "abstain"


register_labels(
    {
        VoteKind.approval: _l("Yes / no / abstain"),
        VoteKind.single: _l("Single choice"),
        VoteKind.ranked: _l("Ranked (instant-runoff)"),
    }
)
register_labels({Secrecy.recorded: _l("Recorded (roll call)"), Secrecy.secret: _l("Secret")})
register_labels(
    {
        VoteStatus.pending: _l("Not yet open"),
        VoteStatus.open: _l("Open"),
        VoteStatus.closed: _l("Closed"),
    }
)
# A ballot's words, not a setting's yes and no (in Korean 찬성 / 반대 / 기권, not 예 / 아니요).
register_labels(
    {
        Choice.yes: lazy_pgettext("ballot", "Yes"),
        Choice.no: lazy_pgettext("ballot", "No"),
        Choice.abstain: lazy_pgettext("ballot", "Abstain"),
    }
)
register_labels(
    {
        MajorityRule.simple: _l("Simple majority of votes cast"),
        MajorityRule.absolute: _l("Absolute majority of ballots cast"),
        MajorityRule.two_thirds: _l("Two-thirds of votes cast"),
        MajorityRule.electorate: _l("Majority of the whole electorate"),
        MajorityRule.plurality: _l("Most votes"),
        MajorityRule.absolute_runoff: _l("Absolute majority, runoff between the two best placed"),
        MajorityRule.instant_runoff: _l("Instant-runoff on ranked ballots"),
    }
)
register_labels(
    {
        Outcome.carried: _l("Carried"),
        Outcome.defeated: _l("Defeated"),
        Outcome.no_quorum: _l("No quorum"),
        Outcome.elected: _l("Elected"),
        Outcome.runoff: _l("Runoff needed"),
        Outcome.tie: _l("Tie"),
    }
)


class Vote(db.Model):
    """A vote of the member cities on one subject (a charter version, a motion, a round)."""

    __tablename__ = "votes"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(sa.String(32))
    subject_id: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[VoteKind] = mapped_column(str_enum(VoteKind, "kind"))
    secrecy: Mapped[Secrecy] = mapped_column(str_enum(Secrecy, "secrecy"))
    status: Mapped[VoteStatus] = mapped_column(str_enum(VoteStatus, "status"), index=True)
    # Which governance rule of the charter applies (ordinary, amendment, admission, …);
    # the rule itself is read from the charter in force when the vote opens.
    rule_key: Mapped[str] = mapped_column(sa.String(32))
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Fixed at opening.
    majority: Mapped[MajorityRule | None] = mapped_column(str_enum(MajorityRule, "majority"))
    quorum_numerator: Mapped[int | None]
    quorum_denominator: Mapped[int | None]
    rules_source: Mapped[str | None] = mapped_column(sa.String(80))
    electorate_size: Mapped[int | None]
    # Fixed at closing: the tally, as published.
    result: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    # A secret vote's ballots are sealed under a key derived from the application's
    # BALLOT_KEY and this salt (votes/sealing.py), set when it opens.
    seal_salt: Mapped[bytes | None] = mapped_column(sa.LargeBinary(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    options: Mapped[list[VoteOption]] = relationship(
        order_by="VoteOption.position", cascade="all, delete-orphan", back_populates="vote"
    )
    electorate: WriteOnlyMapped[ElectorateMember] = relationship(cascade="all")
    participations: WriteOnlyMapped[Participation] = relationship(cascade="all")
    ballots: WriteOnlyMapped[Ballot] = relationship(cascade="all", back_populates="vote")

    __table_args__ = (sa.Index("ix_votes_subject", "subject_type", "subject_id"),)

    @property
    def quorum(self) -> Fraction | None:
        """Return the quorum fixed at opening, as a fraction of the electorate."""
        if self.quorum_numerator is None or self.quorum_denominator is None:
            return None
        return Fraction(self.quorum_numerator, self.quorum_denominator)

    @property
    def outcome(self) -> Outcome | None:
        """Return the outcome once the vote is closed."""
        return Outcome(self.result["outcome"]) if self.result else None

    def __repr__(self) -> str:
        return f"<Vote {self.id} {self.subject_type}:{self.subject_id} {self.status}>"


class VoteOption(db.Model):
    """A candidate of a single-choice or ranked vote (a city, for elections)."""

    __tablename__ = "vote_options"

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(sa.ForeignKey("votes.id"), index=True)
    position: Mapped[int]
    label: Mapped[str] = mapped_column(sa.String(200))
    city_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cities.id"))

    vote: Mapped[Vote] = relationship(back_populates="options")
    city: Mapped[City | None] = relationship()

    __table_args__ = (sa.UniqueConstraint("vote_id", "position"),)


class ElectorateMember(db.Model):
    """A city entitled to vote, as fixed when the vote opened."""

    __tablename__ = "vote_electorate"

    vote_id: Mapped[int] = mapped_column(sa.ForeignKey("votes.id"), primary_key=True)
    city_id: Mapped[int] = mapped_column(sa.ForeignKey("cities.id"), primary_key=True)


class Participation(db.Model):
    """The public fact that a city voted. One per city per vote, by constraint."""

    __tablename__ = "vote_participations"

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(sa.ForeignKey("votes.id"))
    city_id: Mapped[int] = mapped_column(sa.ForeignKey("cities.id"), index=True)
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cast_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    # The city whose delegate cast this city's ballot by proxy at a meeting
    # (meetings/proxies.py); None when the city's own delegate cast it.
    proxy_holder_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cities.id"))

    city: Mapped[City] = relationship(foreign_keys=[city_id])

    __table_args__ = (sa.UniqueConstraint("vote_id", "city_id"),)


class Ballot(db.Model):
    """A ballot's content. Secret ballots carry neither the city nor the time.

    The key is the random receipt code, so nothing in a secret ballot's row orders
    or dates it against the participations.
    """

    __tablename__ = "ballots"

    receipt: Mapped[str] = mapped_column(sa.String(19), primary_key=True)
    vote_id: Mapped[int] = mapped_column(sa.ForeignKey("votes.id"))
    city_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cities.id"))  # recorded only
    choice: Mapped[Any] = mapped_column(sa.JSON)

    vote: Mapped[Vote] = relationship(back_populates="ballots")
    city: Mapped[City | None] = relationship()

    __table_args__ = (
        # A vote's ballots, and a page of its roll call in city-name order: the database
        # walks the cities by name and looks up each one's ballot here, instead of
        # sorting every ballot of a 13,000-city vote (issue #9).
        sa.Index("ix_ballots_vote_id_city_id", "vote_id", "city_id"),
    )


class SealedBallot(db.Model):
    """A secret ballot while its vote is open: encrypted, found by a keyed tag of its receipt.

    Written with its city's participation, so it must say nothing without the key
    (votes/sealing.py); opened, shuffled and published as ``Ballot`` rows at the count,
    then deleted.
    """

    __tablename__ = "sealed_ballots"

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(sa.ForeignKey("votes.id"), index=True)
    receipt_tag: Mapped[str] = mapped_column(sa.String(64), unique=True)
    sealed: Mapped[bytes] = mapped_column(sa.LargeBinary)
