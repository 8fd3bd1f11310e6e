"""Atom feeds (RFC 4287): one per language, their times, and the answer that carries them.

A feed is asked for in a language with ``?lang=`` (``ko``, ``fr``, ``en-US``…); without
it, in the reader's interface language. The feed's own words (its title, labels, city
names) are in that language when it is one of the interface's, else in the reader's;
an entry's title and summary are in the asked language when the item has a text in it,
else in the language its text falls back to, each marked with ``xml:lang``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from flask import Response, current_app, render_template, request
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from network.audit.models import AuditEntry
from network.cities.rules import is_language_tag
from network.common.errors import BadParameter
from network.common.languages import is_same_language
from network.db import db

# When the feeds were first published: the ``updated`` of a feed with no entry on a
# record with no public audit entry yet (never the epoch, which readers show as 1970).
FEEDS_BEGAN = datetime(2026, 12, 4, tzinfo=UTC)


@dataclass(frozen=True)
class FeedLanguage:
    """The languages of one feed: of its own words, and the one its entries are asked in."""

    interface: str  # an interface language: en, ko, fr, es
    wanted: str | None  # the ``?lang=`` asked for, as given (None: the reader's language)

    @property
    def content(self) -> str:
        """Return the language to look for each entry's text in."""
        return self.wanted or self.interface

    @property
    def tag(self) -> str:
        """Return the feed's ``xml:lang`` (BCP 47), the language of its own words."""
        return self.interface.replace("_", "-")


def interface_language(wanted: str) -> str | None:
    """Return the interface language ``wanted`` names (``en-US`` is ``en``), else None."""
    primary = wanted.replace("_", "-").split("-")[0].lower()
    languages = current_app.config["LANGUAGES"]
    return next((code for code in languages if is_same_language(code, wanted)), None) or next(
        (code for code in languages if code.lower() == primary), None
    )


def feed_language() -> FeedLanguage:
    """Read ``?lang=``: a language code, once; anything else is refused with a 400."""
    values = request.args.getlist("lang")
    if not values:
        return FeedLanguage(interface=str(get_locale()), wanted=None)
    wanted = values[0].strip()
    if len(values) > 1 or not is_language_tag(wanted):
        raise BadParameter(_("The lang parameter must be a language code such as en or ko."))
    return FeedLanguage(interface=interface_language(wanted) or str(get_locale()), wanted=wanted)


def start_of(day: date | None) -> datetime | None:
    """Return the first moment (UTC) of ``day``."""
    return None if day is None else datetime.combine(day, time(), tzinfo=UTC)


def latest(*moments: datetime | None) -> datetime | None:
    """Return the latest of the moments given (None when none is)."""
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


def last_public_change() -> datetime | None:
    """Return the time of the newest public audit entry (None on an empty record)."""
    return db.session.scalar(
        sa.select(AuditEntry.created_at)
        .where(AuditEntry.public.is_(True))
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    )


def feed_updated(entry_times: Iterable[datetime]) -> datetime:
    """Return a feed's ``updated``: its newest entry's, else the record's last change."""
    return latest(*entry_times) or last_public_change() or FEEDS_BEGAN


def atom_response(template: str, language: FeedLanguage, **context: object) -> Response:
    """Render a feed with its own words in ``language.interface``, as Atom."""
    with force_locale(language.interface):
        body = render_template(template, language=language, **context)
    return Response(
        body,
        mimetype="application/atom+xml",
        headers={"Content-Language": language.tag},
    )
