"""Writes of indicators: definitions, collections opened and closed, values and revisions.

Each function is one change of state with one audit entry: an indicator defined or
changed, a collection opened or closed (public), a value's draft saved (private: only
its city and the secretariat read drafts), a version published (public, with its
figure, source and reason). A published version never changes; a revision is a new
version, published with its reason, and the earlier one stays readable.

Who publishes: the city's own delegates, as they submit its reports on commitments. A
figure is the city's statement about itself, so the secretariat, which defines the
indicators and runs the collections, does not publish a value in a city's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
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
from network.indicators import rules
from network.indicators.models import (
    BASE_LANGUAGE,
    Collection,
    Direction,
    Indicator,
    IndicatorText,
    IndicatorValue,
    Unit,
    ValueVersion,
)
from network.practices.models import Pillar

# /indicators/new is the form, /indicators/cities/<city> a city's page, the others the
# secretariat's and the exports' addresses.
RESERVED_CODES = frozenset({"new", "cities", "collections", "values", "export"})
ONE_CODE = "uq_indicators_code"
ONE_OPEN = "ix_indicator_collections_one_open"
ONE_VALUE = "uq_indicator_values_indicator_id_city_id_year"


class NotSecretariat(NotAllowed):
    """Only the secretariat defines indicators and runs collections."""

    message = _l("Only the secretariat can define indicators and open or close collections.")


class NotTheCitysDelegate(NotAllowed):
    """The account is not a delegate of the value's city."""

    message = _l("Only a delegate of the city can enter and publish its values.")


class CollectionClosed(Conflict):
    """The collection takes no more values."""

    message = _l("This collection is closed.")


@dataclass(frozen=True)
class TextEntry:
    """An indicator's name and definition in one language, as entered."""

    language: str
    name: str
    definition: str


@dataclass(frozen=True)
class IndicatorEntry:
    """Everything an indicator's definition says (the code counts only when created)."""

    code: str
    texts: list[TextEntry]
    unit: Unit
    direction: Direction
    pillar: Pillar
    currency: str | None = None
    min_value: float | None = None
    max_value: float | None = None


def amount_text(amount: float | Decimal) -> str:
    """Write a stored figure plainly, without a needless exponent or trailing zeros."""
    number = amount if isinstance(amount, Decimal) else Decimal(repr(float(amount)))
    text = format(number.normalize(), "f")
    return "0" if text in {"-0", "0"} else text


def _check_definition(entry: IndicatorEntry) -> None:
    languages = [text.language for text in entry.texts]
    if len(set(languages)) != len(languages):
        raise InvalidInput(_("Each language may appear only once."), field="texts")
    for language in languages:
        if not is_language_tag(language):
            raise InvalidInput(_("“%(tag)s” is not a language code.", tag=language), field="texts")
    if BASE_LANGUAGE not in languages:
        raise InvalidInput(_("Give the name and the definition in English."), field="texts")
    for text in entry.texts:
        if not text.name.strip() or not text.definition.strip():
            raise InvalidInput(
                _("Give the name and the definition in each language used."), field="texts"
            )
        if len(text.name) > rules.NAME_MAX_LENGTH:
            raise InvalidInput(
                _("Keep the name under %(num)s characters.", num=rules.NAME_MAX_LENGTH),
                field="texts",
            )
    if entry.unit is Unit.currency_per_hour:
        if not rules.is_currency_code(entry.currency):
            raise InvalidInput(
                _("Give the currency as its three-letter code, e.g. KRW, GBP or EUR."),
                field="currency",
            )
    elif entry.currency:
        raise InvalidInput(
            _("Only an amount per hour has a currency: leave it empty for this unit."),
            field="currency",
        )
    if not rules.range_fits_unit(entry.unit, entry.min_value, entry.max_value):
        raise InvalidInput(
            _(
                "Give a range whose lowest value is not above its highest, within what "
                "the unit allows."
            ),
            field="min_value",
        )


def definition_content(indicator: Indicator) -> dict[str, Any]:
    """Return what an indicator's definition says, as its audit entries record it."""
    return {
        "code": indicator.code,
        "unit": indicator.unit.value,
        "currency": indicator.currency,
        "direction": indicator.direction.value,
        "pillar": indicator.pillar.value,
        "min_value": amount_text(indicator.min_value) if indicator.min_value is not None else None,
        "max_value": amount_text(indicator.max_value) if indicator.max_value is not None else None,
        "texts": {
            language: {"name": text.name, "definition": text.definition}
            for language, text in sorted(indicator.texts.items())
        },
    }


