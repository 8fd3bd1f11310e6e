"""A meeting's minutes: drafted from the record, approved by the council, published.

Minutes have two parts. **The record** is what the platform knows for a fact: the
agenda, each item's vote with its counts and roll call, the decisions taken in the
room, the resolutions adopted with their numbers, and whatever other section is
registered in ``RECORD_SECTIONS`` (attendance and proxies add theirs). **The text** is
the secretariat's account around those facts (Markdown, in one authoritative
language); a first draft of it is written from the record, to be edited.

The life of a version: *draft* (edited by the secretariat; read by the network's
people) → *approved* (the secretariat records the day the council approved them; the
record is frozen into the version, the meeting's status becomes "minutes approved")
→ *published* (public: the meeting's page, a PDF, the API and the archive). An
approved version is never edited again. A correction is a new version, copied from
the last published one, with the reason for it; it goes through the same steps and,
once published, replaces the earlier one, which stays readable (SPEC: "corrections
are new versions with a reason"). Each step is one audit entry.

Drafting starts once the meeting is over: adjourned, or (for a meeting recorded after
the fact, never run live on the platform) convened and past its end.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, aliased, mapped_column

from network.audit.services import record
from network.auth.models import User
from network.cities.models import City
from network.cities.rules import is_language_tag
from network.common.enums import label, register_labels
from network.common.errors import Conflict, InvalidInput
from network.db import UTCDateTime, db, str_enum
from network.meetings.models import AgendaKind, DecisionMethod, Meeting, MeetingStatus
from network.notices import notify_minutes_published
from network.resolutions.models import Resolution
from network.votes import queries as vote_queries
from network.votes.models import Participation, Secrecy, Vote, VoteKind, VoteStatus
from network.votes.tally import Outcome

MAX_TEXT = 200_000  # characters of the secretariat's text


class MinutesStatus(StrEnum):
    """Where one version of the minutes is."""

    draft = "draft"
    approved = "approved"
    published = "published"


register_labels(
    {
        MinutesStatus.draft: _l("Draft"),
        MinutesStatus.approved: _l("Approved, not yet published"),
        MinutesStatus.published: _l("Published"),
    }
)


class Minutes(db.Model):
    """One version of a meeting's minutes."""

    __tablename__ = "meeting_minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id"), index=True)
    version: Mapped[int]
    language: Mapped[str] = mapped_column(sa.String(16))  # the authoritative language
    text: Mapped[str] = mapped_column(sa.Text)  # Markdown
    status: Mapped[MinutesStatus] = mapped_column(str_enum(MinutesStatus, "status"))
    # The facts, frozen at approval (a draft shows the record as it is now).
    record: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    correction_reason: Mapped[str | None] = mapped_column(sa.Text)  # versions after the first
    drafted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    drafted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    approved_on: Mapped[date | None]  # the day the council approved them
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    __table_args__ = (sa.UniqueConstraint("meeting_id", "version"),)

    @property
    def is_editable(self) -> bool:
        """Tell whether the text may still change (only a draft's may)."""
        return self.status is MinutesStatus.draft

    def digest(self) -> str:
        """Return the SHA-256 of the text and the frozen record: what the audit entry names."""
        body = json.dumps(
            {"text": self.text, "language": self.language, "record": self.record},
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return hashlib.sha256(body.encode()).hexdigest()


# --- The record ----------------------------------------------------------------------

# Sections of the record beyond the agenda, votes, decisions and resolutions: each
# takes the meeting and returns ``(name, JSON-ready value)``, or None to add nothing.
# Attendance and proxies register theirs here.
RECORD_SECTIONS: list[Callable[[Meeting], tuple[str, Any] | None]] = []


def _vote_facts(vote: Vote) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "id": vote.id,
        "title": vote.title,
        "kind": vote.kind.value,
        "secrecy": vote.secrecy.value,
        "status": vote.status.value,
        "electorate_size": vote.electorate_size,
    }
    if vote.status is VoteStatus.closed and vote.result is not None:
        facts["outcome"] = vote.result.get("outcome")
        facts["counts"] = vote.result.get("counts")
        facts["quorum_met"] = (vote.result.get("quorum") or {}).get("met")
        if vote.kind is not VoteKind.approval:
            facts["options"] = {str(k): v for k, v in vote_queries.option_labels(vote).items()}
        if vote.secrecy is Secrecy.recorded:
            holders = _proxy_holders(vote)
            facts["roll_call"] = [
                entry | {"proxy_held_by": holders[entry["city"]]}
                if entry["city"] in holders
                else entry
                for entry in vote_queries.roll_call(vote)
            ]
    return facts


