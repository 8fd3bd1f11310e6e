"""Writes of the live session: the secretariat runs a meeting from one screen.

The session opens (convened → in session), takes up agenda items one at a time (the
meeting's current item), opens the vote of the current item from what the item
decides, closes it in the room, and adjourns (in session → adjourned). Decisions taken
by roll call or consensus are recorded by ``services.record_decision``.

The vote of an item is never made here: a motion is put to the vote by
``motions.services.put_to_vote``, a charter draft by ``charter.services.put_to_vote``,
an election round by ``elections.services.open_ballot``, the way the secretariat does
on those pages. A vote of the subject that is already open (opened online before the
meeting) is taken up as it is; one prepared and waiting (an election's runoff) is
opened with ``votes.services.open_vote``. Closing is ``votes.services.close_vote``:
the secretariat may close a vote by hand at any time (SPEC, "The vote engine"), so a
vote closes in the room when the chair says so, whoever has not voted yet.

Each function checks, changes, flushes and writes the meeting's audit entry; the view
commits once.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from network.audit.services import record
from network.auth.models import User
from network.charter import services as charter_services
from network.charter.models import CharterVersion
from network.common.errors import Conflict
from network.db import db
from network.elections import services as election_services
from network.elections.models import Election
from network.meetings.models import AgendaItem, Meeting, MeetingStatus
from network.motions import services as motion_services
from network.motions.models import Motion
from network.votes import services as votes
from network.votes.models import Secrecy, Vote, VoteStatus


def current_item(meeting: Meeting) -> AgendaItem | None:
    """Return the item the session has taken up, if any."""
    return next((item for item in meeting.items if item.id == meeting.current_item_id), None)


def item_vote(item: AgendaItem | None) -> Vote | None:
    """Return the vote opened for an item in the session, if any."""
    if item is None or item.vote_id is None:
        return None
    return db.session.get(Vote, item.vote_id)


def _require_in_session(meeting: Meeting) -> None:
    if meeting.status is MeetingStatus.convened:
        raise Conflict(_("The session has not been opened yet."))
    if meeting.status is not MeetingStatus.in_session:
        raise Conflict(_("The meeting is adjourned: its session is over."))


def _require_no_open_vote(meeting: Meeting, message: str) -> None:
    vote = item_vote(current_item(meeting))
    if vote is not None and vote.status is VoteStatus.open:
        raise Conflict(message)


def open_session(meeting: Meeting, *, actor: User, now: datetime) -> Meeting:
    """Open the meeting's session (convened → in session).

    :raises Conflict: when the meeting is already in session or adjourned.
    """
    if meeting.status is MeetingStatus.in_session:
        raise Conflict(_("The session is already open."))
    if meeting.status is not MeetingStatus.convened:
        raise Conflict(_("The meeting is adjourned: its session cannot be opened again."))
    meeting.status = MeetingStatus.in_session
    db.session.flush()
    record(
        "meeting.session_opened",
        subject=("meeting", meeting.id),
        actor=actor,
        now=now,
        data={"status": meeting.status.value},
    )
    return meeting


def take_up_item(
    meeting: Meeting, item: AgendaItem | None, *, actor: User, now: datetime
) -> AgendaItem:
    """Make ``item`` the current item, or the next one on the agenda when None.

    :raises Conflict: outside the session, while the current item's vote is open, on an
        agenda without items, past the last item, or for an item of another meeting.
    """
    _require_in_session(meeting)
    _require_no_open_vote(
        meeting, _("A vote is open on the current item: close it before moving on.")
    )
    if not meeting.items:
        raise Conflict(_("The agenda has no items yet."))
    current = current_item(meeting)
    if item is None:
        later = [i for i in meeting.items if current is None or i.position > current.position]
        if not later:
            raise Conflict(_("This is the last item on the agenda."))
        item = later[0]
    elif item.meeting_id != meeting.id:
        raise Conflict(_("This item is not on this meeting's agenda."))
    elif current is not None and item.id == current.id:
        raise Conflict(_("This item is already the current one."))
    meeting.current_item_id = item.id
    db.session.flush()
    record(
        "meeting.item_taken_up",
        subject=("meeting", meeting.id),
        actor=actor,
        now=now,
        data={"item": item.position, "title": item.title},
    )
    return item


def _subject_vote(item: AgendaItem, secrecy: Secrecy, actor: User, now: datetime) -> Vote:
    """Return the open vote of the item's subject, opening it by its own domain's path."""
    if item.motion_id is not None:
        motion = db.session.get(Motion, item.motion_id)
        assert motion is not None
        if motion.vote is not None and motion.vote.status is VoteStatus.open:
            return motion.vote
        return motion_services.put_to_vote(
            motion, secrecy=secrecy, closes_at=None, actor=actor, now=now
        )
    if item.charter_version_id is not None:
        version = db.session.get(CharterVersion, item.charter_version_id)
        assert version is not None
        vote = version.vote
        if vote is not None and vote.status is VoteStatus.open:
            return vote
        if vote is not None and vote.status is VoteStatus.pending:
            return votes.open_vote(vote, actor=actor, now=now)
        return charter_services.put_to_vote(
            version, secrecy=secrecy, closes_at=None, actor=actor, now=now
        )
    if item.election_id is not None:
        election = db.session.get(Election, item.election_id)
        assert election is not None
        vote = election.rounds[-1].vote if election.rounds else None
        if vote is not None and vote.status is VoteStatus.open:
            return vote
        if vote is not None and vote.status is VoteStatus.pending:
            # A runoff waits, prepared, for the secretariat to open it.
            return votes.open_vote(vote, actor=actor, now=now)
        return election_services.open_ballot(
            election, secrecy=secrecy, closes_at=None, actor=actor, now=now
        )
    raise Conflict(
        _(
            "This item has no motion, charter version or election to vote on: record "
            "the room's decision instead."
        )
    )


def open_item_vote(meeting: Meeting, *, secrecy: Secrecy, actor: User, now: datetime) -> Vote:
    """Open the vote of the current item, from its motion, charter version or election.

    A vote of the subject already open (opened online before the meeting) is taken up
    as it is, with its own secrecy and closing time.

    :param secrecy: recorded (a roll call after the close) or secret, for a new vote.
    :raises Conflict: outside the session, without a current item, for an item with
        nothing to vote on, while the item's vote is open, or when the subject's own
        rules refuse (a motion not seconded, a charter draft not ready, an election
        still taking nominations…).
    """
    _require_in_session(meeting)
    item = current_item(meeting)
    if item is None:
        raise Conflict(_("Take up an agenda item first."))
    _require_no_open_vote(meeting, _("The vote on this item is already open."))
    vote = _subject_vote(item, secrecy, actor, now)
    item.vote_id = vote.id
    db.session.flush()
    record(
        "meeting.item_vote_opened",
        subject=("meeting", meeting.id),
        actor=actor,
        now=now,
        data={"item": item.position, "vote": vote.id},
    )
    return vote


def close_item_vote(meeting: Meeting, *, actor: User, now: datetime) -> Vote:
    """Close the current item's vote in the room and publish its result.

    The engine's ``close_vote`` writes the audit entry (with the result) and lets the
    subject act on it (a resolution, the charter in force, a runoff…).

    :raises Conflict: outside the session, without a current item, or when its vote is
        not open.
    """
    _require_in_session(meeting)
    item = current_item(meeting)
    if item is None:
        raise Conflict(_("Take up an agenda item first."))
    vote = item_vote(item)
    if vote is None or vote.status is not VoteStatus.open:
        raise Conflict(_("No vote is open on the current item."))
    return votes.close_vote(vote, actor=actor, now=now)


def adjourn(meeting: Meeting, *, actor: User, now: datetime) -> Meeting:
    """Adjourn the meeting (in session → adjourned); nothing is current any more.

    :raises Conflict: outside the session, or while the current item's vote is open.
    """
    _require_in_session(meeting)
    _require_no_open_vote(
        meeting, _("A vote is open on the current item: close it before adjourning.")
    )
    meeting.status = MeetingStatus.adjourned
    meeting.current_item_id = None
    db.session.flush()
    record(
        "meeting.adjourned",
        subject=("meeting", meeting.id),
        actor=actor,
        now=now,
        data={"status": meeting.status.value},
    )
    return meeting
