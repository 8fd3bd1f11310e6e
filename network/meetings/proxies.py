"""Proxies: a member city absent from a meeting gives its proxy to a city present.

A delegate with signing authority gives the city's proxy for one meeting to another
member city, within the charter's rules (whether proxies are allowed, and how many one
city may hold: charter/rules.py), and may revoke it until the meeting opens. A proxy
counts for the quorum in the room while its holder is present and its giver absent
(meetings/attendance.py). In a vote opened at the meeting (``AgendaItem.vote_id``), a
delegate of the holder casts the giver's ballot as a separate ballot: it is the giver's
one ballot (the vote engine's constraint still holds), and the participation records the
holder, so the roll call says "by proxy held by …". A secret ballot stays secret: the
receipt is shown to the holder's delegate once, and the sealed content is tied to
nothing more than any secret ballot is. Each grant, revocation and use is one audit
entry, written in the same transaction (the use is the ballot's ``vote.ballot_cast``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from network.audit.services import record
from network.auth.models import Role, User
from network.charter.queries import rules_in_force
from network.cities.models import City
from network.common.errors import (
    AlreadyVoted,
    Conflict,
    DomainError,
    InvalidInput,
    NotAllowed,
    NotInElectorate,
)
from network.db import db, violates
from network.meetings import attendance
from network.meetings.attendance_rules import ProxyRefusal, proxy_refusal
from network.meetings.models import AgendaItem, Meeting, MeetingStatus, Proxy
from network.votes import services as vote_services
from network.votes.models import Ballot, Participation, Vote

# The database's guarantee of one proxy in force per giving city and meeting.
ONE_PROXY_PER_GIVER = "uq_meeting_proxies_in_force"


def _refusal_message(reason: ProxyRefusal, giver: City, holder: City, per_city: int) -> str:
    """Say why a proxy cannot be given, in the reader's language."""
    if reason is ProxyRefusal.not_allowed:
        return _("The charter in force does not allow proxies.")
    if reason is ProxyRefusal.meeting_open:
        return _("The meeting has opened: a proxy can be given only before it opens.")
    if reason is ProxyRefusal.to_itself:
        return _("A city cannot give its proxy to itself.")
    if reason is ProxyRefusal.giver_not_member:
        return _("Only a member city in good standing can give its proxy.")
    if reason is ProxyRefusal.holder_not_member:
        return _(
            "%(city)s is not a member city in good standing: a proxy goes to a member.",
            city=holder.name,
        )
    if reason is ProxyRefusal.already_given:
        return _(
            "%(city)s has already given its proxy for this meeting. Revoke it first.",
            city=giver.name,
        )
    if reason is ProxyRefusal.giver_present:
        return _(
            "%(city)s is recorded present at the meeting: a city present votes itself.",
            city=giver.name,
        )
    if reason is ProxyRefusal.holder_gave:
        return _(
            "%(city)s has given its own proxy for this meeting: it cannot hold another's.",
            city=holder.name,
        )
    if reason is ProxyRefusal.giver_holds:
        return _(
            "%(city)s holds another city's proxy for this meeting: it cannot give its own.",
            city=giver.name,
        )
    return _(
        "%(city)s already holds as many proxies as the charter allows (%(limit)s).",
        city=holder.name,
        limit=per_city,
    )


def _check_signatory(actor: User) -> City:
    if actor.role is not Role.delegate or actor.city is None or not actor.signing_authority:
        raise NotAllowed(
            _("Only a delegate with signing authority can give or revoke the city's proxy.")
        )
    return actor.city


def proxies_of(meeting: Meeting) -> list[Proxy]:
    """Return every proxy of a meeting, revoked ones too, in the order they were given."""
    return list(
        db.session.scalars(
            sa.select(Proxy)
            .where(Proxy.meeting_id == meeting.id)
            .order_by(Proxy.granted_at, Proxy.id)
            .options(
                selectinload(Proxy.giver).selectinload(City.texts),
                selectinload(Proxy.holder).selectinload(City.texts),
                selectinload(Proxy.granted_by),
            )
        )
    )


def proxy_given_by(meeting: Meeting, city_id: int) -> Proxy | None:
    """Return the proxy in force that a city gave for a meeting, if any."""
    return db.session.scalar(
        sa.select(Proxy).where(
            Proxy.meeting_id == meeting.id, Proxy.giver_id == city_id, Proxy.revoked_at.is_(None)
        )
    )