def _proxy_holders(vote: Vote) -> dict[str, str]:
    """Return the name of the city that cast each ballot cast by proxy, by voter's slug."""
    voter, holder = aliased(City), aliased(City)
    rows = db.session.execute(
        sa.select(voter.slug, holder.name)
        .select_from(Participation)
        .join(voter, Participation.city_id == voter.id)
        .join(holder, Participation.proxy_holder_id == holder.id)
        .where(Participation.vote_id == vote.id)
    )
    return dict(rows.all())


def record_of(meeting: Meeting) -> dict[str, Any]:
    """Return the facts of a meeting the minutes rest on, as JSON-ready data."""
    vote_ids = [item.vote_id for item in meeting.items if item.vote_id is not None]
    votes = (
        {v.id: v for v in db.session.scalars(sa.select(Vote).where(Vote.id.in_(vote_ids)))}
        if vote_ids
        else {}
    )
    resolutions = db.session.scalars(
        sa.select(Resolution)
        .where(Resolution.meeting_id == meeting.id)
        .order_by(Resolution.adopted_on, Resolution.year, Resolution.sequence)
    )
    slugs = {slug for decision in meeting.decisions for slug in decision.roll_call}
    names = (
        dict(db.session.execute(sa.select(City.slug, City.name).where(City.slug.in_(slugs))).all())
        if slugs
        else {}
    )
    facts: dict[str, Any] = {
        "meeting": {
            "title": meeting.title,
            "starts_at": meeting.starts_at.isoformat(),
            "ends_at": meeting.ends_at.isoformat(),
            "time_zone": meeting.time_zone,
            "place": meeting.place,
            "mode": meeting.mode.value,
        },
        "agenda": [
            {
                "position": item.position,
                "kind": item.kind.value,
                "title": item.title,
                "vote": _vote_facts(votes[item.vote_id]) if item.vote_id in votes else None,
            }
            for item in meeting.items
        ],
        "decisions": [
            {
                "title": decision.title,
                "method": decision.method.value,
                "outcome": decision.result.get("outcome"),
                "counts": decision.result.get("counts"),
                "roll_call": dict(sorted(decision.roll_call.items())),
                "names": {slug: names.get(slug, slug) for slug in sorted(decision.roll_call)},
                "resolution": decision.resolution.number if decision.resolution else None,
            }
            for decision in meeting.decisions
        ],
        "resolutions": [{"number": r.number, "title": r.title} for r in resolutions],
    }
    for section in RECORD_SECTIONS:
        added = section(meeting)
        if added is not None:
            facts[added[0]] = added[1]
    return facts


def record_labels() -> dict[str, dict[str, str]]:
    """Return the words the record's values are shown with, in the reader's language."""
    return {
        "outcomes": {outcome.value: label(outcome) for outcome in Outcome},
        "kinds": {kind.value: label(kind) for kind in AgendaKind},
        "methods": {method.value: label(method) for method in DecisionMethod},
    }


def first_draft(meeting: Meeting, language: str) -> str:
    """Return a first text for the minutes, from the record, for the secretariat to edit."""
    locale = language.replace("-", "_").split("_")[0]
    with force_locale(locale if locale in ("en", "ko", "fr", "es") else "en"):
        lines = [
            _("Minutes of %(title)s", title=meeting.title),
            "",
            _(
                "The meeting was held at %(place)s on %(day)s.",
                place=meeting.place or _("online"),
                day=meeting.local_start.date().isoformat(),
            ),
            "",
        ]
        for item in meeting.items:
            lines += [f"# {item.position}. {item.title}", "", _("Summary of the discussion."), ""]
        if not meeting.items:
            lines += [_("Summary of the discussion."), ""]
    return "\n".join(lines)


