"""iCalendar components (RFC 5545) for meetings, vote closings and signature deadlines.

Every event has a UID that stays the same for as long as the thing it is about
(``meeting-12@dwcn.example``, the host being the one of ``PUBLIC_URL``), so a calendar
application that reads a feed again updates its events instead of doubling them, and
the same meeting sent by mail is recognised as the one in the feed. DTSTAMP is the
last time the record says the thing changed (RFC 5545 3.8.7.2, for a calendar without
METHOD). A meeting is given in its own time zone (``DTSTART;TZID=Asia/Seoul``) with a
VTIMEZONE that describes it; a vote closes at one instant, so its event has no
duration (a DTSTART without DTEND, RFC 5545 3.6.1) and does not mark the time busy.
Every link is absolute, to the configured public address (``notices.compose``).

The words of an event (not its titles, which are the record's) are in the current
locale: wrap a call in ``force_locale`` for another language.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from flask_babel import gettext as _
from icalendar import Calendar, Event, vDuration, vUri

from network.common.enums import label
from network.meetings.models import Meeting
from network.notices.compose import absolute_url, public_base
from network.votes.models import Vote

PRODID = "-//Decent Work City Network//Calendars//EN"
# How often a calendar application should read a feed again (RFC 7986 REFRESH-INTERVAL).
REFRESH = timedelta(hours=1)
# The VTIMEZONE of a zone describes its changes this far around the events that use it.
ZONE_MARGIN = timedelta(days=400)


def uid_host() -> str:
    """Return the host the UIDs are made with: the public address's."""
    return urlsplit(public_base()).hostname or "localhost"


def meeting_uid(meeting: Meeting) -> str:
    """Return the UID of a meeting's event, the same in every feed and mail."""
    return f"meeting-{meeting.id}@{uid_host()}"


def vote_closing_uid(vote: Vote) -> str:
    """Return the UID of the event of a vote's closing."""
    return f"vote-{vote.id}-closes@{uid_host()}"


def signature_deadline_uid(slug: str) -> str:
    """Return the UID of the event of a declaration's last day for signatures."""
    return f"declaration-{slug}-signatures-close@{uid_host()}"


def _where(meeting: Meeting) -> str:
    parts = [meeting.place] if meeting.place else []
    if meeting.is_online:
        parts.append(label(meeting.mode))
    return " · ".join(parts)


def meeting_event(
    meeting: Meeting, *, private: bool = False, stamp: datetime | None = None
) -> Event:
    """Return the VEVENT of a meeting, at its times in its own zone (TZID).

    :param private: add the link to follow it online (a person's own feed, or mail to
        them); never in the public feed.
    :param stamp: the DTSTAMP (a UTC time); by default when the meeting was convened.
        A message that sends it gives the time it was composed.
    """
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", stamp or meeting.created_at)
    event.add("dtstart", meeting.local_start)
    event.add("dtend", meeting.local_end)
    event.add("summary", meeting.title)
    where = _where(meeting)
    if where:
        event.add("location", where)
    url = absolute_url("meetings.show", meeting_id=meeting.id)
    event.add("url", vUri(url))
    lines = [
        _("Meeting of the Decent Work City Network (%(status)s).", status=label(meeting.status)),
        _("Times in %(zone)s.", zone=meeting.time_zone),
    ]
    if private and meeting.online_url:
        lines.append(_("Follow it online: %(link)s", link=meeting.online_url))
        event.add("conference", vUri(meeting.online_url), parameters={"VALUE": "URI"})
    lines.append(_("Agenda and decisions: %(link)s", link=url))
    event.add("description", "\n".join(lines))
    event.add("status", "CONFIRMED")
    return event


def vote_closing_event(
    vote: Vote, title: str, *, note: str | None = None, link: str | None = None
) -> Event:
    """Return a VEVENT at the instant a vote closes (no duration, not busy).

    :param title: the vote's title in the reader's language.
    :param note: a line for one city's feed ("Your city has not voted yet.").
    :param link: where to go (by default the vote's page; its ballot, for a city to vote).
    """
    if vote.closes_at is None:
        raise ValueError("a vote without a closing time has no closing event")
    url = link or absolute_url("votes.show", vote_id=vote.id)
    event = Event()
    event.add("uid", vote_closing_uid(vote))
    event.add("dtstamp", max(filter(None, (vote.created_at, vote.opened_at, vote.closed_at))))
    event.add("dtstart", vote.closes_at)
    event.add("summary", _("Vote closes: %(title)s", title=title))
    event.add("url", vUri(url))
    event.add("transp", "TRANSPARENT")
    event.add("description", "\n".join([note, url] if note else [url]))
    return event


def signature_deadline_event(
    *,
    slug: str,
    title: str,
    last_day: date,
    stamp: datetime,
    note: str | None = None,
    link: str | None = None,
) -> Event:
    """Return an all-day VEVENT on the last day a declaration takes signatures.

    :param note: a line for one city's feed ("Your city has not signed yet.").
    :param link: where to go (by default the declaration's page).
    """
    url = link or absolute_url("declarations.show", slug=slug)
    event = Event()
    event.add("uid", signature_deadline_uid(slug))
    event.add("dtstamp", stamp)
    event.add("dtstart", last_day)
    event.add("dtend", last_day + timedelta(days=1))
    event.add("summary", _("Last day to sign: %(title)s", title=title))
    event.add("url", vUri(url))
    event.add("transp", "TRANSPARENT")
    event.add("description", "\n".join([note, url] if note else [url]))
    return event


def calendar(name: str, events: Iterable[Event], *, method: str | None = None) -> Calendar:
    """Return a VCALENDAR holding ``events``, with a VTIMEZONE for each zone they use.

    :param method: ``PUBLISH`` or ``REQUEST`` for a calendar sent by mail (RFC 5546);
        none for a feed.
    """
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(REFRESH))  # the same, for older applications
    starts: list[date] = []
    for event in events:
        cal.add_component(event)
        start = event.decoded("dtstart")
        if isinstance(start, datetime) and start.tzinfo is not None and str(start.tzinfo) != "UTC":
            starts.append(start.date())
    if starts:
        cal.add_missing_timezones(
            first_date=min(starts) - ZONE_MARGIN, last_date=max(starts) + ZONE_MARGIN
        )
    return cal


def meeting_calendar(
    meeting: Meeting, *, method: str = "PUBLISH", stamp: datetime | None = None
) -> str:
    """Return a meeting as a whole iCalendar object (for a mail's attachment).

    The event is the one the feeds give (same UID), with the link to follow online.
    Attach it as ``text/calendar; method=PUBLISH`` (or the method given).
    """
    cal = calendar(
        meeting.title, [meeting_event(meeting, private=True, stamp=stamp)], method=method
    )
    return cal.to_ical().decode()
