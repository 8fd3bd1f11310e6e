"""Writes to the city registry: each checks the rules, changes, flushes and audits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from network.audit.services import record
from network.cities import rules
from network.cities.models import City, CityText, MembershipChange, MembershipStatus, Region
from network.common.enums import label
from network.common.errors import Conflict, InvalidInput
from network.db import db


@dataclass
class TextEntry:
    """A name and profile in one language, as entered."""

    language: str
    name: str | None = None
    profile: str | None = None


@dataclass
class CityDetails:
    """What the secretariat enters about a city."""

    name: str
    country: str
    region: Region
    website: str | None = None
    texts: list[TextEntry] = field(default_factory=list)


def _check_details(details: CityDetails, city: City | None) -> None:
    if not rules.is_country_code(details.country):
        raise InvalidInput(
            _("“%(code)s” is not an ISO 3166-1 country code.", code=details.country),
            field="country",
        )
    clash = db.session.scalar(
        sa.select(City.id).where(City.name_key == rules.name_key(details.name))
    )
    if clash is not None and (city is None or clash != city.id):
        raise Conflict(_("Another city already has this name."), field="name")
    languages = [text.language for text in details.texts]
    if len(languages) != len(set(languages)):
        raise InvalidInput(_("Each language may appear only once."), field="texts")
    for language in languages:
        if not rules.is_language_tag(language):
            raise InvalidInput(_("“%(tag)s” is not a language code.", tag=language), field="texts")


def _apply_texts(city: City, texts: list[TextEntry]) -> None:
    wanted = {text.language: text for text in texts}
    for language in list(city.texts):
        if language not in wanted:
            del city.texts[language]
    for language, text in wanted.items():
        row = city.texts.get(language)
        if row is None:
            city.texts[language] = CityText(language=language, name=text.name, profile=text.profile)
        else:
            row.name, row.profile = text.name, text.profile


def _texts_snapshot(city: City) -> dict[str, dict[str, str | None]]:
    return {
        language: {"name": text.name, "profile": text.profile}
        for language, text in sorted(city.texts.items())
    }


def _snapshot(city: City) -> dict[str, Any]:
    return {
        "name": city.name,
        "country": city.country,
        "region": city.region.value,
        "website": city.website,
        "texts": _texts_snapshot(city),
    }


def create_city(
    details: CityDetails,
    *,
    slug: str | None,
    applied_on: date,
    actor: Any | None,
    now: datetime,
) -> City:
    """Register a city as an applicant.

    :param slug: the public address; derived from the English name when None.
    :param applied_on: the date of the application, the start of its history.
    :raises InvalidInput: for a bad country, slug, language or date.
    :raises Conflict: when the name or slug is taken.
    """
    _check_details(details, None)
    slug = slug or rules.slugify(details.name)
    if not slug:
        raise InvalidInput(
            _("Give an address (slug): the name has no Latin letters to make one from."),
            field="slug",
        )
    if not rules.is_valid_slug(slug):
        raise InvalidInput(
            _("Use lowercase letters, digits and single hyphens, up to 64 characters."),
            field="slug",
        )
    if db.session.scalar(sa.select(City.id).where(City.slug == slug)) is not None:
        raise Conflict(_("Another city already uses this address."), field="slug")
    if applied_on > now.date():
        raise InvalidInput(_("The date cannot be in the future."), field="applied_on")
    city = City(
        slug=slug,
        name=details.name,
        name_key=rules.name_key(details.name),
        country=details.country,
        region=details.region,
        website=details.website,
        status=MembershipStatus.applicant,
        created_at=now,
    )
    _apply_texts(city, details.texts)
    db.session.add(city)
    db.session.add(
        MembershipChange(
            city=city,
            from_status=None,
            to_status=MembershipStatus.applicant,
            effective_on=applied_on,
            reason="Application registered",
            recorded_at=now,
            recorded_by_id=actor.id if actor else None,
        )
    )
    db.session.flush()
    record(
        "city.created",
        subject=("city", city.slug),
        actor=actor,
        now=now,
        data={**_snapshot(city), "status": city.status.value, "applied_on": applied_on.isoformat()},
    )
    return city


def update_city(city: City, details: CityDetails, *, actor: Any | None, now: datetime) -> City:
    """Change a city's names, country, region, website or profiles.

    :raises InvalidInput: for a bad country or language.
    :raises Conflict: when the new name is another city's.
    """
    _check_details(details, city)
    before = _snapshot(city)
    city.name, city.name_key = details.name, rules.name_key(details.name)
    city.country = details.country
    city.region = details.region
    city.website = details.website
    _apply_texts(city, details.texts)
    db.session.flush()
    after = _snapshot(city)
    changes = {
        key: {"from": before[key], "to": after[key]} for key in after if before[key] != after[key]
    }
    if not changes:
        return city
    record(
        "city.updated", subject=("city", city.slug), actor=actor, now=now, data={"changes": changes}
    )
    return city


def change_status(
    city: City,
    target: MembershipStatus,
    *,
    effective_on: date,
    reason: str,
    actor: Any | None,
    now: datetime,
) -> MembershipChange:
    """Move a city to another membership status, dated and with a reason.

    :raises Conflict: when the move is not allowed from the current status.
    :raises InvalidInput: for an empty reason or a date before the last change or after today.
    """
    current = city.status
    if not rules.can_change_status(current, target):
        raise Conflict(
            _(
                "A city that is %(current)s cannot become %(target)s.",
                current=label(current),
                target=label(target),
            ),
            field="status",
        )
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Give the reason for the change."), field="reason")
    last_on = db.session.scalar(
        sa.select(sa.func.max(MembershipChange.effective_on)).where(
            MembershipChange.city_id == city.id
        )
    )
    if not rules.is_valid_effective_date(effective_on, last_on, now.date()):
        raise InvalidInput(
            _(
                "The date must be between the last change (%(last)s) and today.",
                last=last_on.isoformat() if last_on else "—",
            ),
            field="effective_on",
        )
    change = MembershipChange(
        city=city,
        from_status=current,
        to_status=target,
        effective_on=effective_on,
        reason=reason,
        recorded_at=now,
        recorded_by_id=actor.id if actor else None,
    )
    if rules.starts_membership(current, target):
        city.joined_on = effective_on
    city.status = target
    db.session.add(change)
    db.session.flush()
    record(
        "city.status_changed",
        subject=("city", city.slug),
        actor=actor,
        now=now,
        data={
            "from": current.value,
            "to": target.value,
            "effective_on": effective_on.isoformat(),
            "reason": reason,
        },
    )
    return change