def has_published_values(indicator_id: int) -> bool:
    """Tell whether any city has published a value of the indicator."""
    return (
        db.session.scalar(
            sa.select(ValueVersion.id)
            .join(IndicatorValue, ValueVersion.value_id == IndicatorValue.id)
            .where(IndicatorValue.indicator_id == indicator_id, ValueVersion.is_current)
            .limit(1)
        )
        is not None
    )


def save_indicator(
    indicator: Indicator | None, entry: IndicatorEntry, *, actor: User, now: datetime
) -> Indicator:
    """Define an indicator, or change the definition of one.

    Once a city has published a value, the unit and currency stay as they are: the
    published figures were given in them.

    :raises NotAllowed: unless the actor is the secretariat.
    :raises InvalidInput: for a bad code, language, currency or range, or no English text.
    :raises Conflict: when the code is taken, or a unit with published values changes.
    """
    if not rules.can_define(actor):
        raise NotSecretariat()
    if indicator is None:
        if not is_valid_slug(entry.code):
            raise InvalidInput(
                _("Use lowercase letters, digits and single hyphens, up to 64 characters."),
                field="code",
            )
        if entry.code in RESERVED_CODES or db.session.scalar(
            sa.select(Indicator.id).where(Indicator.code == entry.code)
        ):
            raise Conflict(_("Another indicator already uses this code."), field="code")
    else:
        db.session.execute(
            sa.select(Indicator.id).where(Indicator.id == indicator.id).with_for_update()
        )
        db.session.refresh(indicator)
    _check_definition(entry)
    currency = entry.currency if entry.unit is Unit.currency_per_hour else None
    if (
        indicator is not None
        and (indicator.unit, indicator.currency) != (entry.unit, currency)
        and has_published_values(indicator.id)
    ):
        raise Conflict(
            _("Cities have published values in this unit: the unit and currency stay as they are."),
            field="unit",
        )
    created = indicator is None
    if indicator is None:
        indicator = Indicator(code=entry.code, created_at=now, created_by_id=actor.id)
    indicator.unit = entry.unit
    indicator.currency = currency
    indicator.direction = entry.direction
    indicator.pillar = entry.pillar
    indicator.min_value = entry.min_value
    indicator.max_value = entry.max_value
    indicator.updated_at = now
    wanted = {text.language: text for text in entry.texts}
    for language in list(indicator.texts):
        if language not in wanted:
            del indicator.texts[language]
    for language, text in wanted.items():
        row = indicator.texts.get(language) or IndicatorText(language=language)
        row.name, row.definition = text.name.strip(), text.definition.strip()
        indicator.texts[language] = row
    if created:
        try:
            with db.session.begin_nested():
                db.session.add(indicator)
                db.session.flush()
        except IntegrityError as error:
            if not violates(error, ONE_CODE):
                raise
            raise Conflict(_("Another indicator already uses this code."), field="code") from None
    db.session.flush()
    record(
        "indicator.defined" if created else "indicator.edited",
        subject=("indicator", indicator.code),
        actor=actor,
        now=now,
        data=definition_content(indicator),
    )
    return indicator


def _lock_collection(collection: Collection) -> None:
    db.session.execute(
        sa.select(Collection.id).where(Collection.id == collection.id).with_for_update()
    )
    db.session.refresh(collection)


def open_collection(
    *, year: int | None, due_on: date | None, actor: User, now: datetime
) -> Collection:
    """Open the collection of values for ``year``, due on ``due_on``.

    :raises NotAllowed: unless the actor is the secretariat.
    :raises InvalidInput: for an implausible year, or a deadline missing or already past.
    :raises Conflict: when a collection of that year is open already.
    """
    if not rules.can_define(actor):
        raise NotSecretariat()
    if not rules.is_year(year):
        raise InvalidInput(
            _(
                "Give a year from %(first)s to %(last)s.",
                first=rules.EARLIEST_YEAR,
                last=rules.LATEST_YEAR,
            ),
            field="year",
        )
    if due_on is None or due_on < now.date():
        raise InvalidInput(_("Give a deadline that is today or later."), field="due_on")
    taken = _("A collection for %(year)s is open already: close it first.", year=year)
    if db.session.scalar(
        sa.select(Collection.id).where(Collection.year == year, Collection.closed_at.is_(None))
    ):
        raise Conflict(taken, field="year")
    collection = Collection(year=year, due_on=due_on, opened_at=now, opened_by_id=actor.id)
    try:
        with db.session.begin_nested():
            db.session.add(collection)
            db.session.flush()
    except IntegrityError as error:
        if not violates(error, ONE_OPEN):
            raise
        raise Conflict(taken, field="year") from None
    record(
        "indicator_collection.opened",
        subject=("indicator_collection", collection.id),
        actor=actor,
        now=now,
        data={"year": collection.year, "due_on": collection.due_on.isoformat()},
    )
    return collection


