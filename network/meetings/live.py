"""Reads of the live session: what the projector and the delegates' pages show.

``read_facts`` reads the whole state of a meeting's session in one statement: its
status, the current item, the item's vote and how many cities have voted in it. A
closed vote among candidates takes one more read for their names; a delegate's page
one more for whether their city has voted. ``state`` turns the facts into what the
pages and ``/meetings/<id>/live.json`` show, with the words in the reader's language
and, for the projector's second line, in another.

While a vote is open nothing here says how anyone voted, not even the counts: only
how many cities have voted, as the vote's own page does (SPEC, "Live session": live
turnout, never ballots). The result comes from the vote's published result, once it
is closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import aliased, selectinload

from network.cities.models import City
from network.common.enums import label
from network.db import db
from network.meetings.models import AgendaItem, AgendaKind, Meeting, MeetingStatus
from network.votes.models import Choice, Participation, Vote, VoteKind, VoteOption, VoteStatus
from network.votes.tally import Outcome

_Counted = aliased(AgendaItem)

# One statement for the whole state; built once (SQLAlchemy caches its compiled form).
FACTS = (
    sa.select(
        Meeting.id,
        Meeting.status,
        AgendaItem.position,
        AgendaItem.kind,
        AgendaItem.title,
        Vote.id,
        Vote.status,
        Vote.kind,
        Vote.electorate_size,
        Vote.result,
        sa.select(sa.func.count())
        .select_from(Participation)
        .where(Participation.vote_id == Vote.id)
        .correlate(Vote)
        .scalar_subquery(),
        sa.select(sa.func.count())
        .select_from(_Counted)
        .where(_Counted.meeting_id == Meeting.id)
        .correlate(Meeting)
        .scalar_subquery(),
    )
    .select_from(Meeting)
    .outerjoin(AgendaItem, AgendaItem.id == Meeting.current_item_id)
    .outerjoin(Vote, Vote.id == AgendaItem.vote_id)
    .where(Meeting.id == sa.bindparam("meeting_id"))
)


@dataclass(frozen=True)
class LiveFacts:
    """A meeting's session as it stands: its status, current item and that item's vote."""

    meeting_id: int
    status: MeetingStatus
    item_position: int | None
    item_kind: AgendaKind | None
    item_title: str | None
    vote_id: int | None
    vote_status: VoteStatus | None
    vote_kind: VoteKind | None
    electorate: int
    cast: int
    result: dict[str, Any] | None
    item_count: int

    @property
    def vote_open(self) -> bool:
        """Tell whether the current item's vote takes ballots."""
        return self.vote_status is VoteStatus.open

    @property
    def vote_closed(self) -> bool:
        """Tell whether the current item's vote is closed (its result published)."""
        return self.vote_status is VoteStatus.closed and self.result is not None


def read_facts(meeting_id: int) -> LiveFacts | None:
    """Return the state of a meeting's session, or None when there is no such meeting."""
    row = db.session.execute(FACTS, {"meeting_id": meeting_id}).one_or_none()
    if row is None:
        return None
    (_id, status, position, kind, title, vote_id, vote_status, vote_kind, electorate) = row[:9]
    result, cast, item_count = row[9:]
    return LiveFacts(
        meeting_id=meeting_id,
        status=MeetingStatus(status),
        item_position=position,
        item_kind=AgendaKind(kind) if kind else None,
        item_title=title,
        vote_id=vote_id,
        vote_status=VoteStatus(vote_status) if vote_status else None,
        vote_kind=VoteKind(vote_kind) if vote_kind else None,
        electorate=electorate or 0,
        cast=(cast or 0) if vote_id else 0,
        # Published at the close; never read before (an open vote has none anyway).
        result=result if vote_status == VoteStatus.closed else None,
        item_count=item_count or 0,
    )


def candidates(facts: LiveFacts) -> dict[str, Any]:
    """Return a closed vote's candidates (option id as in the result → the option's row)."""
    if not facts.vote_closed or facts.vote_kind is VoteKind.approval:
        return {}
    options = db.session.scalars(
        sa.select(VoteOption)
        .where(VoteOption.vote_id == facts.vote_id)
        .options(selectinload(VoteOption.city).selectinload(City.texts))
    )
    return {str(option.id): option for option in options}


def has_voted(facts: LiveFacts, city_id: int | None) -> bool:
    """Tell whether a city has cast its ballot in the current item's vote."""
    if facts.vote_id is None or city_id is None:
        return False
    return bool(
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Participation)
            .where(Participation.vote_id == facts.vote_id, Participation.city_id == city_id)
        )
    )


def _name(option: Any, language: str) -> str:
    if option.city is not None:
        return option.city.local_name(language) or option.city.name
    return option.label


