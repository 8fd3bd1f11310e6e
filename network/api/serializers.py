"""Turn models into the API's JSON shapes (SPEC "API contract"); no logic, no queries."""

from __future__ import annotations

from typing import Any

from flask import url_for

from network.auth.models import User
from network.cities.models import City


def city_summary(city: City) -> dict[str, Any]:
    """Return a city as an item of ``GET /api/v1/cities``."""
    return {
        "slug": city.slug,
        "name": city.name,
        "country": city.country,
        "region": city.region.value,
        "status": city.status.value,
        "joined_on": city.joined_on.isoformat() if city.joined_on else None,
        "url": url_for("cities.show", slug=city.slug, _external=True),
    }


def city_detail(city: City, delegates: list[User]) -> dict[str, Any]:
    """Return a city as ``GET /api/v1/cities/<slug>`` gives it."""
    return {
        **city_summary(city),
        "names": {"en": city.name}
        | {lang: text.name for lang, text in sorted(city.texts.items()) if text.name},
        "website": city.website,
        "profile": {
            lang: text.profile for lang, text in sorted(city.texts.items()) if text.profile
        },
        "delegates": [user.name for user in delegates],
        "declarations_signed": [],
        "chair_terms": [],
        "status_history": [
            {
                "from": change.from_status.value if change.from_status else None,
                "to": change.to_status.value,
                "effective_on": change.effective_on.isoformat(),
                "reason": change.reason,
            }
            for change in city.history
        ],
    }
