"""The charter's check of the record (``flask audit verify``).

Each version's articles are what its entries built: the version it was based on,
then each ``charter.article_saved`` (added, replaced or renumbered) and
``charter.article_deleted`` in turn. Its authoritative language and governance rules
are those of its latest ``charter.draft_updated``, where there is one, and a version
in force is so by the resolution its ``charter.version_adopted`` entry names.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

from network.audit.models import AuditEntry
from network.audit.verification import check, entries
from network.charter.models import CharterVersion, VersionStatus
from network.db import db

Articles = dict[int, dict[str, dict[str, str]]]  # number → language → title, text


def _articles_of(version: CharterVersion) -> Articles:
    return {
        article.number: {
            language: {"title": text.title, "text": text.body}
            for language, text in article.texts.items()
        }
        for article in version.articles
    }


def _replay(history: list[AuditEntry], start: Articles) -> Articles:
    articles = {number: dict(texts) for number, texts in start.items()}
    for entry in history:
        data = entry.data
        if entry.action == "charter.article_saved":
            replacing = data.get("replacing")
            if replacing is not None:
                articles.pop(replacing, None)
            articles[data["article"]] = data["texts"]
        elif entry.action == "charter.article_deleted":
            articles.pop(data["article"], None)
    return articles


@check("charter: each version's articles, language, rules and adoption as its entries say")
def versions_against_their_entries() -> Iterator[str]:
    """Rebuild every version from its entries and compare it with what is stored."""
    history: dict[int, list[AuditEntry]] = defaultdict(list)
    for entry in entries(
        "charter.draft_created",
        "charter.article_saved",
        "charter.article_deleted",
        "charter.draft_updated",
        "charter.version_adopted",
    ):
        history[int(entry.subject_id)].append(entry)
    built: dict[int, Articles] = {}
    versions = db.session.scalars(sa.select(CharterVersion).order_by(CharterVersion.number))
    for version in versions:
        label = f"charter version {version.number}"
        own = history.get(version.number, [])
        created = next((e for e in own if e.action == "charter.draft_created"), None)
        if created is None:
            yield f"{label}: no audit entry records its drafting"
            continue
        based_on = created.data.get("based_on")
        start = built.get(based_on, {}) if based_on is not None else {}
        built[version.number] = expected = _replay(own, start)
        if _articles_of(version) != expected:
            changed = sorted(
                number
                for number in set(expected) | set(_articles_of(version))
                if expected.get(number) != _articles_of(version).get(number)
            )
            yield f"{label}: articles {changed} are not as their audit entries wrote them"
        updates = [e for e in own if e.action == "charter.draft_updated"]
        if updates:
            said: dict[str, Any] = updates[-1].data
            if version.authoritative_language != said["authoritative_language"]:
                yield f"{label}: its authoritative language is not the one recorded"
            if version.rules_data != said["rules"]:
                yield f"{label}: its governance rules are not the ones recorded"
        adopted = [e for e in own if e.action == "charter.version_adopted"]
        if version.status is VersionStatus.adopted or adopted:
            resolution = version.resolution.number if version.resolution_id else None
            if not adopted:
                yield f"{label}: in force, but no audit entry records its adoption"
            elif (said_resolution := adopted[-1].data.get("resolution")) != resolution:
                yield f"{label}: adopted by {resolution}, its entry says {said_resolution}"