def _headline(facts: LiveFacts) -> str:
    if facts.status is MeetingStatus.convened:
        return _("The session has not opened yet.")
    if facts.status is not MeetingStatus.in_session:
        return _("The meeting is adjourned.")
    if facts.item_position is None:
        return _("The session is open.")
    return _("Item %(position)s of %(count)s", position=facts.item_position, count=facts.item_count)


def _counts(facts: LiveFacts, options: dict[str, Any], language: str) -> list[dict[str, Any]]:
    assert facts.result is not None
    counts = facts.result.get("counts", {})
    if facts.vote_kind is VoteKind.approval:
        return [{"label": label(choice), "count": counts.get(choice.value, 0)} for choice in Choice]
    rows = [
        {"label": _name(options[key], language) if key in options else key, "count": count}
        for key, count in sorted(counts.items(), key=lambda pair: -pair[1])
    ]
    if facts.result.get("blank"):
        rows.append({"label": _("Blank ballots"), "count": facts.result["blank"]})
    return rows


def _outcome(facts: LiveFacts, options: dict[str, Any], language: str) -> str:
    assert facts.result is not None
    outcome = label(Outcome(facts.result["outcome"]))
    winner = facts.result.get("winner")
    if winner is not None and winner in options:
        return _("%(outcome)s: %(name)s", outcome=outcome, name=_name(options[winner], language))
    return outcome


def _quorum(result: dict[str, Any]) -> str:
    quorum = result["quorum"]
    values = {
        "cast": quorum["cast"],
        "electorate": quorum["electorate"],
        "required": quorum["required"],
    }
    if result["quorum_met"]:
        return _(
            "Quorum met: %(cast)s of %(electorate)s cities voted (%(required)s needed).", **values
        )
    return _(
        "Quorum not met: %(cast)s of %(electorate)s cities voted (%(required)s needed).", **values
    )


def texts(facts: LiveFacts, options: dict[str, Any], language: str) -> dict[str, Any]:
    """Return the words the pages show, in the current locale (``language``)."""
    closed = facts.vote_closed
    return {
        "status": label(facts.status),
        "headline": _headline(facts),
        "kind": label(facts.item_kind) if facts.item_kind else "",
        "vote": (
            _("Voting is open")
            if facts.vote_open
            else _("Voting is closed")
            if facts.vote_status is VoteStatus.closed
            else ""
        ),
        "turnout": _(
            "%(cast)s of %(total)s cities have voted.", cast=facts.cast, total=facts.electorate
        )
        if facts.vote_id is not None and facts.vote_status is not VoteStatus.pending
        else "",
        "outcome": _outcome(facts, options, language) if closed else "",
        "quorum": _quorum(facts.result) if closed and facts.result else "",
        "counts": _counts(facts, options, language) if closed else [],
    }


def state(
    facts: LiveFacts,
    *,
    language: str,
    second: str | None = None,
    city_id: int | None = None,
) -> dict[str, Any]:
    """Return what the live pages and ``live.json`` show, JSON-ready.

    :param second: a language for a second line of each text (the projector's), if any.
    :param city_id: the city of a delegate looking: says whether it has voted.
    """
    options = candidates(facts)
    voted = has_voted(facts, city_id) if facts.vote_open and city_id is not None else False
    vote_link = url_for("votes.show", vote_id=facts.vote_id) if facts.vote_id else None
    answer: dict[str, Any] = {
        "meeting": facts.meeting_id,
        "status": facts.status.value,
        "item": None
        if facts.item_position is None
        else {
            "position": facts.item_position,
            "of": facts.item_count,
            "kind": facts.item_kind.value if facts.item_kind else None,
            "title": facts.item_title,
        },
        "vote": None
        if facts.vote_id is None
        else {
            "id": facts.vote_id,
            "status": facts.vote_status.value if facts.vote_status else None,
            "cast": facts.cast,
            "electorate": facts.electorate,
            # Counts and outcome only once closed: the published result.
            "outcome": facts.result["outcome"] if facts.vote_closed and facts.result else None,
        },
        "flags": {
            "has_item": facts.item_position is not None,
            "vote_open": facts.vote_open,
            "vote_closed": facts.vote_closed,
            "can_vote": city_id is not None and facts.vote_open and not voted,
            "voted": city_id is not None and facts.vote_open and voted,
        },
        "links": {
            "vote": vote_link,
            "ballot": url_for("votes.ballot", vote_id=facts.vote_id)
            if city_id is not None and facts.vote_open and not voted
            else None,
            "result": vote_link if facts.vote_closed else None,
        },
        "language": language,
        "texts": texts(facts, options, language),
        "second": None,
    }
    if second is not None and second != language:
        with force_locale(second):
            other = texts(facts, options, second)
        # A line the second language has no words for yet would repeat the first.
        answer["second"] = {
            "language": second,
            **{key: "" if value == answer["texts"][key] else value for key, value in other.items()},
        }
    return answer
