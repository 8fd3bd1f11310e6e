"""Writes of meetings: agendas and decisions taken in the room."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _

from network.audit.services import record
from network.auth.models import User
from network.charter.models import CharterVersion
from network.charter.queries import rules_in_force
from network.charter.rules import RuleKey
from network.cities.models import City, MembershipStatus
from network.common.errors import Conflict, InvalidInput
from network.db import db
from network.elections.models import Election
from network.meetings import attendance
from network.meetings.models import (
    DEFAULT_LENGTH,
    DEFAULT_TIME_ZONE,
    AgendaItem,
    AgendaKind,
    DecisionMethod,
    Meeting,
    MeetingMode,
    MeetingStatus,
    SessionDecision,
    local_day_start,
)
from network.meetings.rules import is_time_zone, is_web_address
from network.motions import services as motion_services
from network.motions.models import Motion, MotionStatus
from network.notices import notify
from network.resolutions.models import DecisionMode, ResolutionKind
from network.resolutions.services import register_resolution
from network.votes import tally
from network.votes.models import Choice


def create_meeting(
    *,
    title: str,
    place: str,
    actor: User,
    now: datetime,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    time_zone: str = DEFAULT_TIME_ZONE,
    mode: MeetingMode = MeetingMode.in_person,
    online_url: str | None = None,
    held_on: date | None = None,
) -> Meeting:
    """Convene (or record) a meeting of the council, at its times in its own zone.

    :param starts_at: the start (an aware datetime, any zone); stored in UTC.
    :param ends_at: the end; after the start.
    :param time_zone: the IANA zone the meeting is held in ("Asia/Seoul").
    :param place: the venue; may be empty for a meeting held only online.
    :param online_url: the link to follow it, required online and hybrid (http or https).
    :param held_on: for a meeting known only by its day, instead of ``starts_at`` and
        ``ends_at``: 10:00 there, for two hours (the earlier meetings' default).
    :raises InvalidInput: for an unknown zone, an end not after the start, a missing
        venue or link, or a link that is not a web address.
    """
    check_time_zone(time_zone)
    if starts_at is None:
        if held_on is None:
            raise InvalidInput(_("Give the meeting a start."), field="starts_at")
        starts_at = local_day_start(held_on, time_zone)
    if ends_at is None:
        ends_at = starts_at + DEFAULT_LENGTH if held_on is not None else None
    if ends_at is None:
        raise InvalidInput(_("Give the meeting an end."), field="ends_at")
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ValueError("naive datetime given; use aware datetimes")
    if ends_at <= starts_at:
        raise InvalidInput(_("The meeting must end after it starts."), field="ends_at")
    place = place.strip()
    online_url = (online_url or "").strip() or None
    if mode is MeetingMode.in_person:
        online_url = None
    elif online_url is None:
        raise InvalidInput(
            _("A meeting followed online needs the link to follow it."), field="online_url"
        )
    elif not is_web_address(online_url):
        raise InvalidInput(
            _("The link must be a web address starting with https:// or http://."),
            field="online_url",
        )
    if mode is not MeetingMode.online and not place:
        raise InvalidInput(_("Say where the meeting is held."), field="place")
    meeting = Meeting(
        title=title.strip(),
        starts_at=starts_at.astimezone(UTC),
        ends_at=ends_at.astimezone(UTC),
        time_zone=time_zone,
        place=place,
        mode=mode,
        online_url=online_url,
        status=MeetingStatus.convened,
        created_at=now,
    )
    db.session.add(meeting)
    db.session.flush()
    record(
        "meeting.created",
        subject=("meeting", meeting.id),
        actor=actor,
        now=now,
        # The link stays off the public record: it is for the meeting's participants.
        data={
            "title": meeting.title,
            "held_on": meeting.held_on.isoformat(),
            "place": meeting.place,
            "starts_at": meeting.starts_at.isoformat(),
            "ends_at": meeting.ends_at.isoformat(),
            "time_zone": meeting.time_zone,
            "mode": meeting.mode.value,
            "status": meeting.status.value,
        },
    )
    if meeting.starts_at > now:  # convened, not a past meeting put on the record
        notify.meeting_convened(meeting, now=now)
    return meeting


def check_time_zone(name: str) -> ZoneInfo:
    """Return the IANA time zone ``name`` names.

    :raises InvalidInput: when it names none (``Asia/Seoul`` does; ``KST`` does not).
    """
    if is_time_zone(name):
        return ZoneInfo(name)
    raise InvalidInput(
        _("%(zone)s is not a time zone. Use a name such as Asia/Seoul.", zone=name[:64]),
        field="time_zone",
    )


def add_agenda_item(
    meeting: Meeting,
    *,
    kind: AgendaKind,
    title: str,
    motion: Motion | None,
    actor: User,
    now: datetime,
    charter_version: CharterVersion | None = None,
    election: Election | None = None,
) -> AgendaItem:
    """Add an item to a meeting's agenda (a motion goes on the agenda with it).

    :param charter_version: what a charter item decides (its adoption vote, in session).
    :param election: what an election item decides (its rounds, in session).
    :raises InvalidInput: for a motion item without a motion, or a motion on another item.
    """
    if motion is not None and motion.status not in (MotionStatus.proposed, MotionStatus.seconded):
        raise InvalidInput(
            _("Only a motion still to be decided can go on the agenda."), field="motion"
        )
    if (kind is AgendaKind.motion) != (motion is not None):
        raise InvalidInput(_("A motion item names a motion; other items do not."), field="motion")
    if (charter_version is not None and kind is not AgendaKind.charter) or (
        election is not None and kind is not AgendaKind.election
    ):
        raise ValueError("a charter version or an election on an item of another kind")
    position = len(meeting.items) + 1
    item = AgendaItem(
        meeting_id=meeting.id,
        position=position,
        kind=kind,
        title=title.strip(),
        motion_id=motion.id if motion else None,
        charter_version_id=charter_version.id if charter_version else None,
        election_id=election.id if election else None,
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
            "charter_version": charter_version.number if charter_version else None,
            "election": election.id if election else None,
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
    if meeting.held_on > now.astimezone(meeting.zone).date():
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
    # In-room decisions take their quorum from attendance, proxies included (SPEC
    # "Meetings"; meetings/attendance.py), and only cities there answer the roll call.
    quorum = attendance.quorum_of(meeting)
    if not quorum.is_met:
        raise Conflict(
            _(
                "No quorum: %(represented)s of %(members)s member cities are present or "
                "represented by proxy, and %(required)s are needed. Record the attendance first.",
                represented=quorum.represented,
                members=quorum.members,
                required=quorum.required,
            )
        )
    absent = sorted(set(roll_call) - attendance.represented_city_slugs(meeting))
    if absent:
        raise InvalidInput(
            _(
                "The roll call names cities that are neither present nor represented by "
                "proxy: %(cities)s.",
                cities=", ".join(absent),
            ),
            field="roll_call",
        )
    result = {**result, "attendance": quorum.to_dict()}
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