def proxies_held_by(meeting: Meeting, city_id: int) -> list[Proxy]:
    """Return the proxies in force that a city holds for a meeting."""
    return list(
        db.session.scalars(
            sa.select(Proxy)
            .where(
                Proxy.meeting_id == meeting.id,
                Proxy.holder_id == city_id,
                Proxy.revoked_at.is_(None),
            )
            .order_by(Proxy.id)
            .options(selectinload(Proxy.giver).selectinload(City.texts))
        )
    )


def grant_proxy(meeting: Meeting, holder: City, *, actor: User, now: datetime) -> Proxy:
    """Give the actor's city's proxy for a meeting to another member city.

    :raises NotAllowed: when the actor is not a delegate with signing authority.
    :raises Conflict: when the charter does not allow it, the meeting has opened, the
        city has given its proxy already, is present or holds another's, or the holder
        holds the most the charter allows or gave its own proxy.
    :raises InvalidInput: for a proxy to the city itself or to a city not a member.
    """
    giver = _check_signatory(actor)
    meeting = attendance.lock_meeting(meeting, shared=False)
    rules, _source, _version = rules_in_force()
    in_force = attendance.proxies_in_force(meeting)
    reason = proxy_refusal(
        allowed=rules.proxies_allowed,
        per_city=rules.proxies_per_city,
        meeting_convened=meeting.status is MeetingStatus.convened,
        giver=giver.id,
        holder=holder.id,
        members=attendance.member_ids(),
        present=attendance.present_city_ids(meeting),
        givers=set(in_force),
        held_by_holder=sum(1 for held in in_force.values() if held == holder.id),
        held_by_giver=sum(1 for held in in_force.values() if held == giver.id),
    )
    if reason is not None:
        message = _refusal_message(reason, giver, holder, rules.proxies_per_city)
        if reason in {ProxyRefusal.to_itself, ProxyRefusal.holder_not_member}:
            raise InvalidInput(message, field="holder")
        if reason is ProxyRefusal.giver_not_member:
            raise NotAllowed(message)
        raise Conflict(message)
    proxy = Proxy(
        meeting_id=meeting.id,
        giver_id=giver.id,
        holder_id=holder.id,
        granted_at=now,
        granted_by_id=actor.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(proxy)
    except IntegrityError as error:
        if not violates(error, ONE_PROXY_PER_GIVER):
            raise
        raise Conflict(
            _refusal_message(ProxyRefusal.already_given, giver, holder, rules.proxies_per_city)
        ) from None
    record(
        "meeting.proxy_granted",
        subject=("meeting", meeting.id),
        actor=actor,
        now=now,
        data={"proxy": proxy.id, "giver": giver.slug, "holder": holder.slug},
    )
    return proxy


def revoke_proxy(meeting: Meeting, *, actor: User, now: datetime) -> Proxy:
    """Take back the actor's city's proxy for a meeting, before the meeting opens.

    :raises NotAllowed: when the actor is not a delegate with signing authority.
    :raises Conflict: when the city gave no proxy, or the meeting has opened.
    """
    giver = _check_signatory(actor)
    meeting = attendance.lock_meeting(meeting, shared=False)
    proxy = proxy_given_by(meeting, giver.id)
    if proxy is None:
        raise Conflict(_("Your city has given no proxy for this meeting."))
    if meeting.status is not MeetingStatus.convened:
        raise Conflict(_("The meeting has opened: a proxy can be revoked only before it opens."))
    proxy.revoked_at = now
    proxy.revoked_by_id = actor.id
    db.session.flush()
    record(
        "meeting.proxy_revoked",
        subject=("meeting", meeting.id),
        actor=actor,
        now=now,
        data={
            "proxy": proxy.id,
            "giver": giver.slug,
            "holder": db.session.get(City, proxy.holder_id).slug,
        },
    )
    return proxy


def meeting_of_vote(vote: Vote) -> Meeting | None:
    """Return the meeting whose agenda item the vote was opened for, if any."""
    return db.session.scalar(
        sa.select(Meeting)
        .join(AgendaItem, AgendaItem.meeting_id == Meeting.id)
        .where(AgendaItem.vote_id == vote.id)
    )


def proxy_ballot_refusal(
    vote: Vote, giver: City, *, actor: User, now: datetime
) -> DomainError | None:
    """Return why the actor cannot cast ``giver``'s ballot by proxy now, or None.

    The pages show it instead of a ballot form; :func:`cast_ballot_by_proxy` refuses with
    the same errors.
    """
    meeting = meeting_of_vote(vote)
    if meeting is None:
        return NotAllowed(
            _("This vote was not opened at a meeting: ballots by proxy are cast only there.")
        )
    proxy = proxy_given_by(meeting, giver.id)
    if proxy is None:
        return NotAllowed(
            _("%(city)s has given no proxy for this meeting, or has revoked it.", city=giver.name)
        )
    holder = db.session.get(City, proxy.holder_id)
    if actor.role is not Role.delegate or actor.city_id != holder.id:
        return NotAllowed(
            _(
                "Only a delegate of %(holder)s, which holds the proxy, can cast %(city)s's ballot.",
                holder=holder.name,
                city=giver.name,
            )
        )
    present = attendance.present_city_ids(meeting)
    if giver.id in present:
        return Conflict(
            _(
                "%(city)s is present at the meeting: its own delegates cast its ballot, and "
                "its proxy cannot be used.",
                city=giver.name,
            )
        )
    if holder.id not in present:
        return Conflict(
            _(
                "%(holder)s is not recorded present at the meeting: a proxy is used by a city "
                "present.",
                holder=holder.name,
            )
        )
    refusal = vote_services.ballot_refusal(vote, giver, now=now)
    return _about_giver(refusal, giver) if refusal is not None else None


def _about_giver(error: DomainError, giver: City) -> DomainError:
    """Say a vote engine's refusal of the giving city's ballot in the giver's name."""
    if isinstance(error, AlreadyVoted):
        return AlreadyVoted(_("%(city)s has already voted in this vote.", city=giver.name))
    if isinstance(error, NotInElectorate):
        return NotInElectorate(_("%(city)s is not entitled to vote in this vote.", city=giver.name))
    return error  # the vote's own state (not open) or the actor's: said as it is


def cast_ballot_by_proxy(
    vote: Vote, giver: City, choice: Any, *, actor: User, now: datetime
) -> Ballot:
    """Cast an absent city's ballot by the proxy the actor's city holds for the meeting.

    The ballot is the giving city's one ballot; the participation and the audit entry
    name the city that held the proxy.

    :raises NotAllowed: when the vote is not a meeting's, the city gave no proxy in force,
        or the actor is not a delegate of the city holding it.
    :raises Conflict: when the giver is present, or the holder is not.
    :raises AlreadyVoted: when the giving city has voted (the database guarantees it).
    :raises VoteNotOpen, NotInElectorate, InvalidInput: as for any ballot.
    """
    meeting = meeting_of_vote(vote)
    if meeting is not None:
        # Shared: attendance and revocations wait until the ballot is cast, and vice versa.
        attendance.lock_meeting(meeting, shared=True)
    refusal = proxy_ballot_refusal(vote, giver, actor=actor, now=now)
    if refusal is not None:
        raise refusal
    assert meeting is not None
    proxy = proxy_given_by(meeting, giver.id)
    assert proxy is not None
    holder = db.session.get(City, proxy.holder_id)
    try:
        return vote_services.cast_ballot(
            vote, giver, choice, actor=actor, now=now, proxy_holder=holder
        )
    except (AlreadyVoted, NotInElectorate) as error:
        raise _about_giver(error, giver) from None


@dataclass(frozen=True)
class ProxyBallot:
    """A ballot the reader's city may cast by proxy in a vote: whose, and whether it is cast."""

    giver: City
    voted: bool
    cast_by_holder: bool


def proxy_ballots_for(vote: Vote, user: Any) -> list[ProxyBallot]:
    """Return the proxies the user's city holds for the vote's meeting, with their ballots.

    Empty for anyone but a delegate, for a vote not opened at a meeting, or unless the
    user's city is present there and holds the proxy of a city absent.
    """
    if not user.is_authenticated or user.role is not Role.delegate or user.city_id is None:
        return []
    meeting = meeting_of_vote(vote)
    if meeting is None:
        return []
    present = attendance.present_city_ids(meeting)
    if user.city_id not in present:
        return []  # a proxy is used by a city present
    held = [p for p in proxies_held_by(meeting, user.city_id) if p.giver_id not in present]
    if not held:
        return []
    cast = dict(
        db.session.execute(
            sa.select(Participation.city_id, Participation.proxy_holder_id).where(
                Participation.vote_id == vote.id,
                Participation.city_id.in_([proxy.giver_id for proxy in held]),
            )
        )
        .tuples()
        .all()
    )
    return [
        ProxyBallot(
            giver=proxy.giver,
            voted=proxy.giver_id in cast,
            cast_by_holder=cast.get(proxy.giver_id) == user.city_id,
        )
        for proxy in held
    ]