def close_collection(collection: Collection, *, actor: User, now: datetime) -> Collection:
    """Close a collection: no more values are entered in it; drafts stay unpublished.

    :raises NotAllowed: unless the actor is the secretariat.
    :raises Conflict: when it is closed already.
    """
    if not rules.can_define(actor):
        raise NotSecretariat()
    _lock_collection(collection)
    if not collection.is_open:
        raise CollectionClosed()
    collection.closed_at = now
    db.session.flush()
    record(
        "indicator_collection.closed",
        subject=("indicator_collection", collection.id),
        actor=actor,
        now=now,
        data={"year": collection.year, "due_on": collection.due_on.isoformat()},
    )
    return collection


@dataclass(frozen=True)
class ValueEntry:
    """A city's figure for one indicator and year, as entered."""

    year: int | None
    amount: str  # as typed: rules.parse_amount reads it
    source: str
    source_url: str = ""
    reason: str = ""


def check_can_enter(collection: Collection, city: City, actor: User) -> None:
    """Raise why ``actor`` may not enter ``city``'s values in ``collection`` now, if not.

    :raises NotAllowed: unless the actor is a delegate of the city.
    :raises Conflict: when the collection is closed.
    """
    if not rules.enters_for(actor, city.id):
        raise NotTheCitysDelegate()
    if not collection.is_open:
        raise CollectionClosed()


def check_amount(indicator: Indicator, text: str) -> float:
    """Return the figure typed for ``indicator``, checked against its unit and range.

    :raises InvalidInput: with a message saying what the figure must be.
    """
    amount = rules.parse_amount(text)
    if amount is None:
        raise InvalidInput(
            _(
                "Write the value as a number, with a point for decimals and no thousands "
                "separator, e.g. 1234.5 (at most %(num)s decimals).",
                num=rules.DECIMALS,
            ),
            field="amount",
        )
    value = float(amount)
    problem = rules.range_problem(indicator.unit, value, indicator.min_value, indicator.max_value)
    if problem == "whole":
        raise InvalidInput(_("A count is a whole number."), field="amount")
    if problem == "unit":
        low, high = rules.unit_bounds(indicator.unit)
        if high is not None:
            message = _(
                "A value in this unit lies between %(low)s and %(high)s.",
                low=amount_text(low or 0.0),
                high=amount_text(high),
            )
        else:
            message = _("A value in this unit cannot be negative.")
        raise InvalidInput(message, field="amount")
    if problem == "range":
        low_text = amount_text(indicator.min_value) if indicator.min_value is not None else None
        high_text = amount_text(indicator.max_value) if indicator.max_value is not None else None
        if low_text is not None and high_text is not None:
            message = _(
                "This indicator's values lie between %(low)s and %(high)s.",
                low=low_text,
                high=high_text,
            )
        elif low_text is not None:
            message = _("This indicator's values are at least %(low)s.", low=low_text)
        else:
            message = _("This indicator's values are at most %(high)s.", high=high_text)
        raise InvalidInput(message, field="amount")
    return value


def _check_value(entry: ValueEntry, collection: Collection) -> None:
    if entry.year is None or not rules.EARLIEST_YEAR <= entry.year <= collection.year:
        raise InvalidInput(
            _(
                "Give the year the value refers to, from %(first)s to %(last)s.",
                first=rules.EARLIEST_YEAR,
                last=collection.year,
            ),
            field="year",
        )
    source = entry.source.strip()
    if not source:
        raise InvalidInput(
            _("Name the source of the value, e.g. the statistics office's survey."),
            field="source",
        )
    if len(source) > rules.SOURCE_MAX_LENGTH:
        raise InvalidInput(
            _("Keep the source under %(num)s characters.", num=rules.SOURCE_MAX_LENGTH),
            field="source",
        )
    if entry.source_url.strip() and not rules.is_web_link(entry.source_url.strip()):
        raise InvalidInput(
            _("The source's link must be a web address (http:// or https://)."),
            field="source_url",
        )
    if len(entry.reason.strip()) > rules.REASON_MAX_LENGTH:
        raise InvalidInput(
            _("Keep the reason under %(num)s characters.", num=rules.REASON_MAX_LENGTH),
            field="reason",
        )


