"""Registering resolutions with the next number of their year."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from network.audit.services import record
from network.auth.models import User
from network.db import db
from network.meetings.models import AgendaItem
from network.resolutions.models import DecisionMode, Resolution, ResolutionCounter, ResolutionKind
from network.resolutions.rules import resolution_number
from network.votes.models import Vote


def _next_sequence(year: int) -> int:
    """Take the next number of ``year``, holding its counter row until the commit."""
    counter = db.session.execute(
        sa.select(ResolutionCounter).where(ResolutionCounter.year == year).with_for_update()
    ).scalar_one_or_none()
    if counter is None:
        try:
            with db.session.begin_nested():
                db.session.add(ResolutionCounter(year=year, last=0))
        except IntegrityError:
            pass  # another transaction created this year's counter first
        counter = db.session.execute(
            sa.select(ResolutionCounter).where(ResolutionCounter.year == year).with_for_update()
        ).scalar_one()
    counter.last += 1
    return counter.last


def register_resolution(
    *,
    title: str,
    kind: ResolutionKind,
    mode: DecisionMode,
    adopted_on: date,
    vote: Vote | None,
    actor: User | None,
    now: datetime,
    text: str | None = None,
    meeting_id: int | None = None,
) -> Resolution:
    """Give a decision the next register number of its year and record it.

    :param adopted_on: the date of the decision; its year numbers the resolution.
    :param text: the operative text as adopted (Markdown).
    :param meeting_id: the meeting where it was decided, for decisions taken in session;
        for a vote opened at a meeting's agenda item (the live session), that meeting.
    """
    if meeting_id is None and vote is not None:
        meeting_id = db.session.scalar(
            sa.select(AgendaItem.meeting_id).where(AgendaItem.vote_id == vote.id).limit(1)
        )
    sequence = _next_sequence(adopted_on.year)
    resolution = Resolution(
        year=adopted_on.year,
        sequence=sequence,
        number=resolution_number(adopted_on.year, sequence),
        title=title,
        text=text,
        kind=kind,
        mode=mode,
        adopted_on=adopted_on,
        vote_id=vote.id if vote else None,
        meeting_id=meeting_id,
        created_at=now,
        created_by_id=actor.id if actor else None,
    )
    db.session.add(resolution)
    db.session.flush()
    record(
        "resolution.registered",
        subject=("resolution", resolution.number),
        actor=actor,
        now=now,
        data={
            "title": title,
            "kind": kind.value,
            "mode": mode.value,
            "adopted_on": adopted_on.isoformat(),
            "vote": vote.id if vote else None,
            "meeting": meeting_id,
            "text": text,
        },
    )
    return resolution
