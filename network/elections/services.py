"""Writes of elections: nominations, rounds, draws by lot, certification."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from network.audit.services import record
from network.auth.models import Role, User
from network.charter import queries as charter_queries
from network.charter import services as charter_services
from network.charter.rules import RuleKey
from network.cities.models import City
from network.common.enums import label
from network.common.errors import Conflict, InvalidInput, NotAllowed
from network.db import db
from network.elections import rules
from network.elections.models import (
    Election,
    ElectionRound,
    ElectionStatus,
    Nomination,
    NominationStatus,
    Office,
    Term,
)
from network.notices import notify
from network.votes import services as votes
from network.votes.models import Secrecy, Vote, VoteKind
from network.votes.tally import MajorityRule

SUBJECT = "election_round"


def _require(election: Election, *statuses: ElectionStatus) -> None:
    """Lock the election's row (so a double submission waits, then is refused) and check it."""
    db.session.execute(sa.select(Election.id).where(Election.id == election.id).with_for_update())
    db.session.refresh(election)
    if election.status not in statuses:
        raise Conflict(
            _(
                "The election is not at that stage (it is: %(status)s).",
                status=label(election.status),
            )
        )


def _check_no_overlap(office: Office, start: date, end: date) -> None:
    """Refuse a term that overlaps a term already certified in the same office."""
    clash = db.session.scalar(
        sa.select(Term.id)
        .where(Term.office == office, Term.starts_on <= end, Term.ends_on >= start)
        .limit(1)
    )
    if clash is not None:
        raise InvalidInput(
            _("This term overlaps a term already certified in the same office."),
            field="term_start",
        )


def create_election(
    *,
    office: Office,
    term_start: date,
    term_end: date | None,
    nominations_close_at: datetime | None,
    actor: User,
    now: datetime,
) -> Election:
    """Open an election for an office and a term; nominations open at once.

    :param term_end: None takes the chair's term from the rules in force.
    :raises InvalidInput: when the term ends before it starts or nominations close in the past.
    """
    rules_now, _source, _version = charter_queries.rules_in_force()
    term_end = term_end or rules.default_term_end(term_start, rules_now.chair_term_years)
    if term_end <= term_start:
        raise InvalidInput(_("The term must end after it starts."), field="term_end")
    if nominations_close_at is not None and nominations_close_at <= now:
        raise InvalidInput(_("Nominations cannot close in the past."), field="nominations_close_at")
    _check_no_overlap(office, term_start, term_end)
    election = Election(
        office=office,
        term_start=term_start,
        term_end=term_end,
        status=ElectionStatus.nominating,
        nominations_close_at=nominations_close_at,
        settlements=[],
        created_at=now,
        created_by_id=actor.id,
    )
    db.session.add(election)
    db.session.flush()
    record(
        "election.created",
        subject=("election", election.id),
        actor=actor,
        now=now,
        data={
            "office": office.value,
            "term_start": term_start.isoformat(),
            "term_end": term_end.isoformat(),
            "nominations_close_at": nominations_close_at.isoformat()
            if nominations_close_at
            else None,
        },
    )
    notify.nominations_open(election, now=now)
    return election


def _nominations_open(election: Election, now: datetime) -> bool:
    return election.status is ElectionStatus.nominating and (
        election.nominations_close_at is None or now < election.nominations_close_at
    )