def value_content(version: ValueVersion) -> dict[str, Any]:
    """Return what a version says, as its audit entries record it."""
    value = version.value
    return {
        "indicator": value.indicator.code,
        "city": value.city.slug,
        "year": value.year,
        "version": version.number,
        "value": amount_text(version.amount),
        "unit": value.indicator.unit.value,
        "currency": value.indicator.currency,
        "source": version.source,
        "source_url": version.source_url,
        "reason": version.reason,
        "collection": version.collection.year,
    }


def _value_for(indicator: Indicator, city: City, year: int, now: datetime) -> IndicatorValue:
    """Return the city's value of the indicator for ``year``, made (and locked) if need be."""
    statement = sa.select(IndicatorValue).where(
        IndicatorValue.indicator_id == indicator.id,
        IndicatorValue.city_id == city.id,
        IndicatorValue.year == year,
    )
    found = db.session.scalar(statement.with_for_update())
    if found is not None:
        db.session.refresh(found)
        return found
    try:
        with db.session.begin_nested():
            found = IndicatorValue(
                indicator_id=indicator.id, city_id=city.id, year=year, created_at=now
            )
            db.session.add(found)
            db.session.flush()
    except IntegrityError as error:
        if not violates(error, ONE_VALUE):
            raise
        # Another delegate of the city made it meanwhile: write into theirs.
        found = db.session.scalar(statement.with_for_update())
    return found


def save_value(
    collection: Collection,
    indicator: Indicator,
    city: City,
    entry: ValueEntry,
    *,
    actor: User,
    now: datetime,
) -> ValueVersion:
    """Save the city's draft of a value: the one being written, or a new version.

    After a publication, the next draft is a revision and must say why (``reason``;
    checked when it is published, kept meanwhile).

    :raises NotAllowed: unless the actor is a delegate of the city.
    :raises Conflict: when the collection is closed.
    :raises InvalidInput: for a year outside the collection's reach, a figure that is
        not a number or is outside the unit's bounds or the indicator's range, a missing
        source, a bad link or a reason too long.
    """
    check_can_enter(collection, city, actor)
    _lock_collection(collection)
    if not collection.is_open:
        raise CollectionClosed()
    _check_value(entry, collection)
    amount = check_amount(indicator, entry.amount)
    value = _value_for(indicator, city, entry.year or 0, now)
    version = value.draft
    if version is None:
        version = ValueVersion(
            number=len(value.versions) + 1,
            created_at=now,
            created_by_id=actor.id,
            is_current=False,
        )
        value.versions.append(version)
    version.collection_id = collection.id
    version.collection = collection
    version.amount = amount
    version.source = entry.source.strip()
    version.source_url = entry.source_url.strip() or None
    reason = entry.reason.strip() or None
    version.reason = reason if rules.needs_reason(version.number) else None
    version.updated_at = now
    db.session.flush()
    record(
        "indicator_value.saved",
        subject=("indicator_value", value.id),
        actor=actor,
        now=now,
        public=False,
        data=value_content(version),
    )
    return version


def publish_value(value: IndicatorValue, *, actor: User, now: datetime) -> ValueVersion:
    """Publish the value's draft: it becomes public and replaces the version before it.

    :raises NotAllowed: unless the actor is a delegate of the value's city.
    :raises Conflict: when the draft's collection is closed, or there is no draft.
    :raises InvalidInput: for a revision without its reason.
    """
    if not rules.enters_for(actor, value.city_id):
        raise NotTheCitysDelegate()
    db.session.execute(
        sa.select(IndicatorValue.id).where(IndicatorValue.id == value.id).with_for_update()
    )
    db.session.refresh(value)
    version = value.draft
    if version is None:
        raise Conflict(_("There is no draft to publish: the value is published already."))
    _lock_collection(version.collection)
    if not version.collection.is_open:
        raise CollectionClosed()
    if rules.needs_reason(version.number) and not version.reason:
        raise InvalidInput(
            _("Say why the published value is revised: the reason is published with it."),
            field="reason",
        )
    for earlier in value.versions:
        earlier.is_current = False
    version.is_current = True
    version.published_at = now
    version.published_by_id = actor.id
    db.session.flush()
    record(
        "indicator_value.published" if version.number == 1 else "indicator_value.revised",
        subject=("indicator_value", value.id),
        actor=actor,
        now=now,
        data=value_content(version),
    )
    return version
