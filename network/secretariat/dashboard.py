"""The secretariat's dashboard: what is under way in the network and what awaits a decision.

Each card is read with one aggregate statement (the titles of the votes shown come
from their subjects, one statement per kind of subject: ``home.desk.vote_titles``),
so that the page of a 13,000-city network costs what the page of a ten-city one
does: counts are counted by the database, and only a few names of the cities that
have not voted are read, never the whole electorate. The undelivered mail is counted
the same way (``notices.queries.undelivered``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import get_locale
from sqlalchemy.orm import aliased, joinedload

from network.auth.models import Invitation, Role, User
from network.cities.models import City, CityText
from network.db import db
from network.declarations.models import Declaration, DeclarationStatus, Signature
from network.elections.models import Election, ElectionStatus, Nomination, NominationStatus
from network.home.desk import upcoming_meetings, vote_titles
from network.meetings.models import Meeting
from network.motions.models import Motion, MotionStatus
from network.notices.queries import Undelivered, undelivered
from network.votes import tally
from network.votes.models import ElectorateMember, Participation, Vote, VoteStatus

# Cities named under each open vote's "not voted yet"; the rest are counted.
NON_VOTERS_SHOWN = 12
INVITATIONS_SHOWN = 20
# The stages an election goes through, in order; certified ones are done and not shown.
STAGES = [
    ElectionStatus.nominating,
    ElectionStatus.ready,
    ElectionStatus.balloting,
    ElectionStatus.tie,
    ElectionStatus.to_certify,
]


def _city_name(language: str) -> tuple[type[CityText], sa.ColumnElement[str], sa.ColumnElement]:
    """Return a city's name in ``language`` (else in English) as a column, with its join."""
    local = aliased(CityText)
    on = sa.and_(local.city_id == City.id, local.language == language)
    return local, sa.func.coalesce(local.name, City.name), on


@dataclass(frozen=True)
class Turnout:
    """An open vote, the ballots cast so far, and the first cities that have not voted."""

    vote: Vote
    cast: int
    quorum: tally.Quorum | None
    non_voters: list[tuple[str, str]]  # (slug, name in the reader's language), by name

    @property
    def electorate(self) -> int:
        """Return the number of cities in the electorate (fixed at opening)."""
        return self.vote.electorate_size or 0

    @property
    def not_voted(self) -> int:
        """Return the number of cities of the electorate that have not voted."""
        return self.electorate - self.cast

    @property
    def more_non_voters(self) -> int:
        """Return how many cities that have not voted are not named."""
        return self.not_voted - len(self.non_voters)

    @property
    def percent(self) -> int:
        """Return the turnout so far, in whole per cent of the electorate."""
        return self.cast * 100 // self.electorate if self.electorate else 0


def open_votes_with_turnout() -> list[tuple[Vote, int]]:
    """Return the open votes, soonest closing first, each with the ballots cast so far."""
    cast = (
        sa.select(sa.func.count())
        .where(Participation.vote_id == Vote.id)
        .correlate(Vote)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(Vote, cast)
        .where(Vote.status == VoteStatus.open)
        .order_by(Vote.closes_at.is_(None), Vote.closes_at, Vote.id)
    )
    return [(vote, count) for vote, count in rows]


def first_non_voters(
    vote_ids: list[int], language: str, limit: int = NON_VOTERS_SHOWN
) -> dict[int, list[tuple[str, str]]]:
    """Return, per vote, the first ``limit`` cities of its electorate (by name) not voted yet.

    One statement for every vote: a branch per vote (few are open at once) that walks
    the cities in name order (their index) and stops at the ``limit``-th that has not
    voted, instead of numbering the whole electorate of each vote.
    """
    if not vote_ids:
        return {}
    local, name, on = _city_name(language)
    branches = []
    for vote_id in vote_ids:
        in_electorate = sa.exists().where(
            ElectorateMember.vote_id == vote_id, ElectorateMember.city_id == City.id
        )
        voted = sa.exists().where(
            Participation.vote_id == vote_id, Participation.city_id == City.id
        )
        first = (
            sa.select(
                sa.literal(vote_id).label("vote_id"),
                City.slug,
                name.label("name"),
                City.name.label("english"),
                City.id.label("city_id"),
            )
            .outerjoin(local, on)
            .where(in_electorate, ~voted)
            .order_by(City.name, City.id)
            .limit(limit)
            .subquery()
        )
        branches.append(sa.select(first.c))
    # A union's rows come in no promised order: each vote's few are put in order here.
    rows = sorted(
        db.session.execute(sa.union_all(*branches)),
        key=lambda row: (row.vote_id, row.english, row.city_id),
    )
    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for row in rows:
        found[row.vote_id].append((row.slug, row.name))
    return found


