"""Writes of the vote engine: prepare, open, cast, close.

A subject (charter version, election round, motion) registers how its votes take
their rules and what happens when one closes, so the engine never imports them.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from network.audit.services import record
from network.auth.models import Role, User
from network.cities.models import City, MembershipStatus
from network.common.errors import (
    AlreadyVoted,
    Conflict,
    DomainError,
    InvalidInput,
    NotAllowed,
    NotInElectorate,
    VoteNotOpen,
)
from network.db import db, violates
from network.notices import notify
from network.votes import rules, sealing, tally
from network.votes.models import (
    Ballot,
    ElectorateMember,
    Participation,
    SealedBallot,
    Secrecy,
    Vote,
    VoteKind,
    VoteOption,
    VoteStatus,
)
from network.votes.queries import vote_key
from network.votes.tally import MajorityRule

# The database's guarantee of one ballot per city and vote (models: Participation).
ONE_BALLOT_PER_CITY = "uq_vote_participations_vote_id_city_id"


@dataclass(frozen=True)
class VoteRules:
    """The rules a vote takes at opening, and where they come from."""

    majority: MajorityRule
    quorum: Fraction
    source: str


@dataclass(frozen=True)
class Subject:
    """How the engine treats the votes of one kind of subject."""

    rules_for: Callable[[Vote], VoteRules]
    on_closed: Callable[[Vote, User | None, datetime], None]
    # The vote's title in the reader's language and the address of its subject's page.
    describe: Callable[[Vote], tuple[str, str]]


SUBJECTS: dict[str, Subject] = {}
logger = logging.getLogger(__name__)


def register_subject(subject_type: str, subject: Subject) -> None:
    """Declare a kind of subject (called once by the domain that owns it)."""
    SUBJECTS[subject_type] = subject


def describe(vote: Vote) -> tuple[str, str]:
    """Return a vote's title in the reader's language and its subject's address."""
    return SUBJECTS[vote.subject_type].describe(vote)


def create_vote(
    *,
    subject_type: str,
    subject_id: int,
    title: str,
    kind: VoteKind,
    secrecy: Secrecy,
    rule_key: str,
    options: Sequence[tuple[str, int | None]] = (),
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    actor: User | None,
    now: datetime,
) -> Vote:
    """Prepare a vote; it opens by hand or at ``opens_at``.

    :param options: ``(label, city id)`` of each candidate, for single and ranked votes.
    :raises InvalidInput: for times out of order or candidates that don't fit the kind.
    """
    if subject_type not in SUBJECTS:
        raise ValueError(f"unknown subject type {subject_type!r}")
    if closes_at is not None and closes_at <= (opens_at or now):
        raise InvalidInput(_("The vote must close after it opens."), field="closes_at")
    if opens_at is not None and opens_at < now:
        raise InvalidInput(_("The opening time cannot be in the past."), field="opens_at")
    if kind is VoteKind.approval and options:
        raise InvalidInput(_("A yes / no vote has no candidates."))
    if kind is not VoteKind.approval and not options:
        # One candidate is enough: an unopposed candidate still needs the votes.
        raise InvalidInput(_("A vote among candidates needs at least one of them."))
    vote = Vote(
        subject_type=subject_type,
        subject_id=subject_id,
        title=title,
        kind=kind,
        secrecy=secrecy,
        status=VoteStatus.pending,
        rule_key=rule_key,
        opens_at=opens_at,
        closes_at=closes_at,
        created_at=now,
        created_by_id=actor.id if actor else None,
        options=[
            VoteOption(position=index, label=label, city_id=city_id)
            for index, (label, city_id) in enumerate(options, start=1)
        ],
    )
    db.session.add(vote)
    db.session.flush()
    record(
        "vote.created",
        subject=("vote", vote.id),
        actor=actor,
        now=now,
        data={
            "subject": f"{subject_type}:{subject_id}",
            "title": title,
            "kind": kind.value,
            "secrecy": secrecy.value,
            "options": [label for label, _city in options],
            "opens_at": opens_at.isoformat() if opens_at else None,
            "closes_at": closes_at.isoformat() if closes_at else None,
        },
    )
    return vote


