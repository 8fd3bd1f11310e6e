"""Writes of meetings: agendas and decisions taken in the room."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from network.audit.services import record
from network.auth.models import User
from network.charter.queries import rules_in_force
from network.charter.rules import RuleKey
from network.cities.models import City, MembershipStatus
from network.common.errors import Conflict, InvalidInput
from network.db import db
from network.meetings.models import AgendaItem, AgendaKind, DecisionMethod, Meeting, SessionDecision
from network.motions import services as motion_services
from network.motions.models import Motion, MotionStatus
from network.resolutions.models import DecisionMode, ResolutionKind
from network.resolutions.services import register_resolution
from network.votes import tally
from network.votes.models import Choice


def create_meeting(*, title: str, held_on: date, place: str, actor: User, now: datetime) -> Meeting:
    """Schedule (or record) a meeting of the council."""
    meeting = Meeting(title=title.strip(), held_on=held_on, place=place.strip(), created_at=now)
    db.session.add(meeting)
    db.session.flush()
    record(
        "meeting.created",
        subject=("meeting", meeting.id),
        actor=actor,
        now=now,
        data={"title": meeting.title, "held_on": held_on.isoformat(), "place": meeting.place},
    )
    return meeting


def add_agenda_item(
    meeting: Meeting,
    *,
    kind: AgendaKind,
    title: str,
    motion: Motion | None,
    actor: User,
    now: datetime,
) -> AgendaItem:
    """Add an item to a meeting's agenda (a motion goes on the agenda with it).

    :raises InvalidInput: for a motion item without a motion, or a motion on another item.
    """
    if motion is not None and motion.status not in (MotionStatus.proposed, MotionStatus.seconded):
        raise InvalidInput(
            _("Only a motion still to be decided can go on the agenda."), field="motion"
        )
    if (kind is AgendaKind.motion) != (motion is not None):
        raise InvalidInput(_("A motion item names a motion; other items do not."), field="motion")
    position = len(meeting.items) + 1
    item = AgendaItem(
        meeting_id=meeting.id,
        position=position,
        kind=kind,
        title=title.strip(),
        motion_id=motion.id if motion else None,
    )
    db.session.add(item)
    if motion is not None:
        motion.meeting_id = meeting.id
    db.session.flush()
    db.session.refresh(meeting)
    record(
        "meeting.agenda_item_added",
        subject=("meeting", meeting.id),
        actor=actor,
        now=now,
        data={
            "position": position,
            "kind": kind.value,
            "title": item.title,
            "motion": motion.id if motion else None,
        },
    )
    return item


def record_decision(
    meeting: Meeting,
    *,
    title: str,
    text: str,
    method: DecisionMethod,
    roll_call: dict[str, str],
    motion: Motion | None,
    actor: User,
    now: datetime,
) -> SessionDecision:
    """Record a decision taken in the room: a roll call city by city, or consensus.

    With a motion, the decision is on that (seconded) motion and takes the charter's
    majority for its kind; a carried one becomes a resolution and takes effect.

    :param roll_call: member city slug → "yes", "no" or "abstain" (absent cities left out).
    :raises Conflict: for a motion that is not seconded.
    :raises InvalidInput: for an unknown city or choice, a missing title, or an empty roll call.
    """
    if meeting.held_on > now.date():
        raise InvalidInput(
            _("Decisions can be recorded only for a meeting that has taken place."),
            field="method",
        )
    if motion is not None and motion.status is not MotionStatus.seconded:
        raise Conflict(_("Only a seconded motion can be decided."))
    if motion is not None:
        motion_services.check_decidable(motion)
    title = (motion.title if motion else title).strip()
    text = (motion.text if motion else text).strip()
    if not title or not text:
        raise InvalidInput(_("Give the decision a title and a text."), field="title")
    rule_key = motion_services.RULE_FOR[motion.kind] if motion else RuleKey.ordinary
    members = set(
        db.session.scalars(sa.select(City.slug).where(City.status == MembershipStatus.member))
    )
    choices = {choice.value for choice in Choice}
    if method is DecisionMethod.roll_call:
        if not roll_call:
            raise InvalidInput(_("Enter how each city present voted."), field="roll_call")
        if set(roll_call) - members or set(roll_call.values()) - choices:
            raise InvalidInput(
                _("The roll call names a city or a choice that is not valid."), field="roll_call"
            )
        rules, _source, _version = rules_in_force()
        yes, no, abstain = tally.count_approval_choices(roll_call.values())
        result = tally.approval(
            yes,
            no,
            abstain,
            electorate=len(members),
            quorum_fraction=rules.quorum,
            rule=rules.majority_for(rule_key),
        ).to_dict()
    else:
        roll_call = {}
        result = {"outcome": tally.Outcome.carried.value, "consensus": True}
    decision = SessionDecision(
        meeting_id=meeting.id,
        title=title,
        text=text,
        rule_key=rule_key.value,
        method=method,
        roll_call=roll_call,
        result=result,
        recorded_at=now,
        recorded_by_id=actor.id,
    )
    db.session.add(decision)
    db.session.flush()
    record(
        "meeting.decision_recorded",
        subject=("meeting", meeting.id),
        actor=actor,
        now=now,
        data={
            "decision": decision.id,
            "title": title,
            "method": method.value,
            "roll_call": roll_call,
            "result": result,
            "motion": motion.id if motion else None,
        },
    )
    carried = result["outcome"] == tally.Outcome.carried.value
    if motion is not None:
        motion_services.decide_in_session(
            motion, carried, meeting=meeting, decision=decision, actor=actor, now=now
        )
    elif carried:
        decision.resolution = register_resolution(
            title=title,
            text=text,
            kind=ResolutionKind.ordinary,
            mode=DecisionMode.in_session,
            adopted_on=meeting.held_on,
            vote=None,
            actor=actor,
            now=now,
            meeting_id=meeting.id,
        )
        db.session.flush()
    return decision
