"""What the network's calendar and each person's hold, as iCalendar objects.

The public calendar holds every meeting (without its link to follow online), the
closing time of every vote that has one, and the last day for signatures of each
declaration open for signature that has one. A person's own calendar holds what
concerns them: for a delegate, their city's votes (each saying whether the city has
voted yet, and pointing at its ballot while open), the declarations their city has
still to sign, and the meetings, with their links to follow online; for anyone else,
what the public calendar holds, with those links.
"""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event

from network.auth.models import Role, User
from network.calendars import events, queries
from network.cities.models import MembershipStatus
from network.common import feeds
from network.home.desk import describe_votes
from network.notices.compose import absolute_url
from network.votes.models import Vote, VoteStatus


def _vote_events(votes: list[Vote], notes: dict[int, tuple[str, str]] | None = None) -> list[Event]:
    described = describe_votes(votes)
    found = []
    for vote in votes:
        note, link = (notes or {}).get(vote.id, (None, None))
        found.append(events.vote_closing_event(vote, described[vote.id][0], note=note, link=link))
    return found


def _deadline_events(city_id: int | None = None) -> list[Event]:
    language = str(get_locale())
    found = []
    for declaration in queries.signature_deadlines(unsigned_by=city_id):
        text = declaration.text_in(language)
        note = link = None
        if city_id is not None:
            note = _("Your city has not signed it yet.")
            link = absolute_url("declarations.sign", slug=declaration.slug)
        found.append(
            events.signature_deadline_event(
                slug=declaration.slug,
                title=text.title if text else declaration.slug,
                last_day=declaration.signatures_close_on,
                stamp=feeds.start_of(declaration.opened_on) or declaration.created_at,
                note=note,
                link=link,
            )
        )
    return found


def public_calendar() -> Calendar:
    """Return the network's public calendar (nothing of any one person or city)."""
    found = [events.meeting_event(meeting) for meeting in queries.meetings()]
    found += _vote_events(queries.public_votes())
    found += _deadline_events()
    return events.calendar(_("Decent Work City Network"), found)


def personal_calendar(user: User) -> Calendar:
    """Return a person's own calendar: what concerns them (see above)."""
    found = [events.meeting_event(meeting, private=True) for meeting in queries.meetings()]
    city = user.city if user.role is Role.delegate else None
    if city is None:
        found += _vote_events(queries.public_votes())
        found += _deadline_events()
        name = _("Decent Work City Network: %(name)s", name=user.name)
        return events.calendar(name, found)
    votes = queries.city_votes(city.id, is_member=city.status is MembershipStatus.member)
    voted = queries.votes_cast_by(city.id, [vote.id for vote in votes])
    notes: dict[int, tuple[str, str]] = {}
    for vote in votes:
        if vote.id in voted:
            notes[vote.id] = (
                _("Your city has voted."),
                absolute_url("votes.show", vote_id=vote.id),
            )
        elif vote.status is VoteStatus.open:
            notes[vote.id] = (
                _("Your city has not voted yet."),
                absolute_url("votes.ballot", vote_id=vote.id),
            )
    found += _vote_events(votes, notes)
    found += _deadline_events(city.id)
    name = _("Decent Work City Network: %(city)s", city=city.name)
    return events.calendar(name, found)
