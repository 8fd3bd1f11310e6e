"""Writes of motions: propose, second, withdraw, lapse, put to the vote, and the effect."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import gettext as _

from network.audit.services import record
from network.auth.models import Role, User
from network.charter import services as charter_services
from network.charter.models import CharterVersion
from network.charter.rules import RuleKey
from network.cities import rules as city_rules
from network.cities import services as city_services
from network.cities.models import City, MembershipStatus
from network.cities.rules import is_language_tag
from network.common.enums import label
from network.common.errors import Conflict, InvalidInput, NotAllowed
from network.db import db
from network.motions.models import Motion, MotionKind, MotionStatus, MotionText
from network.motions.rules import can_translate
from network.notices import notify
from network.resolutions.models import DecisionMode, ResolutionKind
from network.resolutions.services import register_resolution
from network.votes import services as votes
from network.votes.models import Secrecy, Vote, VoteKind
from network.votes.tally import Outcome

if TYPE_CHECKING:
    from network.meetings.models import Meeting, SessionDecision

SUBJECT = "motion"

# The charter's rule for each kind of motion, and the register's kind for its resolution.
RULE_FOR = {
    MotionKind.ordinary: RuleKey.ordinary,
    MotionKind.charter_amendment: RuleKey.amendment,
    MotionKind.admission: RuleKey.admission,
    MotionKind.suspension: RuleKey.suspension,
}
EFFECT = {
    MotionKind.admission: MembershipStatus.member,
    MotionKind.suspension: MembershipStatus.suspended,
}
RESOLUTION_KIND = {
    MotionKind.ordinary: ResolutionKind.ordinary,
    MotionKind.charter_amendment: ResolutionKind.charter,
    MotionKind.admission: ResolutionKind.admission,
    MotionKind.suspension: ResolutionKind.suspension,
}


def _check_subject(kind: MotionKind, city: City | None, version: CharterVersion | None) -> None:
    if kind is MotionKind.admission:
        if city is None or city.status not in (
            MembershipStatus.applicant,
            MembershipStatus.withdrawn,
        ):
            raise InvalidInput(_("Choose an applicant city to admit."), field="city")
    elif kind is MotionKind.suspension:
        if city is None or city.status is not MembershipStatus.member:
            raise InvalidInput(_("Choose a member city to suspend."), field="city")
    elif city is not None:
        raise InvalidInput(_("Only an admission or a suspension is about a city."), field="city")
    if kind is MotionKind.charter_amendment:
        if version is None or version.status.value != "draft":
            raise InvalidInput(
                _("Choose the charter draft this amendment would adopt."), field="charter_version"
            )
    elif version is not None:
        raise InvalidInput(
            _("Only a charter amendment names a charter draft."), field="charter_version"
        )


def propose(
    *,
    title: str,
    text: str,
    kind: MotionKind,
    subject_city: City | None,
    charter_version: CharterVersion | None,
    actor: User,
    now: datetime,
    language: str = "en",
) -> Motion:
    """Propose a motion, as a delegate of a member city or the secretariat.

    :param language: the language of the title and text, which stay the authoritative ones.
    :raises NotAllowed: for observers and delegates of cities not in good standing.
    :raises InvalidInput: for an empty title or text, an unknown language, or a subject
        that does not fit the kind.
    """
    if actor.role is Role.observer or (
        actor.role is Role.delegate and not (actor.city and actor.city.is_in_good_standing)
    ):
        raise NotAllowed(_("Only delegates of member cities and the secretariat can propose."))
    if not title.strip() or not text.strip():
        raise InvalidInput(_("Give the motion a title and a text."), field="title")
    if not is_language_tag(language):
        raise InvalidInput(_("“%(tag)s” is not a language code.", tag=language), field="language")
    _check_subject(kind, subject_city, charter_version)
    motion = Motion(
        title=title.strip(),
        text=text.strip(),
        language=language,
        kind=kind,
        status=MotionStatus.proposed,
        subject_city_id=subject_city.id if subject_city else None,
        charter_version_id=charter_version.id if charter_version else None,
        proposer_id=actor.id,
        proposer_city_id=actor.city_id,
        proposed_at=now,
        lapses_at=now + current_app.config["MOTION_SECONDING_PERIOD"],
    )
    db.session.add(motion)
    db.session.flush()
    record(
        "motion.proposed",
        subject=("motion", motion.id),
        actor=actor,
        now=now,
        data={
            "title": motion.title,
            "kind": kind.value,
            "text": motion.text,
            "language": language,
            "city": subject_city.slug if subject_city else None,
            "charter_version": charter_version.number if charter_version else None,
        },
    )
    notify.motion_proposed(motion, now=now)
    return motion


@dataclass(frozen=True)
class TranslationEntry:
    """A motion's title and text in one language other than the original's."""

    language: str
    title: str
    text: str


TITLE_MAX = 200
TEXT_MAX = 20000


def _check_translations(motion: Motion, entries: list[TranslationEntry]) -> None:
    languages = [entry.language for entry in entries]
    if len(set(languages)) != len(languages):
        raise InvalidInput(_("Each language may appear only once."), field="texts")
    for entry in entries:
        if not is_language_tag(entry.language):
            raise InvalidInput(
                _("“%(tag)s” is not a language code.", tag=entry.language), field="texts"
            )
        if entry.language == motion.language:
            raise InvalidInput(
                _(
                    "The motion was written in this language (%(tag)s): its text is the "
                    "original, and a translation is in another language.",
                    tag=entry.language,
                ),
                field="texts",
            )
        if not entry.title.strip() or not entry.text.strip():
            raise InvalidInput(
                _("Give the title and the text in %(tag)s.", tag=entry.language), field="texts"
            )
        if len(entry.title) > TITLE_MAX or len(entry.text) > TEXT_MAX:
            raise InvalidInput(
                _("The title or the text in %(tag)s is too long.", tag=entry.language),
                field="texts",
            )


def save_translations(
    motion: Motion, entries: list[TranslationEntry], *, actor: User, now: datetime
) -> list[str]:
    """Make the motion's translations those given: add, change or remove each language.

    The original title and text never change here; each language added, changed or
    removed is one audit entry. Languages whose wording is unchanged are left alone.

    :param entries: every translation the motion should have (a language left out is removed).
    :returns: the languages that changed, in order.
    :raises NotAllowed: unless the actor is the secretariat or a delegate of the proposing city.
    :raises InvalidInput: for a language twice, an unknown one, the original's own language,
        or a missing title or text.
    """
    if not can_translate(actor, motion):
        raise NotAllowed(
            _("Only the secretariat and the proposing city's delegates can translate a motion.")
        )
    entries = [
        TranslationEntry(entry.language.strip(), entry.title.strip(), entry.text.strip())
        for entry in entries
    ]
    _check_translations(motion, entries)
    wanted = {entry.language: entry for entry in entries}
    changes: list[tuple[str, str, TranslationEntry | None]] = []
    for language in sorted(set(motion.translations) - set(wanted)):
        del motion.translations[language]
        changes.append(("motion.translation_removed", language, None))
    for language, entry in wanted.items():
        existing = motion.translations.get(language)
        if existing is None:
            motion.translations[language] = MotionText(
                language=language, title=entry.title, text=entry.text, updated_at=now
            )
            changes.append(("motion.translation_added", language, entry))
        elif (existing.title, existing.text) != (entry.title, entry.text):
            existing.title, existing.text, existing.updated_at = entry.title, entry.text, now
            changes.append(("motion.translation_changed", language, entry))
    db.session.flush()
    for action, language, entry in changes:
        data: dict[str, str] = {"language": language}
        if entry is not None:
            data |= {"title": entry.title, "text": entry.text}
        record(action, subject=("motion", motion.id), actor=actor, now=now, data=data)
    return [language for _action, language, _entry in changes]


def _is_open_for_seconding(motion: Motion, now: datetime) -> bool:
    return motion.status is MotionStatus.proposed and now < motion.lapses_at


def second(motion: Motion, *, actor: User, now: datetime) -> Motion:
    """Second a motion, as a delegate of another member city.

    :raises NotAllowed: when the actor is not a delegate of a member city, or of the
        proposer's own city.
    :raises Conflict: when the motion is not awaiting a second (or has lapsed).
    """
    if actor.role is not Role.delegate or not (actor.city and actor.city.is_in_good_standing):
        raise NotAllowed(_("Only a delegate of a member city can second a motion."))
    if actor.city_id == motion.proposer_city_id:
        raise NotAllowed(_("A motion must be seconded by another city than the proposer's."))
    if not _is_open_for_seconding(motion, now):
        raise Conflict(_("This motion is not awaiting a second."))
    motion.status = MotionStatus.seconded
    motion.seconder_id, motion.seconder_city_id, motion.seconded_at = actor.id, actor.city_id, now
    db.session.flush()
    record(
        "motion.seconded",
        subject=("motion", motion.id),
        actor=actor,
        now=now,
        data={"city": actor.city.slug},
    )
    notify.motion_seconded(motion, now=now)
    return motion


def withdraw(motion: Motion, *, actor: User, now: datetime) -> Motion:
    """Withdraw one's own motion before it is put to the vote.

    :raises NotAllowed: when the actor did not propose it.
    :raises Conflict: when it is being voted on or decided.
    """
    if motion.proposer_id != actor.id:
        raise NotAllowed(_("Only the proposer can withdraw a motion."))
    if motion.status not in (MotionStatus.proposed, MotionStatus.seconded):
        raise Conflict(_("A motion can be withdrawn only before it is put to the vote."))
    motion.status, motion.ended_at = MotionStatus.withdrawn, now
    db.session.flush()
    record("motion.withdrawn", subject=("motion", motion.id), actor=actor, now=now)
    return motion


def lapse_due(now: datetime) -> list[Motion]:
    """Let unseconded motions past their time lapse (run by ``flask network tick``)."""
    due = list(
        db.session.scalars(
            sa.select(Motion).where(Motion.status == MotionStatus.proposed, Motion.lapses_at <= now)
        )
    )
    for motion in due:
        motion.status, motion.ended_at = MotionStatus.lapsed, now
        db.session.flush()
        record("motion.lapsed", subject=("motion", motion.id), actor=None, now=now)
    return due


def check_decidable(motion: Motion) -> None:
    """Check that what a motion is about can still be decided (before a vote or a record).

    :raises InvalidInput: when its city or charter draft no longer fits its kind.
    :raises Conflict: when its charter draft cannot be adopted (see the charter's checks).
    """
    _check_subject(motion.kind, motion.subject_city, motion.charter_version)
    if motion.charter_version is not None:
        charter_services.check_ready_for_vote(motion.charter_version)


def put_to_vote(
    motion: Motion, *, secrecy: Secrecy, closes_at: datetime | None, actor: User, now: datetime
) -> Vote:
    """Open the council's vote on a seconded motion, by the charter's majority for its kind.

    :raises Conflict: when the motion is not seconded, or its subject changed meanwhile.
    """
    if motion.status is not MotionStatus.seconded:
        raise Conflict(_("Only a seconded motion can be put to the vote."))
    check_decidable(motion)
    same_subject = []
    if motion.subject_city_id is not None:
        same_subject.append(Motion.subject_city_id == motion.subject_city_id)
    if motion.charter_version_id is not None:
        same_subject.append(Motion.charter_version_id == motion.charter_version_id)
    if same_subject and db.session.scalar(
        sa.select(Motion.id).where(Motion.status == MotionStatus.voting, sa.or_(*same_subject))
    ):
        raise Conflict(_("Another motion on the same subject is being voted on."))
    vote = votes.create_vote(
        subject_type=SUBJECT,
        subject_id=motion.id,
        title=motion.title,
        kind=VoteKind.approval,
        secrecy=secrecy,
        rule_key=RULE_FOR[motion.kind].value,
        closes_at=closes_at,
        actor=actor,
        now=now,
    )
    votes.open_vote(vote, actor=actor, now=now)
    if motion.charter_version is not None:
        charter_services.lock_for_vote(motion.charter_version, vote, actor=actor, now=now)
    motion.status, motion.vote_id = MotionStatus.voting, vote.id
    db.session.flush()
    record(
        "motion.put_to_vote",
        subject=("motion", motion.id),
        actor=actor,
        now=now,
        data={"vote": vote.id, "rule": RULE_FOR[motion.kind].value},
    )
    notify.motion_put_to_vote(motion, vote, now=now)
    return vote


def _take_effect(motion: Motion, resolution_number: str, actor: User | None, now: datetime) -> None:
    """Carry out what a carried motion decided (when the city's status still allows it)."""
    reason = f"Resolution {resolution_number}"
    target = EFFECT.get(motion.kind)
    if target is not None and not city_rules.can_change_status(motion.subject_city.status, target):
        # Decided meanwhile by another route: the resolution stands, the effect is moot.
        record(
            "motion.effect_moot",
            subject=("motion", motion.id),
            actor=actor,
            now=now,
            data={"city": motion.subject_city.slug, "status": motion.subject_city.status.value},
        )
        return
    if motion.kind is MotionKind.admission:
        city_services.change_status(
            motion.subject_city,
            MembershipStatus.member,
            effective_on=now.date(),
            reason=reason,
            actor=actor,
            now=now,
        )
    elif motion.kind is MotionKind.suspension:
        city_services.change_status(
            motion.subject_city,
            MembershipStatus.suspended,
            effective_on=now.date(),
            reason=reason,
            actor=actor,
            now=now,
        )


def _conclude(
    motion: Motion,
    carried: bool,
    *,
    vote: Vote | None,
    mode: DecisionMode,
    adopted_on: date,
    actor: User | None,
    now: datetime,
) -> None:
    """End a decided motion: a carried one becomes a resolution and takes effect."""
    motion.ended_at = now
    if not carried:
        motion.status = MotionStatus.defeated
        if motion.charter_version is not None and vote is not None:
            charter_services.reject_version(motion.charter_version, vote, actor=actor, now=now)
        db.session.flush()
        record(
            "motion.defeated",
            subject=("motion", motion.id),
            actor=actor,
            now=now,
            data={"vote": vote.id if vote else None, "mode": mode.value},
        )
        return
    resolution = register_resolution(
        title=motion.title,
        text=motion.text,
        kind=RESOLUTION_KIND[motion.kind],
        mode=mode,
        adopted_on=adopted_on,
        vote=vote,
        actor=actor,
        now=now,
        meeting_id=motion.meeting_id,
    )
    motion.status, motion.resolution_id = MotionStatus.carried, resolution.id
    db.session.flush()
    record(
        "motion.carried",
        subject=("motion", motion.id),
        actor=actor,
        now=now,
        data={
            "vote": vote.id if vote else None,
            "resolution": resolution.number,
            "mode": mode.value,
        },
    )
    if motion.charter_version is not None:
        charter_services.adopt_version(motion.charter_version, resolution, actor=actor, now=now)
    _take_effect(motion, resolution.number, actor, now)


def decide_in_session(
    motion: Motion,
    carried: bool,
    *,
    meeting: Meeting,
    decision: SessionDecision,
    actor: User,
    now: datetime,
) -> None:
    """Conclude a motion decided in the room (the meeting's recorded decision)."""
    motion.meeting_id = meeting.id
    _conclude(
        motion,
        carried,
        vote=None,
        mode=DecisionMode.in_session,
        adopted_on=meeting.held_on,
        actor=actor,
        now=now,
    )
    decision.resolution_id = motion.resolution_id
    db.session.flush()


def _on_closed(vote: Vote, actor: User | None, now: datetime) -> None:
    motion = db.session.get(Motion, vote.subject_id)
    assert motion is not None
    if vote.outcome is Outcome.no_quorum:
        # Not decided: the motion waits, seconded, to be put to the vote again.
        motion.status, motion.vote_id = MotionStatus.seconded, None
        if motion.charter_version is not None:
            charter_services.release_version(motion.charter_version, vote, actor=actor, now=now)
        db.session.flush()
        record(
            "motion.no_quorum",
            subject=("motion", motion.id),
            actor=actor,
            now=now,
            data={"vote": vote.id},
        )
        return
    _conclude(
        motion,
        vote.outcome is Outcome.carried,
        vote=vote,
        mode=DecisionMode.online,
        adopted_on=now.date(),
        actor=actor,
        now=now,
    )


def _describe(vote: Vote) -> tuple[str, str]:
    motion = db.session.get(Motion, vote.subject_id)
    assert motion is not None
    return (
        _("%(kind)s: %(title)s", kind=label(motion.kind), title=motion.title),
        url_for("motions.show", motion_id=motion.id),
    )


votes.register_subject(
    SUBJECT,
    votes.Subject(rules_for=charter_services.vote_rules, on_closed=_on_closed, describe=_describe),
)
