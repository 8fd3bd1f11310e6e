"""Jinja globals and filters: language, country and city names, dates, enum labels."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel import dates as babel_dates
from flask import Flask, current_app, request
from flask_babel import get_locale, get_timezone
from markupsafe import Markup

from network.common.enums import label
from network.common.languages import content_language, is_same_language, typed_language


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
    return list(_countries_by_name(str(get_locale()), tuple(codes)))


@lru_cache(maxsize=64)
def _countries_by_name(locale: str, codes: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Name and order the countries in ``locale``, once per locale and list of codes.

    The directory's filter lists some 200 countries on every page: their names and
    their order depend on nothing else, so they are not folded and sorted again.
    """
    territories = Locale.parse(locale).territories
    named = [(code, territories.get(code, code)) for code in codes]
    return tuple(sorted(named, key=lambda item: (_sort_key(item[1]), item[0])))


def country_options(countries: Iterable[tuple[str, str]], selected: str | None) -> Markup:
    """Return a filter's ``<option>`` elements for ``(code, name)`` countries, one selected.

    The directory lists some 200 countries on every page; the elements depend on nothing
    but the list and the choice, so they are written once per list, locale and choice
    rather than by Jinja on every request (issue #19).
    """
    return _country_options(tuple(countries), selected)


@lru_cache(maxsize=256)
def _country_options(countries: tuple[tuple[str, str], ...], selected: str | None) -> Markup:
    option = Markup('<option value="{}" {}>{}</option>')
    chosen = Markup("selected")
    return Markup("").join(
        option.format(code, chosen if code == selected else "", name) for code, name in countries
    )


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
        value = value.astimezone(get_timezone()).date()
    return _medium_date(value, str(get_locale()))


@lru_cache(maxsize=4096)
def _medium_date(day: date, locale: str) -> str:
    """Format a day in the locale's medium form, once per day and locale.

    A list of 25 or 100 rows shows few distinct days, and a day's form in a locale never
    changes: Babel's pattern is not applied again for each row and page.
    """
    return babel_dates.format_date(day, "medium", locale=locale)


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
    app.jinja_env.filters["typed_language"] = typed_language
    app.jinja_env.filters["country_name"] = country_name
    app.jinja_env.filters["atom_time"] = atom_time
    app.jinja_env.filters["city_name"] = city_name
    # One format for dates and one for times, replacing Flask-Babel's filters of the
    # same names (whose "medium" time shows seconds and no zone).
    app.jinja_env.filters["dateformat"] = format_day
    app.jinja_env.filters["datetimeformat"] = format_moment
    app.jinja_env.globals["url_with"] = url_with
    app.jinja_env.globals["country_options"] = country_options
    app.jinja_env.globals["language_name"] = language_name
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
    app.jinja_env.add_extension("jinja2.ext.do")
    app.url_defaults(_static_digest)


def _static_digest(endpoint: str, values: dict[str, object]) -> None:
    """Give every static file's address a digest of its content (``?v=...``).

    nginx serves static files with a year's cache lifetime (deploy/nginx/dwcn.conf):
    a file whose content changes gets a new address, so no browser keeps an old one.
    """
    filename = values.get("filename")
    if endpoint != "static" or "v" in values or not isinstance(filename, str):
        return
    folder = current_app.static_folder or ""
    if current_app.debug:  # files edited while the server runs: look each time
        path = Path(folder) / filename
        try:
            stamp = path.stat().st_mtime_ns
        except OSError:
            return
        digest = _digest(str(path), stamp)
    else:  # a release's files do not change under it: once per file and process
        digest = _released_digest(folder, filename)
    if digest:
        values["v"] = digest


@lru_cache(maxsize=256)
def _digest(path: str, stamp: int) -> str:
    """Return the first 12 hex digits of the file's SHA-256 (kept per path and mtime)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


@lru_cache(maxsize=256)
def _released_digest(folder: str, filename: str) -> str | None:
    """Return the file's digest, or None when it does not exist."""
    try:
        return _digest(str(Path(folder) / filename), 0)
    except OSError:
        return None