def pending_votes() -> list[Vote]:
    """Return the votes prepared but not yet open, soonest opening first."""
    return list(
        db.session.scalars(
            sa.select(Vote)
            .where(Vote.status == VoteStatus.pending)
            .order_by(Vote.opens_at.is_(None), Vote.opens_at, Vote.id)
        )
    )


@dataclass(frozen=True)
class Scheduled:
    """A vote's opening or closing, at a set time."""

    at: datetime
    event: str  # "opens" or "closes"
    vote: Vote


def schedule(open_votes: list[Vote], pending: list[Vote], now: datetime) -> list[Scheduled]:
    """Return the set openings and closings of votes to come, soonest first.

    An open vote past its closing time is listed too (as closing): it awaits its count.
    Declarations open and close by the secretariat's hand, at no set time.
    """
    events = [Scheduled(vote.closes_at, "closes", vote) for vote in open_votes if vote.closes_at]
    for vote in pending:
        if vote.opens_at:
            events.append(Scheduled(vote.opens_at, "opens", vote))
        if vote.closes_at:
            events.append(Scheduled(vote.closes_at, "closes", vote))
    return sorted(events, key=lambda event: (event.at, event.vote.id))


@dataclass(frozen=True)
class MotionRow:
    """A seconded motion awaiting a vote, with its cities named in the reader's language."""

    motion: Motion
    proposer: str | None
    seconder: str | None


def motions_awaiting_a_vote(language: str) -> list[MotionRow]:
    """Return the seconded motions (awaiting the secretariat's vote), first seconded first."""
    proposer, proposer_text = aliased(City), aliased(CityText)
    seconder, seconder_text = aliased(City), aliased(CityText)
    rows = db.session.execute(
        sa.select(
            Motion,
            sa.func.coalesce(proposer_text.name, proposer.name),
            sa.func.coalesce(seconder_text.name, seconder.name),
        )
        .outerjoin(proposer, proposer.id == Motion.proposer_city_id)
        .outerjoin(
            proposer_text,
            sa.and_(proposer_text.city_id == proposer.id, proposer_text.language == language),
        )
        .outerjoin(seconder, seconder.id == Motion.seconder_city_id)
        .outerjoin(
            seconder_text,
            sa.and_(seconder_text.city_id == seconder.id, seconder_text.language == language),
        )
        .where(Motion.status == MotionStatus.seconded)
        .order_by(Motion.seconded_at, Motion.id)
    )
    return [MotionRow(motion, first, second) for motion, first, second in rows]


@dataclass(frozen=True)
class ElectionRow:
    """An election under way, with its nominations counted."""

    election: Election
    accepted: int
    pending: int


def elections_by_stage() -> dict[ElectionStatus, list[ElectionRow]]:
    """Return the elections not yet certified, grouped by stage in the order of their life."""

    def count(status: NominationStatus) -> sa.ScalarSelect[int]:
        return (
            sa.select(sa.func.count())
            .where(Nomination.election_id == Election.id, Nomination.status == status)
            .correlate(Election)
            .scalar_subquery()
        )

    rows = db.session.execute(
        sa.select(Election, count(NominationStatus.accepted), count(NominationStatus.pending))
        .where(Election.status != ElectionStatus.certified)
        .order_by(Election.term_start, Election.id)
    )
    stages: dict[ElectionStatus, list[ElectionRow]] = {}
    for election, accepted, pending in rows:
        stages.setdefault(election.status, []).append(ElectionRow(election, accepted, pending))
    return {stage: stages[stage] for stage in STAGES if stage in stages}