# --- Reads ---------------------------------------------------------------------------


def versions_of(meeting_id: int) -> list[Minutes]:
    """Return every version of a meeting's minutes, latest first."""
    return list(
        db.session.scalars(
            sa.select(Minutes)
            .where(Minutes.meeting_id == meeting_id)
            .order_by(Minutes.version.desc())
        )
    )


def published(versions: list[Minutes]) -> list[Minutes]:
    """Return the published versions among ``versions``, latest first."""
    return [v for v in versions if v.status is MinutesStatus.published]


def current_draft(versions: list[Minutes]) -> Minutes | None:
    """Return the version being worked on (draft or approved, not yet published)."""
    latest = versions[0] if versions else None
    return latest if latest is not None and latest.status is not MinutesStatus.published else None


def published_statement(meeting_id: int) -> sa.Select[tuple[Minutes]]:
    """Select a meeting's published versions, latest first (the API's list)."""
    return (
        sa.select(Minutes)
        .where(Minutes.meeting_id == meeting_id, Minutes.status == MinutesStatus.published)
        .order_by(Minutes.version.desc())
    )


def published_minutes(meeting_ids: list[int]) -> dict[int, Minutes]:
    """Return the latest published version of each meeting's minutes that has one."""
    if not meeting_ids:
        return {}
    latest = (
        sa.select(Minutes.meeting_id, sa.func.max(Minutes.version).label("version"))
        .where(Minutes.meeting_id.in_(meeting_ids), Minutes.status == MinutesStatus.published)
        .group_by(Minutes.meeting_id)
        .subquery()
    )
    rows = db.session.scalars(
        sa.select(Minutes).join(
            latest,
            sa.and_(Minutes.meeting_id == latest.c.meeting_id, Minutes.version == latest.c.version),
        )
    )
    return {minutes.meeting_id: minutes for minutes in rows}


# --- Writes --------------------------------------------------------------------------


def is_over(meeting: Meeting, now: datetime) -> bool:
    """Tell whether a meeting is over: adjourned, or convened and past its end."""
    if meeting.status in (MeetingStatus.adjourned, MeetingStatus.minutes_approved):
        return True
    return meeting.status is MeetingStatus.convened and meeting.ends_at <= now


def _language(language: str) -> str:
    tag = (language or "").strip().replace("_", "-")
    if not tag or len(tag) > 16 or not is_language_tag(tag):
        raise InvalidInput(
            _("Give the language of the minutes as a code such as en, ko, fr or es."),
            field="language",
        )
    return tag


def _text(text: str) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise InvalidInput(_("Write the text of the minutes."), field="text")
    if len(text) > MAX_TEXT:
        raise InvalidInput(_("The text of the minutes is too long."), field="text")
    return text


def _audit(action: str, minutes: Minutes, actor: User, now: datetime, **data: Any) -> None:
    record(
        action,
        subject=("meeting", minutes.meeting_id),
        actor=actor,
        now=now,
        data={
            "minutes": minutes.id,
            "version": minutes.version,
            "language": minutes.language,
            "status": minutes.status.value,
            "sha256": minutes.digest(),
            **data,
        },
    )


def start_minutes(meeting: Meeting, *, language: str, actor: User, now: datetime) -> Minutes:
    """Start the first version of a meeting's minutes, its text drafted from the record.

    :raises Conflict: for a meeting not over yet, or one that has minutes already.
    :raises InvalidInput: for a language that is not one.
    """
    language = _language(language)
    if not is_over(meeting, now):
        raise Conflict(_("Minutes are drafted once the meeting is adjourned."))
    if db.session.scalar(sa.select(Minutes.id).where(Minutes.meeting_id == meeting.id).limit(1)):
        raise Conflict(_("This meeting has minutes already."))
    minutes = Minutes(
        meeting_id=meeting.id,
        version=1,
        language=language,
        text=first_draft(meeting, language),
        status=MinutesStatus.draft,
        drafted_at=now,
        drafted_by_id=actor.id,
        updated_at=now,
    )
    db.session.add(minutes)
    db.session.flush()
    _audit("meeting.minutes_started", minutes, actor, now)
    return minutes


