"""Jinja globals and filters: language names, country names, enum labels."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime

from babel import Locale
from flask import Flask, request
from flask_babel import get_locale

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
    app.jinja_env.globals["url_with"] = url_with
    app.jinja_env.globals["language_name"] = language_name
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
    app.jinja_env.add_extension("jinja2.ext.do")