def declarations_with_signatures() -> list[tuple[Declaration, int]]:
    """Return the drafts and the declarations open for signature, with standing signatures.

    Open ones first, newest first; the count leaves withdrawn signatures out.
    """
    standing = (
        sa.select(sa.func.count())
        .where(Signature.declaration_id == Declaration.id, Signature.withdrawn_at.is_(None))
        .correlate(Declaration)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(Declaration, standing)
        .where(Declaration.status.in_([DeclarationStatus.open, DeclarationStatus.draft]))
        .options(joinedload(Declaration.texts))
        .order_by(
            Declaration.status != DeclarationStatus.open,
            Declaration.opened_on.desc(),
            Declaration.id.desc(),
        )
    ).unique()
    return [(declaration, count) for declaration, count in rows]


@dataclass(frozen=True)
class WaitingInvitation:
    """A person invited who has not yet set a password."""

    user_id: int
    name: str
    email: str
    role: Role
    city: str | None  # the delegate's city, in the reader's language
    invited_at: datetime | None
    expires_at: datetime | None

    def is_expired(self, now: datetime) -> bool:
        """Tell whether the invitation's link no longer works (a new one must be sent)."""
        return self.expires_at is None or self.expires_at <= now


def invitations_not_accepted(
    language: str, limit: int = INVITATIONS_SHOWN
) -> tuple[list[WaitingInvitation], int]:
    """Return the newest invitations not yet accepted (active accounts without a password).

    With each its latest link's times, and the number of them all, in one statement.
    """
    latest = (
        sa.select(Invitation.user_id, sa.func.max(Invitation.id).label("id"))
        .group_by(Invitation.user_id)
        .subquery()
    )
    local, name, on = _city_name(language)
    rows = db.session.execute(
        sa.select(
            User.id,
            User.name,
            User.email,
            User.role,
            name,
            Invitation.created_at,
            Invitation.expires_at,
            sa.func.count().over(),
        )
        .outerjoin(City, City.id == User.city_id)
        .outerjoin(local, on)
        .outerjoin(latest, latest.c.user_id == User.id)
        .outerjoin(Invitation, Invitation.id == latest.c.id)
        .where(User.password_hash.is_(None), User.active.is_(True))
        .order_by(Invitation.created_at.is_(None), Invitation.created_at.desc(), User.id.desc())
        .limit(limit)
    ).all()
    waiting = [
        WaitingInvitation(user_id, person, email, role, city, invited_at, expires_at)
        for user_id, person, email, role, city, invited_at, expires_at, _total in rows
    ]
    return waiting, rows[0][-1] if rows else 0


@dataclass(frozen=True)
class Dashboard:
    """Everything the dashboard shows, card by card."""

    turnout: list[Turnout]
    titles: dict[int, str]  # vote id → title in the reader's language
    scheduled: list[Scheduled]
    motions: list[MotionRow]
    elections: dict[ElectionStatus, list[ElectionRow]]
    declarations: list[tuple[Declaration, int]]
    invitations: list[WaitingInvitation]
    invitations_total: int
    meetings: list[Meeting]
    mail: Undelivered


def dashboard(*, now: datetime, today: date) -> Dashboard:
    """Gather the secretariat's dashboard."""
    language = str(get_locale())
    open_votes = open_votes_with_turnout()
    pending = pending_votes()
    non_voters = first_non_voters([vote.id for vote, _cast in open_votes], language)
    turnout = [
        Turnout(
            vote,
            cast,
            tally.quorum(vote.electorate_size, cast, vote.quorum)
            if vote.quorum is not None and vote.electorate_size is not None
            else None,
            non_voters.get(vote.id, []),
        )
        for vote, cast in open_votes
    ]
    invitations, invitations_total = invitations_not_accepted(language)
    return Dashboard(
        turnout=turnout,
        titles=vote_titles([*(vote for vote, _cast in open_votes), *pending]),
        scheduled=schedule([vote for vote, _cast in open_votes], pending, now),
        motions=motions_awaiting_a_vote(language),
        elections=elections_by_stage(),
        declarations=declarations_with_signatures(),
        invitations=invitations,
        invitations_total=invitations_total,
        meetings=upcoming_meetings(today),
        mail=undelivered(now),
    )
