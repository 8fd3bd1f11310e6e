"""Reminders before a vote closes, to the delegates of the cities that have not voted.

The tick (``flask network tick``) sends each of a vote's reminders once: by default 48
and 24 hours before it closes (``VOTE_REMINDER_HOURS``). A reminder whose time came
before the vote opened is not sent (a vote open for a day gets the 24-hour one only);
if the tick did not run for a while and two reminders fell due, one message goes, and
both are recorded as sent. The secretariat may also remind the cities yet to vote at
any time while the vote is open ("remind now" on its dashboard).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from network.audit.services import record
from network.auth.models import User
from network.common.errors import Conflict
from network.db import db
from network.notices import notify
from network.notices.models import VoteReminder
from network.votes.models import Vote, VoteStatus

DEFAULT_HOURS = (48, 24)


def reminder_hours() -> tuple[int, ...]:
    """Return how many hours before a vote closes its reminders go, latest-closing first."""
    hours = current_app.config.get("VOTE_REMINDER_HOURS", DEFAULT_HOURS)
    return tuple(sorted({int(hour) for hour in hours}, reverse=True))


def due_reminders(vote: Vote, now: datetime, hours: tuple[int, ...], sent: set[int]) -> list[int]:
    """Return the reminders (hours before closing) of a vote that are due and not yet sent.

    A reminder is due once its time has come, if the vote was already open then.
    """
    if vote.closes_at is None or vote.closes_at <= now:
        return []
    due = []
    for hour in hours:
        at = vote.closes_at - timedelta(hours=hour)
        opened_before = vote.opened_at is None or vote.opened_at <= at
        if at <= now and opened_before and hour not in sent:
            due.append(hour)
    return due


def cities_yet_to_vote(vote: Vote) -> int:
    """Count the cities of a vote's electorate that have not voted."""
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(notify.not_voted_in(vote).subquery())
    )


def _remind(vote: Vote, *, now: datetime, actor: User | None, hours: list[int]) -> VoteReminder:
    cities = cities_yet_to_vote(vote)
    messages = notify.vote_reminder(vote, now=now, by_hand=actor is not None) if cities else 0
    rows = [
        VoteReminder(
            vote_id=vote.id,
            hours_before=hour,
            sent_at=now,
            sent_by_id=actor.id if actor else None,
            cities=cities,
            messages=messages,
        )
        for hour in (hours or [None])
    ]
    db.session.add_all(rows)
    db.session.flush()
    record(
        "vote.reminded",
        subject=("vote", vote.id),
        actor=actor,
        now=now,
        public=False,
        data={
            "hours_before": hours or None,
            "cities": cities,
            "messages": messages,
        },
    )
    return rows[-1]


def send_due_reminders(now: datetime) -> list[VoteReminder]:
    """Send the reminders whose time has come, each once per vote (run by the tick)."""
    hours = reminder_hours()
    if not hours:
        return []
    votes = list(
        db.session.scalars(
            sa.select(Vote)
            .where(
                Vote.status == VoteStatus.open,
                Vote.closes_at > now,
                Vote.closes_at <= now + timedelta(hours=hours[0]),
            )
            .order_by(Vote.closes_at, Vote.id)
        )
    )
    if not votes:
        return []
    sent: dict[int, set[int]] = {}
    for vote_id, hour in db.session.execute(
        sa.select(VoteReminder.vote_id, VoteReminder.hours_before).where(
            VoteReminder.vote_id.in_([vote.id for vote in votes]),
            VoteReminder.hours_before.is_not(None),
        )
    ):
        sent.setdefault(vote_id, set()).add(hour)
    reminders = []
    for vote in votes:
        due = due_reminders(vote, now, hours, sent.get(vote.id, set()))
        if due:
            reminders.append(_remind(vote, now=now, actor=None, hours=due))
    return reminders


def remind_now(vote: Vote, *, actor: User, now: datetime) -> VoteReminder:
    """Remind the delegates of the cities yet to vote, at the secretariat's request.

    :raises Conflict: when the vote is not open, or every city has voted.
    """
    if vote.status is not VoteStatus.open or (vote.closes_at is not None and vote.closes_at <= now):
        raise Conflict(_("Only an open vote's cities can be reminded to vote."))
    if cities_yet_to_vote(vote) == 0:
        raise Conflict(_("Every city has voted: there is nobody to remind."))
    return _remind(vote, now=now, actor=actor, hours=[])