def _lock(vote: Vote, *, shared: bool) -> Vote:
    """Lock the vote's row (shared to cast, exclusive to open or close) and re-read it.

    Casting holds a shared lock, so a close waits for ballots being cast, and a ballot
    that arrives during a close sees the vote closed (SQLite serialises writers anyway).
    """
    return db.session.execute(
        sa.select(Vote)
        .where(Vote.id == vote.id)
        .with_for_update(read=shared)
        .execution_options(populate_existing=True)
    ).scalar_one()


def open_vote(vote: Vote, *, actor: User | None, now: datetime, late: bool = False) -> Vote:
    """Open a prepared vote: fix its electorate (the members now) and its rules.

    :param late: let the schedule open a vote whose closing time has passed meanwhile,
        so that it can be closed (with no ballot) and its subject learn the outcome.
    :raises Conflict: when the vote is not waiting to open, or no city could vote.
    """
    vote = _lock(vote, shared=False)
    if vote.status is not VoteStatus.pending:
        raise Conflict(_("Only a vote that has not opened yet can be opened."))
    if not late and vote.closes_at is not None and vote.closes_at <= now:
        raise Conflict(_("This vote's closing time has passed; it cannot open."))
    vote_rules = SUBJECTS[vote.subject_type].rules_for(vote)
    electorate = list(
        db.session.execute(
            sa.select(City.id, City.slug)
            .where(City.status == MembershipStatus.member)
            .order_by(City.slug)
        )
    )
    if not electorate:
        raise Conflict(_("No member city is in good standing: nobody could vote."))
    db.session.add_all(
        ElectorateMember(vote_id=vote.id, city_id=city_id) for city_id, _slug in electorate
    )
    vote.majority = vote_rules.majority
    vote.quorum_numerator = vote_rules.quorum.numerator
    vote.quorum_denominator = vote_rules.quorum.denominator
    vote.rules_source = vote_rules.source
    vote.electorate_size = len(electorate)
    vote.opened_at = now
    vote.status = VoteStatus.open
    if vote.secrecy is Secrecy.secret:
        vote.seal_salt = sealing.new_salt()
    db.session.flush()
    record(
        "vote.opened",
        subject=("vote", vote.id),
        actor=actor,
        now=now,
        data={
            "electorate": [slug for _id, slug in electorate],
            "majority": vote_rules.majority.value,
            "quorum": str(vote_rules.quorum),
            "rules_source": vote_rules.source,
            "closes_at": vote.closes_at.isoformat() if vote.closes_at else None,
        },
    )
    if vote.closes_at is None or vote.closes_at > now:  # not one opened late to be closed
        notify.vote_opened(vote, now=now)
    return vote


def is_in_electorate(vote: Vote, city_id: int) -> bool:
    """Tell whether a city was among the voters fixed at opening."""
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(ElectorateMember)
            .where(ElectorateMember.vote_id == vote.id, ElectorateMember.city_id == city_id)
        )
        == 1
    )


def _entitlement_refusal(vote: Vote, city: City | None, now: datetime) -> DomainError | None:
    """Return why a city may not vote in this vote now, its having voted aside."""
    if city is None:
        return NotAllowed(_("Your account belongs to no city: only a city's delegates vote."))
    if not rules.is_accepting_ballots(vote.status, vote.closes_at, now):
        return VoteNotOpen()
    if city.status is MembershipStatus.applicant:
        return NotInElectorate(_("Your city is not a member yet: only member cities vote."))
    if city.status is MembershipStatus.suspended:
        return NotInElectorate(_("Your city is suspended: a suspended city does not vote."))
    if not city.is_in_good_standing:
        return NotInElectorate(_("Your city is no longer a member: it does not vote."))
    if not is_in_electorate(vote, city.id):
        # The electorate is fixed when the vote opens (SPEC "The vote engine").
        return NotInElectorate(
            _(
                "Your city was not a member when this vote opened: the cities that vote "
                "are the members on that day."
            )
        )
    return None


def ballot_refusal(vote: Vote, city: City | None, *, now: datetime) -> DomainError | None:
    """Return why a city cannot cast a ballot in this vote now, or None when it can.

    The pages show it instead of a ballot form; :func:`cast_ballot` refuses with the
    same errors (its database constraint, not this read, settles two ballots at once).
    """
    refusal = _entitlement_refusal(vote, city, now)
    if refusal is not None:
        return refusal
    assert city is not None
    voted = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Participation)
        .where(Participation.vote_id == vote.id, Participation.city_id == city.id)
    )
    return AlreadyVoted() if voted else None


