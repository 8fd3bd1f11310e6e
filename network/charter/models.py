"""Charter versions, their articles in several languages, and comments on drafts."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm.collections import attribute_keyed_dict

from network.charter.rules import GovernanceRules
from network.common.enums import register_labels
from network.db import UTCDateTime, db, str_enum

if TYPE_CHECKING:
    from network.auth.models import User
    from network.resolutions.models import Resolution
    from network.votes.models import Vote


class VersionStatus(StrEnum):
    """Where a charter version is in its life."""

    draft = "draft"
    voting = "voting"
    adopted = "adopted"
    rejected = "rejected"


register_labels(
    {
        VersionStatus.draft: _l("Draft"),
        VersionStatus.voting: _l("Put to the vote"),
        VersionStatus.adopted: _l("Adopted"),
        VersionStatus.rejected: _l("Not adopted"),
    }
)


class CharterVersion(db.Model):
    """One version of the charter: numbered articles and the governance rules."""

    __tablename__ = "charter_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    status: Mapped[VersionStatus] = mapped_column(str_enum(VersionStatus, "status"), index=True)
    authoritative_language: Mapped[str] = mapped_column(sa.String(16))
    rules_data: Mapped[dict[str, Any]] = mapped_column("rules", sa.JSON)
    based_on_id: Mapped[int | None] = mapped_column(sa.ForeignKey("charter_versions.id"))
    vote_id: Mapped[int | None] = mapped_column(sa.ForeignKey("votes.id"), unique=True)
    resolution_id: Mapped[int | None] = mapped_column(sa.ForeignKey("resolutions.id"), unique=True)
    adopted_on: Mapped[date | None]
    adopted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    articles: Mapped[list[CharterArticle]] = relationship(
        order_by="CharterArticle.number", cascade="all, delete-orphan", back_populates="version"
    )
    based_on: Mapped[CharterVersion | None] = relationship(remote_side=[id])
    vote: Mapped[Vote | None] = relationship()
    resolution: Mapped[Resolution | None] = relationship()

    @property
    def rules(self) -> GovernanceRules:
        """Return the version's governance rules."""
        return GovernanceRules.from_dict(self.rules_data)

    @property
    def is_public(self) -> bool:
        """Tell whether the public may read it: once put to the vote, always."""
        return self.status is not VersionStatus.draft

    def languages(self) -> list[str]:
        """Return the languages the version's articles are written in, authoritative first."""
        found = {language for article in self.articles for language in article.texts}
        return sorted(found, key=lambda code: (code != self.authoritative_language, code))


class CharterArticle(db.Model):
    """A numbered article of one version."""

    __tablename__ = "charter_articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("charter_versions.id"))
    number: Mapped[int]

    version: Mapped[CharterVersion] = relationship(back_populates="articles")
    texts: Mapped[dict[str, ArticleText]] = relationship(
        collection_class=attribute_keyed_dict("language"),
        cascade="all, delete-orphan",
        back_populates="article",
    )

    __table_args__ = (sa.UniqueConstraint("version_id", "number"),)

    def text_in(self, language: str, authoritative: str) -> ArticleText | None:
        """Return the text in ``language``, else the authoritative one, else any there is."""
        return (
            self.texts.get(language)
            or self.texts.get(authoritative)
            or next(iter(self.texts.values()), None)
        )


class ArticleText(db.Model):
    """An article's title and text in one language."""

    __tablename__ = "charter_article_texts"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        sa.ForeignKey("charter_articles.id", ondelete="CASCADE")
    )
    language: Mapped[str] = mapped_column(sa.String(16))
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)

    article: Mapped[CharterArticle] = relationship(back_populates="texts")

    __table_args__ = (sa.UniqueConstraint("article_id", "language"),)


class CharterComment(db.Model):
    """A delegate's, observer's or officer's comment on a draft."""

    __tablename__ = "charter_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("charter_versions.id"), index=True)
    article_number: Mapped[int | None]
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    author: Mapped[User] = relationship()
