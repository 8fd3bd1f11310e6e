"""Writes of practices: drafting, editing, publishing and featuring."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from network.audit.services import record
from network.auth.models import User
from network.cities.models import City
from network.cities.rules import is_language_tag, is_valid_slug
from network.common.errors import Conflict, InvalidInput, NotAllowed
from network.db import db, violates
from network.practices import rules, search
from network.practices.models import (
    Instrument,
    Pillar,
    Practice,
    PracticePillar,
    PracticeStatus,
    PracticeText,
)

# /practices/new is the form, /practices/feed.atom the feed, /practices/export.csv the export.
RESERVED_SLUGS = frozenset({"new", "feed", "export"})
ONE_SLUG = "uq_practices_slug"
EARLIEST_START = date(1900, 1, 1)


class NotTheCitysDelegate(NotAllowed):
    """The account is not a delegate of the practice's city."""

    message = _l("Only a delegate of the city can write and publish its practices.")


class NotSecretariat(NotAllowed):
    """Only the secretariat features practices."""

    message = _l("Only the secretariat can feature a practice.")


@dataclass(frozen=True)
class TextEntry:
    """A practice's text in one language, as entered."""

    language: str
    title: str
    summary: str
    body: str


@dataclass(frozen=True)
class PracticeEntry:
    """Everything a practice says, as entered (the slug counts only when it is created)."""

    slug: str
    authoritative_language: str
    texts: list[TextEntry]
    pillars: list[Pillar]
    instrument: Instrument
    status: PracticeStatus | None = None
    started_on: date | None = None
    links: list[str] = field(default_factory=list)


def _check(entry: PracticeEntry, now: datetime) -> None:
    languages = [text.language for text in entry.texts]
    if len(set(languages)) != len(languages):
        raise InvalidInput(_("Each language may appear only once."), field="texts")
    for language in languages:
        if not is_language_tag(language):
            raise InvalidInput(_("“%(tag)s” is not a language code.", tag=language), field="texts")
    if entry.authoritative_language not in languages:
        raise InvalidInput(_("Give the text in the authoritative language."), field="texts")
    for text in entry.texts:
        if not text.title.strip() or not text.summary.strip():
            raise InvalidInput(_("Give the title and the summary in each language."), field="texts")
    if not entry.pillars:
        raise InvalidInput(_("Choose at least one pillar of decent work."), field="pillars")
    if len(entry.links) > rules.MAX_LINKS:
        raise InvalidInput(_("Give at most %(num)s links.", num=rules.MAX_LINKS), field="links")
    for link in entry.links:
        if not rules.is_web_link(link):
            raise InvalidInput(
                _("“%(link)s” is not a web address (http:// or https://).", link=link[:80]),
                field="links",
            )
    if entry.started_on is not None and not (
        EARLIEST_START <= entry.started_on <= date(now.year + 10, 12, 31)
    ):
        raise InvalidInput(
            _("Give a start date between 1900 and ten years from now."), field="started_on"
        )


def content(practice: Practice) -> dict[str, Any]:
    """Return what a practice says, as its audit entries record it."""
    return {
        "city": practice.city.slug,
        "authoritative_language": practice.authoritative_language,
        "pillars": [pillar.value for pillar in practice.pillars],
        "instrument": practice.instrument.value,
        "status": practice.status.value if practice.status else None,
        "started_on": practice.started_on.isoformat() if practice.started_on else None,
        "links": list(practice.links or []),
        "texts": {
            language: {"title": text.title, "summary": text.summary, "body": text.body}
            for language, text in sorted(practice.texts.items())
        },
    }


def _lock(practice: Practice) -> None:
    """Lock the practice's row and re-read it, so two edits take turns."""
    db.session.execute(sa.select(Practice.id).where(Practice.id == practice.id).with_for_update())
    db.session.refresh(practice)


def _city_names(city: City) -> list[str]:
    return [city.name, *(text.name for text in city.texts.values() if text.name)]


