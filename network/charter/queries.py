"""Reads of the charter: the version in force and the rules that govern now."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from network.charter.models import ArticleText, CharterArticle, CharterComment, CharterVersion
from network.charter.models import VersionStatus as S
from network.charter.rules import GovernanceRules
from network.db import db

FOUNDING_SOURCE = "founding-rules"


def _with_articles() -> sa.Select[tuple[CharterVersion]]:
    return sa.select(CharterVersion).options(
        selectinload(CharterVersion.articles).selectinload(CharterArticle.texts),
        selectinload(CharterVersion.resolution),
    )


def version_in_force() -> CharterVersion | None:
    """Return the most recently adopted version, if any."""
    return db.session.scalar(
        _with_articles()
        .where(CharterVersion.status == S.adopted)
        .order_by(CharterVersion.adopted_at.desc(), CharterVersion.number.desc())
        .limit(1)
    )


def founding_rules() -> GovernanceRules:
    """Return the founding rules from the configuration."""
    return GovernanceRules.from_dict(current_app.config["FOUNDING_RULES"])


def rules_in_force() -> tuple[GovernanceRules, str, CharterVersion | None]:
    """Return the rules that govern now, where they come from, and the version if any."""
    version = version_in_force()
    if version is None:
        return founding_rules(), FOUNDING_SOURCE, None
    return version.rules, f"charter-v{version.number}", version


def version_by_number(number: int) -> CharterVersion | None:
    """Return a version with its articles and texts."""
    return db.session.scalar(_with_articles().where(CharterVersion.number == number))


def versions(*, include_drafts: bool) -> list[CharterVersion]:
    """Return the versions, newest first; drafts only for those who may read them."""
    statement = (
        sa.select(CharterVersion)
        .options(selectinload(CharterVersion.resolution))
        .order_by(CharterVersion.number.desc())
    )
    if not include_drafts:
        statement = statement.where(CharterVersion.status != S.draft)
    return list(db.session.scalars(statement))


def comments_on(version: CharterVersion) -> list[CharterComment]:
    """Return the comments on a version, oldest first, with their authors."""
    return list(
        db.session.scalars(
            sa.select(CharterComment)
            .where(CharterComment.version_id == version.id)
            .options(selectinload(CharterComment.author))
            .order_by(CharterComment.id)
        )
    )


def articles_in(version: CharterVersion, language: str) -> dict[int, tuple[str, str]]:
    """Return number → (title, text) of a version in a language (else the authoritative)."""
    result = {}
    for article in version.articles:
        text: ArticleText | None = article.text_in(language, version.authoritative_language)
        if text is not None:
            result[article.number] = (text.title, text.body)
    return result
