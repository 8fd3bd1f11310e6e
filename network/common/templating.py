"""Jinja globals and filters: language, country and city names, dates, enum labels."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import UTC, date, datetime

from babel import Locale
from babel import dates as babel_dates
from flask import Flask, request
from flask_babel import get_locale, get_timezone

from network.common.enums import label
from network.common.languages import content_language, is_same_language


def language_name(code: str, in_locale: str | None = None) -> str:
    """Name a language (``ko`` → "Korean") in the reader's locale or in ``in_locale``."""
    locale = Locale.parse(in_locale) if in_locale else get_locale()
    try:
        return Locale.parse(code).get_display_name(locale) or code
    except (ValueError, TypeError):
        return code


def country_name(code: str) -> str:
    """Name a country from its ISO 3166-1 alpha-2 code in the reader's locale."""
    return get_locale().territories.get(code, code)


def countries_by_name(codes: Iterable[str]) -> list[tuple[str, str]]:
    """Return ``(code, name)`` for each country, named and ordered in the reader's locale.

    Ordered as a reader looks for them: by name, accents and case aside ("États-Unis"
    among the E's), not by code.
    """
    territories = get_locale().territories
    named = [(code, territories.get(code, code)) for code in codes]
    return sorted(named, key=lambda item: (_sort_key(item[1]), item[0]))


def _sort_key(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def city_name(city: object) -> str:
    """Name a city in the reader's language when it has a name in it, else in English.

    Reads ``city.texts``: load them with the city (``selectinload(City.texts)``) on
    pages that name many cities, or each name costs a query.
    """
    local = city.local_name(str(get_locale()))  # type: ignore[attr-defined]
    return local or city.name  # type: ignore[attr-defined]


def format_day(value: date | datetime | None) -> str:
    """Format a date the one way the site shows dates: the locale's medium form."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(get_timezone())
    return babel_dates.format_date(value, "medium", locale=get_locale())


def format_moment(value: datetime | None, zone: str | None = None) -> str:
    """Format a time the one way the site shows times: medium date, minutes, the zone named.

    "Dec 4, 2026, 2:41 PM UTC" in English, "2026. 12. 4. 오후 2:41 UTC" in Korean: no
    seconds, and the time zone said once, here, so templates never add "(UTC)".

    :param zone: an IANA zone to show the time in (a meeting's own); the site's by default.
    """
    if value is None:
        return ""
    locale = get_locale()
    tzinfo = babel_dates.get_timezone(zone) if zone else get_timezone()
    day = babel_dates.format_date(value.astimezone(tzinfo), "medium", locale=locale)
    time = babel_dates.format_time(value, "short", tzinfo=tzinfo, locale=locale)
    combined = locale.datetime_formats["medium"].format(time, day)
    # "UTC" by its short name; any other zone by its full one ("Korean Standard Time").
    pattern = "z" if str(tzinfo) in ("UTC", "Etc/UTC") else "zzzz"
    name = babel_dates.format_datetime(value, pattern, tzinfo=tzinfo, locale=locale)
    return f"{combined} {name}"


def url_with(**changes: object) -> str:
    """Return the current URL with some query parameters changed (None removes one)."""
    args = request.args.to_dict()
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = str(value)
    from flask import url_for

    return url_for(request.endpoint or "home.index", **(request.view_args or {}), **args)


def atom_time(value: datetime | None) -> str:
    """Format a time for Atom (RFC 3339, UTC); no time means the epoch."""
    moment = value or datetime(1970, 1, 1, tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def init_templating(app: Flask) -> None:
    """Register the helpers with Jinja."""
    app.jinja_env.filters["label"] = label
    app.jinja_env.filters["language_name"] = language_name
    app.jinja_env.filters["content_language"] = content_language
    app.jinja_env.tests["same_language"] = is_same_language
    app.jinja_env.filters["country_name"] = country_name
    app.jinja_env.filters["atom_time"] = atom_time
    app.jinja_env.filters["city_name"] = city_name
    # One format for dates and one for times, replacing Flask-Babel's filters of the
    # same names (whose "medium" time shows seconds and no zone).
    app.jinja_env.filters["dateformat"] = format_day
    app.jinja_env.filters["datetimeformat"] = format_moment
    app.jinja_env.globals["url_with"] = url_with
    app.jinja_env.globals["language_name"] = language_name
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
    app.jinja_env.add_extension("jinja2.ext.do")