def save_practice(
    practice: Practice | None,
    entry: PracticeEntry,
    *,
    city: City,
    actor: User,
    now: datetime,
) -> Practice:
    """Create a draft practice for ``city``, or change a practice (published ones too).

    A draft's changes are recorded privately; a published practice's change is a
    public audit entry with everything it now says.

    :raises NotAllowed: unless the actor is a delegate of the city.
    :raises InvalidInput: for a bad slug, language, link or date, a missing
        authoritative text, title or summary, or no pillar.
    :raises Conflict: when the slug is taken.
    """
    if not rules.writes_for(actor, city.id if practice is None else practice.city_id):
        raise NotTheCitysDelegate()
    if practice is not None:
        _lock(practice)
    else:
        if not is_valid_slug(entry.slug):
            raise InvalidInput(
                _("Use lowercase letters, digits and single hyphens, up to 64 characters."),
                field="slug",
            )
        if entry.slug in RESERVED_SLUGS or db.session.scalar(
            sa.select(Practice.id).where(Practice.slug == entry.slug)
        ):
            raise Conflict(_("Another practice already uses this address."), field="slug")
    _check(entry, now)
    if practice is None:
        practice = Practice(
            slug=entry.slug,
            city_id=city.id,
            created_at=now,
            created_by_id=actor.id,
            featured=False,
            links=[],
        )
        try:
            with db.session.begin_nested():
                _fill(practice, entry, city, now)
                db.session.add(practice)
        except IntegrityError as error:
            if not violates(error, ONE_SLUG):
                raise
            raise Conflict(_("Another practice already uses this address."), field="slug") from None
    else:
        _fill(practice, entry, practice.city, now)
    db.session.flush()
    search.reindex(practice)
    published = practice.is_published
    record(
        "practice.edited" if published else "practice.saved",
        subject=("practice", practice.slug),
        actor=actor,
        now=now,
        public=published,
        data=content(practice),
    )
    return practice


def _fill(practice: Practice, entry: PracticeEntry, city: City, now: datetime) -> None:
    practice.authoritative_language = entry.authoritative_language
    practice.instrument = entry.instrument
    practice.status = entry.status
    practice.started_on = entry.started_on
    practice.links = list(entry.links)
    practice.updated_at = now
    wanted = {text.language: text for text in entry.texts}
    for language in list(practice.texts):
        if language not in wanted:
            del practice.texts[language]
    for language, text in wanted.items():
        row = practice.texts.get(language) or PracticeText(language=language)
        row.title, row.summary, row.body = (
            text.title.strip(),
            text.summary.strip(),
            text.body.strip(),
        )
        practice.texts[language] = row
    chosen = set(entry.pillars)
    practice.pillar_rows = [row for row in practice.pillar_rows if row.pillar in chosen]
    have = {row.pillar for row in practice.pillar_rows}
    practice.pillar_rows.extend(PracticePillar(pillar=p) for p in Pillar if p in chosen - have)
    practice.search_document = search.document_of(practice, _city_names(city))


def publish(practice: Practice, *, actor: User, now: datetime) -> Practice:
    """Publish a draft: from now on anyone reads it, and its changes are public.

    :raises NotAllowed: unless the actor is a delegate of the practice's city.
    :raises Conflict: when it is published already.
    """
    if not rules.writes_for(actor, practice.city_id):
        raise NotTheCitysDelegate()
    _lock(practice)
    if practice.is_published:
        raise Conflict(_("This practice is published already."))
    practice.published_at = now
    db.session.flush()
    record(
        "practice.published",
        subject=("practice", practice.slug),
        actor=actor,
        now=now,
        data=content(practice),
    )
    return practice


def set_featured(practice: Practice, featured: bool, *, actor: User, now: datetime) -> Practice:
    """Feature a published practice in the library, or stop featuring it.

    :raises NotAllowed: unless the actor is the secretariat.
    :raises Conflict: for a draft, or when it is already as asked.
    """
    if not rules.can_feature(actor):
        raise NotSecretariat()
    _lock(practice)
    if not practice.is_published:
        raise Conflict(_("Only a published practice can be featured."))
    if practice.featured == featured:
        raise Conflict(
            _("This practice is featured already.")
            if featured
            else _("This practice is not featured.")
        )
    practice.featured = featured
    db.session.flush()
    record(
        "practice.featured" if featured else "practice.unfeatured",
        subject=("practice", practice.slug),
        actor=actor,
        now=now,
    )
    return practice
