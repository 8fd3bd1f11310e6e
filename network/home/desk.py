"""Each person's desk: what awaits a delegate's city, or an observer, on the home page.

A delegate's desk is their city's: the ballots it has still to cast, the declarations
it has not signed (and, to a delegate without signing authority, who in the city may
sign), the nominations it has to answer and the elections taking nominations, the
motions of other cities awaiting a second, the drafts open for comment, the meetings
ahead, and what the city did lately. An observer's desk holds the drafts open for
comment and the meetings ahead. Both also list every open vote of the network, as the
public home page does, each to its page (where a delegate's city may be told why it
cannot vote).

Every list is read with a fixed number of statements, whatever the number of items
or of cities: no statement per vote, declaration or motion. A vote's title is given by
its subject (``votes.services.describe``), which looks its subject up by id; the
subjects of every vote on the page are loaded beforehand in one statement per kind of
subject, so that each look-up is answered by the session without a query.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask import url_for
from flask_babel import get_locale
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from network.auth.models import User
from network.charter import services as charter_services
from network.charter.models import CharterComment, CharterVersion, VersionStatus
from network.cities import queries as city_queries
from network.cities.models import City
from network.db import db
from network.declarations.models import Declaration, DeclarationStatus, Signature
from network.elections import services as election_services
from network.elections.models import Election, ElectionStatus, Nomination, NominationStatus
from network.meetings.models import Meeting
from network.motions import services as motion_services
from network.motions.models import Motion, MotionStatus
from network.votes import queries as vote_queries
from network.votes import services as vote_services
from network.votes.models import ElectorateMember, Participation, Vote, VoteStatus

UPCOMING_MEETINGS = 5
RECENT_ACTIVITY = 8


# Reads shared with the secretariat's dashboard.


def load_vote_subjects(votes: Iterable[Vote]) -> list[object]:
    """Load the subjects of ``votes`` into the session: one statement per kind of subject.

    ``votes.services.describe`` then finds each subject in the session instead of
    querying for it (an election's rounds come along: its title names the round). The
    session holds its objects weakly: keep the returned list while describing.
    """
    wanted: dict[str, set[int]] = defaultdict(set)
    for vote in votes:
        wanted[vote.subject_type].add(vote.subject_id)
    readers = {
        charter_services.SUBJECT: lambda ids: sa.select(CharterVersion).where(
            CharterVersion.id.in_(ids)
        ),
        election_services.SUBJECT: lambda ids: (
            sa.select(Election).where(Election.id.in_(ids)).options(selectinload(Election.rounds))
        ),
        motion_services.SUBJECT: lambda ids: sa.select(Motion).where(Motion.id.in_(ids)),
    }
    loaded: list[object] = []
    for subject_type, ids in wanted.items():
        if subject_type in readers:
            loaded.extend(db.session.scalars(readers[subject_type](ids)))
    return loaded


def describe_votes(votes: Iterable[Vote]) -> dict[int, tuple[str, str]]:
    """Return each vote's title in the reader's language and its subject's address, by id.

    As ``votes.services.describe``, with every subject loaded beforehand (see above).
    """
    votes = list(votes)
    subjects = load_vote_subjects(votes)
    described = {vote.id: vote_services.describe(vote) for vote in votes}
    del subjects  # held until every vote is described
    return described


def vote_titles(votes: Iterable[Vote]) -> dict[int, str]:
    """Return each vote's title in the reader's language, by vote id (see above)."""
    return {vote_id: title for vote_id, (title, _url) in describe_votes(votes).items()}


def upcoming_meetings(today: date, limit: int = UPCOMING_MEETINGS) -> list[Meeting]:
    """Return the meetings held today or later, soonest first."""
    return list(
        db.session.scalars(
            sa.select(Meeting)
            .where(Meeting.held_on >= today)
            .order_by(Meeting.held_on, Meeting.id)
            .limit(limit)
        )
    )


def drafts_for_comment() -> list[tuple[CharterVersion, int]]:
    """Return the charter drafts (open for comment) with the number of comments on each."""
    comments = (
        sa.select(sa.func.count())
        .where(CharterComment.version_id == CharterVersion.id)
        .correlate(CharterVersion)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(CharterVersion, comments)
        .where(CharterVersion.status == VersionStatus.draft)
        .order_by(CharterVersion.number)
    )
    return [(version, count) for version, count in rows]


# A delegate's desk.


def _open_for_ballots(now: datetime) -> sa.ColumnElement[bool]:
    """Select the votes that take ballots at ``now`` (votes.rules.is_accepting_ballots)."""
    return sa.and_(
        Vote.status == VoteStatus.open, sa.or_(Vote.closes_at.is_(None), Vote.closes_at > now)
    )


def ballots_to_cast(city_id: int, now: datetime) -> list[Vote]:
    """Return the votes taking ballots in whose electorate the city is and it has not voted.

    Soonest closing first; votes without a closing time last.
    """
    in_electorate = sa.exists().where(
        ElectorateMember.vote_id == Vote.id, ElectorateMember.city_id == city_id
    )
    voted = sa.exists().where(Participation.vote_id == Vote.id, Participation.city_id == city_id)
    return list(
        db.session.scalars(
            sa.select(Vote)
            .where(_open_for_ballots(now), in_electorate, ~voted)
            .order_by(Vote.closes_at.is_(None), Vote.closes_at, Vote.id)
        )
    )


def declarations_to_sign(city_id: int) -> list[Declaration]:
    """Return the declarations open for signature that the city has not signed, newest first.

    A withdrawn signature counts as signed: one signature per city and declaration.
    """
    signed = sa.exists().where(
        Signature.declaration_id == Declaration.id, Signature.city_id == city_id
    )
    statement = (
        sa.select(Declaration)
        .where(Declaration.status == DeclarationStatus.open, ~signed)
        .options(joinedload(Declaration.texts))
        .order_by(Declaration.opened_on.desc(), Declaration.id.desc())
    )
    return list(db.session.scalars(statement).unique())


def _taking_nominations(now: datetime) -> sa.ColumnElement[bool]:
    """Select the elections taking nominations at ``now`` (as elections.services decides)."""
    return sa.and_(
        Election.status == ElectionStatus.nominating,
        sa.or_(Election.nominations_close_at.is_(None), Election.nominations_close_at > now),
    )


def nominations_to_answer(city_id: int, now: datetime) -> list[Nomination]:
    """Return the nominations of the city that await its answer, in elections still nominating."""
    return list(
        db.session.scalars(
            sa.select(Nomination)
            .join(Nomination.election)
            .where(
                Nomination.city_id == city_id,
                Nomination.status == NominationStatus.pending,
                _taking_nominations(now),
            )
            .options(contains_eager(Nomination.election))
            .order_by(Election.nominations_close_at.is_(None), Election.nominations_close_at)
        )
    )


def elections_taking_nominations(now: datetime) -> list[Election]:
    """Return the elections in which any member city may be nominated now, closing first."""
    return list(
        db.session.scalars(
            sa.select(Election)
            .where(_taking_nominations(now))
            .order_by(
                Election.nominations_close_at.is_(None),
                Election.nominations_close_at,
                Election.id,
            )
        )
    )


def motions_to_second(city_id: int, now: datetime) -> list[Motion]:
    """Return other cities' motions awaiting a second, soonest lapsing first.

    With the proposing city named in every language and the translations of each motion.
    """
    return list(
        db.session.scalars(
            sa.select(Motion)
            .where(
                Motion.status == MotionStatus.proposed,
                Motion.lapses_at > now,
                sa.or_(Motion.proposer_city_id.is_(None), Motion.proposer_city_id != city_id),
            )
            .options(
                selectinload(Motion.proposer_city).selectinload(City.texts),
                selectinload(Motion.translations),
            )
            .order_by(Motion.lapses_at, Motion.id)
        )
    )


@dataclass(frozen=True)
class Activity:
    """Something the city did: a ballot cast, a declaration signed, a motion proposed or seconded.

    ``kind`` is ``ballot``, ``signature``, ``proposed`` or ``seconded``; ``by`` names
    the person who acted for the city, when known.
    """

    at: datetime
    kind: str
    title: str
    url: str
    by: str | None = None
    note: str | None = None


def _recent_ballots(city_id: int, limit: int) -> list[tuple[datetime, str, Vote]]:
    rows = db.session.execute(
        sa.select(Participation.cast_at, User.name, Vote)
        .join(Vote, Vote.id == Participation.vote_id)
        .join(User, User.id == Participation.cast_by_id)
        .where(Participation.city_id == city_id)
        .order_by(Participation.cast_at.desc(), Participation.id.desc())
        .limit(limit)
    )
    return [(cast_at, name, vote) for cast_at, name, vote in rows]


def _recent_signatures(city_id: int, limit: int) -> list[Signature]:
    return list(
        db.session.scalars(
            sa.select(Signature)
            .where(Signature.city_id == city_id)
            .options(selectinload(Signature.declaration).selectinload(Declaration.texts))
            .order_by(Signature.recorded_at.desc(), Signature.id.desc())
            .limit(limit)
        )
    )


def _recent_motions(city_id: int, limit: int) -> list[Motion]:
    return list(
        db.session.scalars(
            sa.select(Motion)
            .where(sa.or_(Motion.proposer_city_id == city_id, Motion.seconder_city_id == city_id))
            .options(selectinload(Motion.translations))
            .order_by(Motion.id.desc())
            .limit(limit)
        )
    )


def recent_activity(
    city_id: int,
    ballots: list[tuple[datetime, str, Vote]],
    titles: dict[int, str],
    limit: int = RECENT_ACTIVITY,
) -> list[Activity]:
    """Return what the city did lately, newest first: ballots, signatures, motions.

    :param ballots: the city's latest ballots (``_recent_ballots``), whose titles are in
        ``titles`` (read with the rest of the page's votes).
    """
    language = str(get_locale())
    found = [
        Activity(at, "ballot", titles[vote.id], url_for("votes.show", vote_id=vote.id), by)
        for at, by, vote in ballots
    ]
    for signature in _recent_signatures(city_id, limit):
        declaration = signature.declaration
        text = declaration.text_in(language)
        found.append(
            Activity(
                signature.recorded_at,
                "signature",
                text.title if text else declaration.slug,
                url_for("declarations.show", slug=declaration.slug),
                signature.signatory_name,
                note="withdrawn" if signature.is_withdrawn else None,
            )
        )
    for motion in _recent_motions(city_id, limit):
        title = motion.wording_in(language).title
        address = url_for("motions.show", motion_id=motion.id)
        if motion.proposer_city_id == city_id:
            found.append(Activity(motion.proposed_at, "proposed", title, address))
        if motion.seconder_city_id == city_id and motion.seconded_at is not None:
            found.append(Activity(motion.seconded_at, "seconded", title, address))
    found.sort(key=lambda activity: activity.at, reverse=True)
    return found[:limit]


@dataclass(frozen=True)
class DelegateDesk:
    """What awaits a delegate's city, and what it did lately."""

    city: City
    in_good_standing: bool
    may_sign: bool  # the delegate holds signing authority
    ballots: list[Vote]
    titles: dict[int, str]  # vote id → title in the reader's language
    # Every open vote of the network (vote, title, address), as the public home page lists them.
    open_votes: list[tuple[Vote, str, str]]
    declarations: list[Declaration]
    signers: list[User]  # who in the city may sign, for a delegate who may not
    nominations: list[Nomination]
    elections: list[Election]
    motions: list[Motion]
    drafts: list[tuple[CharterVersion, int]]
    meetings: list[Meeting]
    recent: list[Activity] = field(default_factory=list)

    @property
    def has_work(self) -> bool:
        """Tell whether anything awaits the city's answer."""
        return bool(self.ballots or self.declarations or self.nominations or self.motions)


def delegate_desk(user: User, *, now: datetime) -> DelegateDesk:
    """Gather a delegate's desk: their city's pending work, the meetings ahead, its record.

    A city not in good standing neither votes, signs, nominates nor seconds: its desk
    holds only what it may still read, and its record.
    """
    city = (
        db.session.scalars(
            sa.select(City).where(City.id == user.city_id).options(joinedload(City.texts))
        )
        .unique()
        .one_or_none()
    )
    assert city is not None, "a delegate belongs to a city (database constraint)"
    standing = city.is_in_good_standing
    ballots = ballots_to_cast(city.id, now) if standing else []
    declarations = declarations_to_sign(city.id) if standing else []
    recent_ballots = _recent_ballots(city.id, RECENT_ACTIVITY)
    open_votes = vote_queries.open_votes()
    described = describe_votes(
        [*ballots, *open_votes, *(vote for _at, _by, vote in recent_ballots)]
    )
    titles = {vote_id: title for vote_id, (title, _url) in described.items()}
    return DelegateDesk(
        city=city,
        in_good_standing=standing,
        may_sign=user.signing_authority,
        ballots=ballots,
        titles=titles,
        open_votes=[(vote, *described[vote.id]) for vote in open_votes],
        declarations=declarations,
        signers=city_queries.signers_of(city.id)
        if declarations and not user.signing_authority
        else [],
        nominations=nominations_to_answer(city.id, now) if standing else [],
        elections=elections_taking_nominations(now) if standing else [],
        motions=motions_to_second(city.id, now) if standing else [],
        drafts=drafts_for_comment(),
        meetings=upcoming_meetings(now.date()),
        recent=recent_activity(city.id, recent_ballots, titles),
    )


@dataclass(frozen=True)
class ObserverDesk:
    """What an observer may follow: drafts open for comment, the meetings and votes under way."""

    drafts: list[tuple[CharterVersion, int]]
    meetings: list[Meeting]
    open_votes: list[tuple[Vote, str, str]]  # (vote, title, address), as on the public page


def observer_desk(*, now: datetime) -> ObserverDesk:
    """Gather an observer's desk."""
    open_votes = vote_queries.open_votes()
    described = describe_votes(open_votes)
    return ObserverDesk(
        drafts=drafts_for_comment(),
        meetings=upcoming_meetings(now.date()),
        open_votes=[(vote, *described[vote.id]) for vote in open_votes],
    )
