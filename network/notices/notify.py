"""The network's notices: who is told of each change of state, and with what.

Each function is called by the service that makes the change (``votes.services.
open_vote`` calls :func:`vote_opened`), after its write and audit entry, inside its
transaction: the notices are queued if and only if the change is committed. Recipients
are chosen by one statement and queued with ``queue_many`` (COPY on PostgreSQL), so
telling the delegates of 13,000 cities costs a few statements, not one per person.
Every kind here is optional: each person may have it at once, in a daily digest, or
not at all (``/account/notices``), and each message carries a one-click unsubscribe.

Who receives what
-----------------
- a vote opened, its result published: the delegates of the cities of its electorate;
- a reminder before a vote closes: the delegates of the electorate's cities that have
  not voted (``notices.reminders``);
- a reminder before reports on a declaration's commitments are due: the delegates of
  its signatory cities that have not submitted one (``commitments.reminders``);
- a declaration open for signature: the delegates with signing authority of member
  cities; a city's signature recorded: that city's delegates;
- nominations opened: the delegates of member cities; a nomination to answer: the
  delegates of the nominated city;
- a motion proposed: the delegates of the other member cities; seconded: the
  proposer (and their city's delegates) and the secretariat; put to a vote: the
  delegates of the proposing and seconding cities (everyone hears of the vote itself);
- a meeting convened (with its calendar invitation) and its minutes published: the
  delegates of member cities.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from network.auth.models import Role, User
from network.cities.models import City, MembershipStatus
from network.common import clock
from network.db import db
from network.notices import services as notices
from network.notices.compose import Attachment, absolute_url
from network.notices.models import NoticeKind
from network.votes.models import ElectorateMember, Participation

if TYPE_CHECKING:
    from network.commitments.models import ReportingPeriod
    from network.declarations.models import Declaration
    from network.elections.models import Election, Nomination
    from network.meetings.models import Meeting
    from network.motions.models import Motion
    from network.votes.models import Vote


def _member_cities() -> sa.Select[tuple[int]]:
    return sa.select(City.id).where(City.status == MembershipStatus.member)


def _delegates_of(cities: sa.Select[tuple[int]] | list[int], *extra: Any) -> Any:
    """Return the active delegates of some cities (a statement or a list of ids)."""
    return notices.recipients_where(User.role == Role.delegate, User.city_id.in_(cities), *extra)


def electorate_of(vote: Vote) -> sa.Select[tuple[int]]:
    """Return the cities of a vote's electorate (fixed at its opening)."""
    return sa.select(ElectorateMember.city_id).where(ElectorateMember.vote_id == vote.id)


def not_voted_in(vote: Vote) -> sa.Select[tuple[int]]:
    """Return the cities of a vote's electorate that have not cast a ballot."""
    voted = sa.select(Participation.city_id).where(Participation.vote_id == vote.id)
    return electorate_of(vote).where(ElectorateMember.city_id.not_in(voted))


def _vote_context(vote: Vote) -> dict[str, Any]:
    return {
        "vote": vote,
        "title": vote.title,
        "closes_at": vote.closes_at,
        "link": absolute_url("votes.show", vote_id=vote.id),
    }


def vote_opened(vote: Vote, *, now: datetime) -> int:
    """Tell the delegates of the electorate's cities that a vote opened; return how many."""
    return notices.queue_many(
        NoticeKind.vote_opened,
        _delegates_of(electorate_of(vote)),
        now=now,
        context=_vote_context(vote),
    )


def vote_reminder(vote: Vote, *, now: datetime, by_hand: bool = False) -> int:
    """Remind the delegates of the cities yet to vote that the vote closes soon."""
    return notices.queue_many(
        NoticeKind.vote_reminder,
        _delegates_of(not_voted_in(vote)),
        now=now,
        context=_vote_context(vote) | {"by_hand": by_hand},
    )


def report_reminder(
    period: ReportingPeriod, title: str, awaiting: sa.Select[tuple[int]], *, now: datetime
) -> int:
    """Remind the delegates of signatory cities yet to report that reports are due soon.

    :param title: the declaration's title (in its authoritative language).
    :param awaiting: the ids of the cities with no submitted report for the period.
    """
    return notices.queue_many(
        NoticeKind.report_reminder,
        _delegates_of(awaiting),
        now=now,
        context={
            "title": title,
            "period": period.label,
            "due_on": period.due_on,
            "link": absolute_url("commitments.edit_report", slug=period.declaration.slug),
        },
    )


def result_published(vote: Vote, *, now: datetime) -> int:
    """Tell the delegates of the electorate's cities that a vote's result is published."""
    return notices.queue_many(
        NoticeKind.result_published,
        _delegates_of(electorate_of(vote)),
        now=now,
        context=_vote_context(vote) | {"closed_at": vote.closed_at},
    )