def save_draft(
    minutes: Minutes, *, text: str, language: str, actor: User, now: datetime
) -> Minutes:
    """Save the secretariat's text of a draft.

    :raises Conflict: for a version no longer a draft (approved minutes are not edited).
    :raises InvalidInput: for an empty or too long text, or a language that is not one.
    """
    if not minutes.is_editable:
        raise Conflict(
            _("Approved minutes cannot be edited; start a correction, saying why, instead.")
        )
    minutes.text = _text(text)
    minutes.language = _language(language)
    minutes.updated_at = now
    db.session.flush()
    _audit("meeting.minutes_drafted", minutes, actor, now)
    return minutes


def approve_minutes(
    minutes: Minutes, meeting: Meeting, *, approved_on: date, actor: User, now: datetime
) -> Minutes:
    """Record the council's approval of a draft: its text and record are final.

    :param approved_on: the day the council approved them (not before the meeting, not
        in the future).
    :raises Conflict: for a version that is not a draft.
    :raises InvalidInput: for a day before the meeting or after today.
    """
    if minutes.status is not MinutesStatus.draft:
        raise Conflict(_("Only a draft can be approved."))
    if approved_on < meeting.held_on or approved_on > now.astimezone(meeting.zone).date():
        raise InvalidInput(
            _("The council approves minutes on or after the meeting's day, and not after today."),
            field="approved_on",
        )
    minutes.record = record_of(meeting)
    minutes.status = MinutesStatus.approved
    minutes.approved_on = approved_on
    minutes.approved_at = now
    minutes.approved_by_id = actor.id
    minutes.updated_at = now
    meeting.status = MeetingStatus.minutes_approved
    db.session.flush()
    _audit("meeting.minutes_approved", minutes, actor, now, approved_on=approved_on.isoformat())
    return minutes


def publish_minutes(minutes: Minutes, meeting: Meeting, *, actor: User, now: datetime) -> Minutes:
    """Publish approved minutes: public from now on, in place of any earlier version.

    :raises Conflict: for a version that is not approved.
    """
    if minutes.status is not MinutesStatus.approved:
        raise Conflict(_("Only approved minutes can be published."))
    minutes.status = MinutesStatus.published
    minutes.published_at = now
    minutes.published_by_id = actor.id
    minutes.updated_at = now
    db.session.flush()
    _audit(
        "meeting.minutes_published",
        minutes,
        actor,
        now,
        text=minutes.text,
        correction_reason=minutes.correction_reason,
    )
    announce_published(meeting, now)
    return minutes


def announce_published(meeting: Meeting, now: datetime) -> None:
    """Tell the network the minutes are out: the "minutes published" notice.

    Queued in this transaction to the delegates of member cities (``network.notices``).
    """
    notify_minutes_published(meeting, now=now)


def correct_minutes(meeting: Meeting, *, reason: str, actor: User, now: datetime) -> Minutes:
    """Start a correction: a new draft version, copied from the published one, with why.

    :raises Conflict: when the latest version is not published (finish that one first).
    :raises InvalidInput: without a reason.
    """
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the minutes are corrected."), field="reason")
    versions = versions_of(meeting.id)
    if not versions or versions[0].status is not MinutesStatus.published:
        raise Conflict(_("Only published minutes are corrected by a new version."))
    latest = versions[0]
    minutes = Minutes(
        meeting_id=meeting.id,
        version=latest.version + 1,
        language=latest.language,
        text=latest.text,
        status=MinutesStatus.draft,
        correction_reason=reason,
        drafted_at=now,
        drafted_by_id=actor.id,
        updated_at=now,
    )
    db.session.add(minutes)
    db.session.flush()
    _audit("meeting.minutes_correction_started", minutes, actor, now, reason=reason)
    return minutes