def cast_ballot(
    vote: Vote,
    city: City,
    choice: Any,
    *,
    actor: User,
    now: datetime,
    proxy_holder: City | None = None,
) -> Ballot:
    """Cast a city's one ballot, final once cast.

    :param choice: the ballot's content as ``rules.clean_choice`` accepts it.
    :param proxy_holder: the city holding ``city``'s proxy, whose delegate ``actor`` casts
        the ballot for it at a meeting; the caller (meetings/proxies.py) has checked
        the proxy. The ballot is ``city``'s, one per city as always.
    :raises NotAllowed: when the actor is not a delegate of that city (or of the holder).
    :raises VoteNotOpen: when the vote takes no ballots now.
    :raises NotInElectorate: when the city is outside the electorate or not in good standing.
    :raises InvalidInput: when the ballot's content does not fit the vote.
    :raises AlreadyVoted: when the city has voted already (the database guarantees it).
    """
    acting_for = proxy_holder if proxy_holder is not None else city
    if actor.role is not Role.delegate or actor.city_id != acting_for.id:
        raise NotAllowed(_("Only a delegate of the city can cast its ballot."))
    vote = _lock(vote, shared=True)
    refusal = _entitlement_refusal(vote, city, now)
    if refusal is not None:
        raise refusal
    try:
        content = rules.clean_choice(vote.kind, choice, {option.id for option in vote.options})
    except ValueError:
        raise InvalidInput(_("This ballot is not valid for this vote."), field="choice") from None
    try:
        with db.session.begin_nested():
            db.session.add(
                Participation(
                    vote_id=vote.id,
                    city_id=city.id,
                    cast_at=now,
                    cast_by_id=actor.id,
                    proxy_holder_id=proxy_holder.id if proxy_holder is not None else None,
                )
            )
    except IntegrityError as error:
        if not violates(error, ONE_BALLOT_PER_CITY):
            raise  # a fault, not a second ballot: logged, answered 500, nothing written
        raise AlreadyVoted() from None
    recorded = vote.secrecy is Secrecy.recorded
    ballot = Ballot(
        receipt=rules.new_receipt(),
        vote_id=vote.id,
        choice=content,
        city_id=city.id if recorded else None,
    )
    if recorded:
        db.session.add(ballot)
    else:
        # Never in the clear while the vote is open (votes/sealing.py): the ballot
        # returned is the city's to see once, not stored until the count.
        key = vote_key(vote)
        db.session.add(
            SealedBallot(
                vote_id=vote.id,
                receipt_tag=sealing.receipt_tag(key, ballot.receipt),
                sealed=sealing.seal(key, vote.id, ballot.receipt, content),
            )
        )
    db.session.flush()
    # Public: the fact that the city voted, never how (nor its receipt); for a ballot by
    # proxy, also the city that held the proxy (the proxy's use, audited here).
    data = {"city": city.slug}
    if proxy_holder is not None:
        data["proxy_held_by"] = proxy_holder.slug
    record("vote.ballot_cast", subject=("vote", vote.id), actor=actor, now=now, data=data)
    return ballot


def _ballot_contents(vote: Vote) -> list[tuple[str, Any]]:
    return list(
        db.session.execute(
            sa.select(Ballot.receipt, Ballot.choice)
            .where(Ballot.vote_id == vote.id)
            .order_by(Ballot.receipt)
        )
    )