def declaration_open(declaration: Declaration, *, now: datetime) -> int:
    """Tell the delegates with signing authority of member cities that they may sign."""
    return notices.queue_many(
        NoticeKind.declaration_open,
        _delegates_of(_member_cities(), User.signing_authority.is_(True)),
        now=now,
        context={
            "declaration": declaration,
            "link": absolute_url("declarations.sign", slug=declaration.slug),
        },
    )


def signature_recorded(declaration: Declaration, city: City, *, now: datetime) -> int:
    """Tell a city's delegates that its signature of a declaration is recorded."""
    return notices.queue_many(
        NoticeKind.signature_recorded,
        _delegates_of([city.id]),
        now=now,
        context={
            "declaration": declaration,
            "city": city,
            "link": absolute_url("declarations.show", slug=declaration.slug),
        },
    )


def nominations_open(election: Election, *, now: datetime) -> int:
    """Tell the delegates of member cities that nominations opened for an office."""
    return notices.queue_many(
        NoticeKind.nominations_open,
        _delegates_of(_member_cities()),
        now=now,
        context={
            "election": election,
            "closes_at": election.nominations_close_at,
            "link": absolute_url("elections.show", election_id=election.id),
        },
    )


def nomination_to_answer(nomination: Nomination, *, now: datetime) -> int:
    """Tell the delegates of a nominated city that their nomination awaits an answer."""
    election = nomination.election
    return notices.queue_many(
        NoticeKind.nomination_to_answer,
        _delegates_of([nomination.city_id]),
        now=now,
        context={
            "election": election,
            "city": _city(nomination.city_id),
            "closes_at": election.nominations_close_at,
            "link": absolute_url("elections.show", election_id=election.id),
        },
    )


def _city(city_id: int | None) -> City | None:
    # By id: a relationship read before the change would still say None.
    return db.session.get(City, city_id) if city_id is not None else None


def _motion_context(motion: Motion) -> dict[str, Any]:
    return {
        "motion": motion,
        "proposer": _city(motion.proposer_city_id),
        "seconder": _city(motion.seconder_city_id),
        "link": absolute_url("motions.show", motion_id=motion.id),
    }


def motion_proposed(motion: Motion, *, now: datetime) -> int:
    """Tell the delegates of the other member cities that a motion awaits a second."""
    cities = _member_cities()
    if motion.proposer_city_id is not None:
        cities = cities.where(City.id != motion.proposer_city_id)
    return notices.queue_many(
        NoticeKind.motion_proposed,
        _delegates_of(cities),
        now=now,
        context=_motion_context(motion) | {"lapses_at": motion.lapses_at},
    )


def motion_seconded(motion: Motion, *, now: datetime) -> int:
    """Tell the proposer, their city's delegates and the secretariat that it was seconded."""
    who = [User.id == motion.proposer_id, User.role == Role.secretariat]
    if motion.proposer_city_id is not None:
        who.append(sa.and_(User.role == Role.delegate, User.city_id == motion.proposer_city_id))
    return notices.queue_many(
        NoticeKind.motion_seconded,
        notices.recipients_where(sa.or_(*who)),
        now=now,
        context=_motion_context(motion),
    )


def motion_put_to_vote(motion: Motion, vote: Vote, *, now: datetime) -> int:
    """Tell the delegates of the proposing and seconding cities that it is put to a vote."""
    cities = [
        city_id
        for city_id in (motion.proposer_city_id, motion.seconder_city_id)
        if city_id is not None
    ]
    if not cities:
        return 0
    return notices.queue_many(
        NoticeKind.motion_put_to_vote,
        _delegates_of(cities),
        now=now,
        context=_motion_context(motion)
        | {"closes_at": vote.closes_at, "vote_link": absolute_url("votes.show", vote_id=vote.id)},
    )


def _meeting_context(meeting: Meeting) -> dict[str, Any]:
    return {
        "meeting": meeting,
        "link": absolute_url("meetings.show", meeting_id=meeting.id),
    }


def meeting_convened(meeting: Meeting, *, now: datetime) -> int:
    """Tell the delegates of member cities that a meeting is convened, invitation attached.

    The attachment is the meeting's event as the calendars give it (same UID), so a
    calendar application files it once and updates it from the feeds.
    """
    from network.calendars.events import meeting_calendar

    invitation = Attachment(
        filename="meeting.ics",
        content_type="text/calendar; method=PUBLISH",
        content=meeting_calendar(meeting, stamp=now),
    )
    return notices.queue_many(
        NoticeKind.meeting_convened,
        _delegates_of(_member_cities()),
        now=now,
        context=_meeting_context(meeting),
        attachments=[invitation],
    )


def notify_minutes_published(meeting: Meeting, *, now: datetime | None = None) -> int:
    """Tell the delegates of member cities that a meeting's minutes are published.

    For the minutes' service to call in the transaction that publishes them.
    """
    return notices.queue_many(
        NoticeKind.minutes_published,
        _delegates_of(_member_cities()),
        now=now or clock.now(),
        context=_meeting_context(meeting),
    )