def nominate(election: Election, city: City, *, actor: User, now: datetime) -> Nomination:
    """Nominate a member city (the delegate's own or another).

    A delegate nominating their own city accepts at once; another city answers later.

    :raises NotAllowed: when the actor is not a delegate of a member city.
    :raises Conflict: when nominations are closed or the city is nominated already.
    :raises InvalidInput: when the city is not a member in good standing.
    """
    if actor.role is not Role.delegate or actor.city is None or not actor.city.is_in_good_standing:
        raise NotAllowed(_("Only a delegate of a member city can nominate."))
    if not _nominations_open(election, now):
        raise Conflict(_("Nominations are closed."))
    if not city.is_in_good_standing:
        raise InvalidInput(_("Only a member city in good standing can be nominated."), field="city")
    own = city.id == actor.city_id
    nomination = Nomination(
        election_id=election.id,
        city_id=city.id,
        nominated_by_id=actor.id,
        status=NominationStatus.accepted if own else NominationStatus.pending,
        answered_by_id=actor.id if own else None,
        answered_at=now if own else None,
        created_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(nomination)
    except IntegrityError:
        raise Conflict(_("%(city)s is nominated already.", city=city.name), field="city") from None
    db.session.flush()
    record(
        "election.nominated",
        subject=("election", election.id),
        actor=actor,
        now=now,
        data={"city": city.slug, "by": actor.city.slug, "status": nomination.status.value},
    )
    if nomination.status is NominationStatus.pending:
        notify.nomination_to_answer(nomination, now=now)
    return nomination


def answer_nomination(
    nomination: Nomination, accept: bool, *, actor: User, now: datetime
) -> Nomination:
    """Accept or decline a nomination, as a delegate of the nominated city.

    :raises NotAllowed: when the actor is not a delegate of the nominated city.
    :raises Conflict: when nominations are closed or the nomination was answered already.
    """
    if actor.role is not Role.delegate or actor.city_id != nomination.city_id:
        raise NotAllowed(_("Only a delegate of the nominated city can answer."))
    if not _nominations_open(nomination.election, now):
        raise Conflict(_("Nominations are closed."))
    if nomination.status is not NominationStatus.pending:
        raise Conflict(_("This nomination has been answered already."))
    nomination.status = NominationStatus.accepted if accept else NominationStatus.declined
    nomination.answered_by_id, nomination.answered_at = actor.id, now
    db.session.flush()
    record(
        "election.nomination_answered",
        subject=("election", nomination.election_id),
        actor=actor,
        now=now,
        data={"city": nomination.city.slug, "status": nomination.status.value},
    )
    return nomination


def close_nominations(election: Election, *, actor: User | None, now: datetime) -> Election:
    """End nominations; pending nominations lapse (they do not stand).

    :raises Conflict: when nominations are not open.
    """
    _require(election, ElectionStatus.nominating)
    election.status = ElectionStatus.ready
    db.session.flush()
    record(
        "election.nominations_closed",
        subject=("election", election.id),
        actor=actor,
        now=now,
        data={"candidates": [city.slug for city in election.candidates]},
    )
    return election


def _new_round(
    election: Election,
    candidates: Sequence[City],
    *,
    secrecy: Secrecy,
    closes_at: datetime | None,
    actor: User | None,
    now: datetime,
) -> Vote:
    rules_now, _source, _version = charter_queries.rules_in_force()
    ranked = rules_now.chair_election is MajorityRule.instant_runoff
    number = len(election.rounds) + 1
    vote = votes.create_vote(
        subject_type=SUBJECT,
        subject_id=election.id,
        title=f"Election of the {election.office.value} city "
        f"{election.term_start.year}-{election.term_end.year}, round {number}",
        kind=VoteKind.ranked if ranked else VoteKind.single,
        secrecy=secrecy,
        rule_key=RuleKey.chair_election.value,
        options=[(city.name, city.id) for city in candidates],
        closes_at=closes_at,
        actor=actor,
        now=now,
    )
    db.session.add(ElectionRound(election_id=election.id, number=number, vote_id=vote.id))
    election.status = ElectionStatus.balloting
    db.session.flush()
    db.session.refresh(election)
    return vote


def open_ballot(
    election: Election, *, secrecy: Secrecy, closes_at: datetime | None, actor: User, now: datetime
) -> Vote:
    """Open the first (or, after a round without quorum, a new) round of balloting.

    The method is the charter's: absolute majority with runoff, or instant-runoff.

    :raises Conflict: when nominations are still open or a round is under way.
    :raises InvalidInput: when no candidate has accepted a nomination.
    """
    _require(election, ElectionStatus.ready)
    if election.rounds:
        # A round without quorum is held again, between the same candidates.
        candidates = [option.city for option in election.rounds[-1].vote.options]
    else:
        candidates = election.candidates
    candidates = [city for city in candidates if city.is_in_good_standing]
    if not candidates:
        raise InvalidInput(_("No city has accepted a nomination: there is nobody to vote for."))
    vote = _new_round(
        election, candidates, secrecy=secrecy, closes_at=closes_at, actor=actor, now=now
    )
    votes.open_vote(vote, actor=actor, now=now)
    record(
        "election.ballot_opened",
        subject=("election", election.id),
        actor=actor,
        now=now,
        data={"vote": vote.id, "candidates": [city.slug for city in candidates]},
    )
    return vote


def _city_of_option(vote: Vote, option_id: int) -> City:
    option = next(option for option in vote.options if option.id == option_id)
    assert option.city is not None
    return option.city


def _apply(
    election: Election, vote: Vote, step: rules.Step, *, actor: User | None, now: datetime
) -> None:
    if step.next is rules.Next.certify:
        election.winner_city_id = _city_of_option(vote, step.winner).id
        election.status = ElectionStatus.to_certify
    elif step.next is rules.Next.runoff:
        cities = [_city_of_option(vote, option) for option in step.candidates]
        _new_round(election, cities, secrecy=vote.secrecy, closes_at=None, actor=actor, now=now)
    elif step.next is rules.Next.draw:
        election.status = ElectionStatus.tie
    else:
        election.status = ElectionStatus.ready
    db.session.flush()


def _on_round_closed(vote: Vote, actor: User | None, now: datetime) -> None:
    election = db.session.get(Election, vote.subject_id)
    assert election is not None and vote.result is not None
    step = rules.after_round(vote.result)
    _apply(election, vote, step, actor=actor, now=now)
    record(
        "election.round_counted",
        subject=("election", election.id),
        actor=actor,
        now=now,
        data={
            "vote": vote.id,
            "outcome": vote.result["outcome"],
            "next": step.next.value,
            "winner": election.winner.slug if election.winner else None,
        },
    )


def settle_tie(
    election: Election, drawn: Sequence[int], note: str, *, actor: User, now: datetime
) -> Election:
    """Record the secretariat's draw by lot and carry the election on with it.

    :param drawn: the tied cities' ids in the order their lots came out (first favoured).
    :raises Conflict: when no tie awaits a draw.
    :raises InvalidInput: when the draw does not name each tied city once.
    """
    _require(election, ElectionStatus.tie)
    vote = election.rounds[-1].vote
    assert vote.result is not None
    by_city = {option.city_id: option.id for option in vote.options}
    try:
        drawn_options = [by_city[city_id] for city_id in drawn]
    except KeyError:
        raise InvalidInput(_("The draw must name each tied city once."), field="drawn") from None
    ranked = vote.kind is VoteKind.ranked
    earlier = [s for s in election.settlements if s["vote"] == vote.id]
    # An instant-runoff re-count can meet a new tie: the next draw settles that one.
    current = earlier[-1]["result"] if ranked and earlier else vote.result
    tied = sorted(int(option) for option in current["tied"])
    if sorted(drawn_options) != tied or len(set(drawn_options)) != len(drawn_options):
        raise InvalidInput(_("The draw must name each tied city once."), field="drawn")
    settlement = {
        "round": len(election.rounds),
        "vote": vote.id,
        "drawn": [_city_of_option(vote, o).slug for o in drawn_options],
        "note": note.strip(),
    }
    if ranked:
        lot = [*(earlier[-1]["lot"] if earlier else []), *rules.irv_lot(drawn_options)]
        recount = votes.tally_with_lot(vote, lot)
        settlement["lot"], settlement["result"] = lot, recount
        step = rules.after_round(recount)
        if step.next is rules.Next.draw and sorted(step.candidates) == tied:
            # The count cannot tell them apart (no ballot counts for any): the draw decides.
            step = rules.Step(rules.Next.certify, winner=drawn_options[0])
    else:
        step = rules.settle_by_lot(vote.result, drawn_options)
    election.settlements = [*election.settlements, settlement]
    _apply(election, vote, step, actor=actor, now=now)
    record(
        "election.tie_settled",
        subject=("election", election.id),
        actor=actor,
        now=now,
        data=settlement,
    )
    return election


def certify(election: Election, *, actor: User, now: datetime) -> Term:
    """Certify the winner: the city holds the office for the term.

    :raises Conflict: when there is no result to certify.
    """
    _require(election, ElectionStatus.to_certify)
    assert election.winner is not None
    if not election.winner.is_in_good_standing:
        raise Conflict(_("The winning city is no longer a member in good standing."))
    _check_no_overlap(election.office, election.term_start, election.term_end)
    term = Term(
        office=election.office,
        city_id=election.winner_city_id,
        election_id=election.id,
        starts_on=election.term_start,
        ends_on=election.term_end,
    )
    db.session.add(term)
    election.status = ElectionStatus.certified
    election.certified_at, election.certified_by_id = now, actor.id
    db.session.flush()
    record(
        "election.certified",
        subject=("election", election.id),
        actor=actor,
        now=now,
        data={
            "office": election.office.value,
            "city": election.winner.slug,
            "term_start": term.starts_on.isoformat(),
            "term_end": term.ends_on.isoformat(),
        },
    )
    return term


def close_due_nominations(now: datetime) -> list[Election]:
    """Close nominations whose set time has passed (run by ``flask network tick``)."""
    due = list(
        db.session.scalars(
            sa.select(Election).where(
                Election.status == ElectionStatus.nominating, Election.nominations_close_at <= now
            )
        )
    )
    return [close_nominations(election, actor=None, now=now) for election in due]


def _describe(vote: Vote) -> tuple[str, str]:
    election = db.session.get(Election, vote.subject_id)
    assert election is not None
    number = next(r.number for r in election.rounds if r.vote_id == vote.id)
    title = _(
        "Election of the %(office)s, %(start)s–%(end)s: round %(number)s",
        office=label(election.office).lower(),
        start=election.term_start.year,
        end=election.term_end.year,
        number=number,
    )
    return title, url_for("elections.show", election_id=election.id)


votes.register_subject(
    SUBJECT,
    votes.Subject(
        rules_for=charter_services.vote_rules, on_closed=_on_round_closed, describe=_describe
    ),
)