def ballots_digest(contents: Sequence[tuple[str, Any]]) -> str:
    """Hash every ballot (receipt and content) so the published list can be checked."""
    canonical = json.dumps(
        [[receipt, choice] for receipt, choice in contents], separators=(",", ":"), sort_keys=True
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def tally_vote(
    vote: Vote, contents: Sequence[tuple[str, Any]], lot: Sequence[int] = ()
) -> dict[str, Any]:
    """Count a vote's ballots by the rules fixed at its opening.

    :param lot: for instant-runoff, the order in which tied candidates are eliminated.
    """
    choices = [choice for _receipt, choice in contents]
    electorate, fraction, majority = vote.electorate_size or 0, vote.quorum, vote.majority
    assert fraction is not None and majority is not None
    if vote.kind is VoteKind.approval:
        yes, no, abstain = tally.count_approval_choices(choices)
        return tally.approval(
            yes, no, abstain, electorate=electorate, quorum_fraction=fraction, rule=majority
        ).to_dict()
    candidates = [option.id for option in vote.options]
    kwargs = {"electorate": electorate, "quorum_fraction": fraction}
    if vote.kind is VoteKind.ranked:
        return tally.instant_runoff(choices, candidates, lot=lot, **kwargs).to_dict()
    if majority is MajorityRule.absolute_runoff:
        return tally.absolute_majority_round(choices, candidates, **kwargs).to_dict()
    return tally.plurality(choices, candidates, **kwargs).to_dict()


def tally_with_lot(vote: Vote, lot: Sequence[int]) -> dict[str, Any]:
    """Count a closed instant-runoff vote again with a draw by lot; nothing is stored."""
    return tally_vote(vote, _ballot_contents(vote), lot)


def _publish_secret_ballots(vote: Vote) -> list[tuple[str, Any]]:
    """Open a secret vote's sealed ballots and publish them, shuffled, in this transaction.

    The published rows share the closing transaction and an order drawn from the
    system's random source, and refer to nothing of the sealed rows, which are deleted:
    nothing stored ties a published ballot to a participation (votes/sealing.py).
    Ballots published in the clear before sealing existed are published again with them.
    """
    contents = [(receipt, choice) for receipt, choice in _ballot_contents(vote)]
    sealed = db.session.scalars(sa.select(SealedBallot).where(SealedBallot.vote_id == vote.id))
    if vote.seal_salt is not None:
        key = vote_key(vote)
        contents += [sealing.unseal(key, vote.id, row.sealed) for row in sealed]
    secrets.SystemRandom().shuffle(contents)
    db.session.execute(sa.delete(SealedBallot).where(SealedBallot.vote_id == vote.id))
    db.session.execute(sa.delete(Ballot).where(Ballot.vote_id == vote.id))
    db.session.flush()
    db.session.add_all(
        Ballot(receipt=receipt, vote_id=vote.id, choice=choice, city_id=None)
        for receipt, choice in contents
    )
    db.session.flush()
    return sorted(contents)


def close_vote(vote: Vote, *, actor: User | None, now: datetime) -> Vote:
    """Close an open vote, count it, publish the result and let its subject act on it.

    :raises Conflict: when the vote is not open.
    """
    vote = _lock(vote, shared=False)
    if vote.status is not VoteStatus.open:
        raise Conflict(_("Only an open vote can be closed."))
    if vote.secrecy is Secrecy.secret:
        contents = _publish_secret_ballots(vote)
    else:
        contents = _ballot_contents(vote)
    vote.result = tally_vote(vote, contents)
    vote.status = VoteStatus.closed
    vote.closed_at = now
    db.session.flush()
    record(
        "vote.closed",
        subject=("vote", vote.id),
        actor=actor,
        now=now,
        data={
            "result": vote.result,
            "ballots": len(contents),
            "ballots_digest": ballots_digest(contents),
        },
    )
    SUBJECTS[vote.subject_type].on_closed(vote, actor, now)
    notify.result_published(vote, now=now)
    return vote


def run_schedule(now: datetime) -> tuple[list[Vote], list[Vote]]:
    """Open the prepared votes whose time has come and close those past their time.

    A prepared vote whose closing time passed before anyone opened it is opened late and
    closed at once, so its subject learns that nobody voted. Each vote is handled in a
    savepoint: one that fails is logged and left for the next run, not the others.
    """
    opened: list[Vote] = []
    closed: list[Vote] = []
    due_to_open = db.session.scalars(
        sa.select(Vote.id)
        .where(Vote.status == VoteStatus.pending, Vote.opens_at <= now)
        .order_by(Vote.id)
    ).all()
    for vote_id in due_to_open:
        vote = db.session.get(Vote, vote_id)
        if _in_savepoint(lambda v=vote: open_vote(v, actor=None, now=now, late=True)):
            opened.append(vote)
    due_to_close = db.session.scalars(
        sa.select(Vote.id)
        .where(Vote.status == VoteStatus.open, Vote.closes_at <= now)
        .order_by(Vote.id)
    ).all()
    for vote_id in due_to_close:
        vote = db.session.get(Vote, vote_id)
        if _in_savepoint(lambda v=vote: close_vote(v, actor=None, now=now)):
            closed.append(vote)
    return opened, closed


def _in_savepoint(action: Callable[[], object]) -> bool:
    try:
        with db.session.begin_nested():
            action()
    except (DomainError, SQLAlchemyError):
        logger.exception("scheduled vote change failed; it will be retried")
        return False
    return True
