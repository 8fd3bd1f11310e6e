"""Writes to the charter: drafts, articles, comments, the adoption vote and its effect."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from network.audit.services import record
from network.auth.models import User
from network.charter import queries
from network.charter.models import (
    ArticleText,
    CharterArticle,
    CharterComment,
    CharterVersion,
    VersionStatus,
)
from network.charter.rules import GovernanceRules, RuleKey
from network.cities.rules import is_language_tag
from network.common.errors import Conflict, InvalidInput
from network.db import db
from network.resolutions.models import DecisionMode, Resolution, ResolutionKind
from network.resolutions.services import register_resolution
from network.votes import services as votes
from network.votes.models import Secrecy, Vote, VoteKind
from network.votes.tally import Outcome

SUBJECT = "charter_version"


@dataclass(frozen=True)
class ArticleEntry:
    """An article's title and text in one language, as entered."""

    language: str
    title: str
    body: str


def _require_draft(version: CharterVersion) -> None:
    if version.status is not VersionStatus.draft:
        raise Conflict(_("Only a draft can be changed."))


def create_draft(*, actor: User, now: datetime) -> CharterVersion:
    """Start a new version: from the version in force, or from the founding rules."""
    rules, _source, in_force = queries.rules_in_force()
    number = (db.session.scalar(sa.select(sa.func.max(CharterVersion.number))) or 0) + 1
    version = CharterVersion(
        number=number,
        status=VersionStatus.draft,
        authoritative_language=in_force.authoritative_language if in_force else "en",
        rules_data=rules.to_dict(),
        based_on=in_force,
        created_at=now,
        created_by_id=actor.id,
    )
    if in_force is not None:
        for article in in_force.articles:
            copy = CharterArticle(number=article.number)
            for language, text in article.texts.items():
                copy.texts[language] = ArticleText(
                    language=language, title=text.title, body=text.body
                )
            version.articles.append(copy)
    db.session.add(version)
    db.session.flush()
    record(
        "charter.draft_created",
        subject=("charter", number),
        actor=actor,
        now=now,
        data={"based_on": in_force.number if in_force else None},
        public=False,
    )
    return version


def update_draft(
    version: CharterVersion,
    *,
    authoritative_language: str,
    rules: GovernanceRules,
    actor: User,
    now: datetime,
) -> CharterVersion:
    """Set a draft's authoritative language and governance rules.

    :raises Conflict: when the version is no longer a draft.
    :raises InvalidInput: for an unknown language.
    """
    _require_draft(version)
    if not is_language_tag(authoritative_language):
        raise InvalidInput(
            _("“%(tag)s” is not a language code.", tag=authoritative_language),
            field="authoritative_language",
        )
    version.authoritative_language = authoritative_language
    version.rules_data = rules.to_dict()
    db.session.flush()
    record(
        "charter.draft_updated",
        subject=("charter", version.number),
        actor=actor,
        now=now,
        data={"authoritative_language": authoritative_language, "rules": rules.to_dict()},
        public=False,
    )
    return version


def save_article(
    version: CharterVersion,
    number: int,
    texts: list[ArticleEntry],
    *,
    replacing: int | None,
    actor: User,
    now: datetime,
) -> CharterArticle:
    """Add an article to a draft, or replace one (possibly renumbering it).

    :param replacing: the number of the article being edited, None to add one.
    :raises Conflict: when the version is not a draft or the number is taken.
    :raises InvalidInput: for no text, a language twice or an unknown language.
    """
    _require_draft(version)
    if number < 1 or number > 999:
        raise InvalidInput(_("Article numbers run from 1 to 999."), field="number")
    languages = [text.language for text in texts]
    if not texts:
        raise InvalidInput(_("Write the article in at least one language."), field="texts")
    if len(set(languages)) != len(languages):
        raise InvalidInput(_("Each language may appear only once."), field="texts")
    for language in languages:
        if not is_language_tag(language):
            raise InvalidInput(_("“%(tag)s” is not a language code.", tag=language), field="texts")
    by_number = {article.number: article for article in version.articles}
    if number in by_number and number != replacing:
        raise Conflict(_("Article %(number)d exists already.", number=number), field="number")
    if replacing is not None and replacing not in by_number:
        raise InvalidInput(_("There is no article %(number)d.", number=replacing))
    article = by_number[replacing] if replacing is not None else CharterArticle(number=number)
    article.number = number
    wanted = {text.language: text for text in texts}
    for language in list(article.texts):
        if language not in wanted:
            del article.texts[language]
    for language, text in wanted.items():
        if language in article.texts:
            article.texts[language].title, article.texts[language].body = text.title, text.body
        else:
            article.texts[language] = ArticleText(
                language=language, title=text.title, body=text.body
            )
    if replacing is None:
        version.articles.append(article)
    db.session.flush()
    record(
        "charter.article_saved",
        subject=("charter", version.number),
        actor=actor,
        now=now,
        public=False,
        data={
            "article": number,
            "replacing": replacing,
            "texts": {t.language: {"title": t.title, "text": t.body} for t in texts},
        },
    )
    return article


def delete_article(version: CharterVersion, number: int, *, actor: User, now: datetime) -> None:
    """Remove an article from a draft.

    :raises Conflict: when the version is not a draft.
    :raises InvalidInput: when there is no such article.
    """
    _require_draft(version)
    article = next((a for a in version.articles if a.number == number), None)
    if article is None:
        raise InvalidInput(_("There is no article %(number)d.", number=number))
    version.articles.remove(article)
    db.session.flush()
    record(
        "charter.article_deleted",
        subject=("charter", version.number),
        actor=actor,
        now=now,
        public=False,
        data={"article": number},
    )


def add_comment(
    version: CharterVersion, body: str, *, article_number: int | None, author: User, now: datetime
) -> CharterComment:
    """Comment on a draft, on the whole or on one article.

    :raises Conflict: when the version is no longer a draft.
    :raises InvalidInput: for an empty comment or an article that does not exist.
    """
    _require_draft(version)
    body = body.strip()
    if not body:
        raise InvalidInput(_("Write a comment."), field="body")
    if article_number is not None and article_number not in {a.number for a in version.articles}:
        raise InvalidInput(
            _("There is no article %(number)d.", number=article_number), field="article"
        )
    comment = CharterComment(
        version_id=version.id,
        article_number=article_number,
        author_id=author.id,
        body=body,
        created_at=now,
    )
    db.session.add(comment)
    db.session.flush()
    record(
        "charter.commented",
        subject=("charter", version.number),
        actor=author,
        now=now,
        public=False,
        data={"article": article_number, "comment": comment.id},
    )
    return comment


def check_ready_for_vote(version: CharterVersion) -> None:
    """Check that a draft can be voted on.

    :raises Conflict: when it is not a draft, or another version is being voted on.
    :raises InvalidInput: when it has no article, or an article lacks its authoritative text.
    """
    _require_draft(version)
    if not version.articles:
        raise InvalidInput(_("A charter needs at least one article."))
    _rules, _source, in_force = queries.rules_in_force()
    if in_force is not None and version.based_on_id != in_force.id:
        # Adopting it would silently undo the changes of the version now in force.
        raise Conflict(
            _(
                "This draft was not made from version %(number)s, which is now in force: start "
                "a new draft from it.",
                number=in_force.number,
            )
        )
    voting = db.session.scalar(
        sa.select(CharterVersion.number).where(CharterVersion.status == VersionStatus.voting)
    )
    if voting is not None:
        raise Conflict(
            _("Version %(number)s is being voted on; close that vote first.", number=voting)
        )
    missing = [a.number for a in version.articles if version.authoritative_language not in a.texts]
    if missing:
        raise InvalidInput(
            _(
                "Articles %(numbers)s have no text in the authoritative language.",
                numbers=", ".join(map(str, missing)),
            )
        )


def put_to_vote(
    version: CharterVersion,
    *,
    secrecy: Secrecy,
    closes_at: datetime | None,
    actor: User,
    now: datetime,
    opens_at: datetime | None = None,
) -> Vote:
    """Put a draft to the member cities' vote, opening now or at ``opens_at``.

    The vote takes the quorum and the majority for charter amendments from the rules
    in force when it opens (the founding rules before any charter).

    :raises Conflict: when the version is not a draft, or another is being voted on.
    :raises InvalidInput: when an article lacks its authoritative text, or there is none.
    """
    check_ready_for_vote(version)
    vote = votes.create_vote(
        subject_type=SUBJECT,
        subject_id=version.id,
        title=f"Adoption of the council charter, version {version.number}",
        kind=VoteKind.approval,
        secrecy=secrecy,
        rule_key=RuleKey.amendment.value,
        opens_at=opens_at,
        closes_at=closes_at,
        actor=actor,
        now=now,
    )
    if opens_at is None:
        votes.open_vote(vote, actor=actor, now=now)
    lock_for_vote(version, vote, actor=actor, now=now)
    return vote


def vote_rules(vote: Vote) -> votes.VoteRules:
    """Return the quorum and majority a vote is opened under: the rules in force now.

    Every subject (charter, election rounds, motions) registers this as its ``rules_for``.
    """
    rules, source, _version = queries.rules_in_force()
    return votes.VoteRules(
        majority=rules.majority_for(vote.rule_key), quorum=rules.quorum, source=source
    )


def adopt_version(
    version: CharterVersion, resolution: Resolution, *, actor: User | None, now: datetime
) -> CharterVersion:
    """Bring a version into force from the resolution that adopts it."""
    version.status = VersionStatus.adopted
    version.adopted_on, version.adopted_at = resolution.adopted_on, now
    version.resolution_id = resolution.id
    db.session.flush()
    record(
        "charter.version_adopted",
        subject=("charter", version.number),
        actor=actor,
        now=now,
        data={"vote": resolution.vote_id, "resolution": resolution.number},
    )
    return version


def reject_version(
    version: CharterVersion, vote: Vote, *, actor: User | None, now: datetime
) -> CharterVersion:
    """Record that a version's vote did not adopt it."""
    version.status = VersionStatus.rejected
    db.session.flush()
    record(
        "charter.version_rejected",
        subject=("charter", version.number),
        actor=actor,
        now=now,
        data={"vote": vote.id, "outcome": vote.result["outcome"]},
    )
    return version


def release_version(
    version: CharterVersion, vote: Vote, *, actor: User | None, now: datetime
) -> CharterVersion:
    """Return a version to draft after a motion's vote on it failed for want of quorum."""
    version.status, version.vote_id = VersionStatus.draft, None
    db.session.flush()
    record(
        "charter.vote_without_quorum",
        subject=("charter", version.number),
        actor=actor,
        now=now,
        data={"vote": vote.id},
    )
    return version


def lock_for_vote(
    version: CharterVersion, vote: Vote, *, actor: User | None, now: datetime
) -> CharterVersion:
    """Freeze a draft while a vote (its own, or a motion's) decides on it.

    Callers check :func:`check_ready_for_vote` first, before they create the vote.
    """
    version.vote_id = vote.id
    version.status = VersionStatus.voting
    db.session.flush()
    record(
        "charter.put_to_vote",
        subject=("charter", version.number),
        actor=actor,
        now=now,
        data={"vote": vote.id},
    )
    return version


def _on_closed(vote: Vote, actor: User | None, now: datetime) -> None:
    """Adopt the version when its vote carried (with a resolution), else mark it not adopted."""
    version = db.session.get(CharterVersion, vote.subject_id)
    assert version is not None
    if vote.outcome is Outcome.carried:
        resolution = register_resolution(
            title=f"Adoption of the council charter, version {version.number}",
            kind=ResolutionKind.charter,
            mode=DecisionMode.online,
            adopted_on=now.date(),
            vote=vote,
            actor=actor,
            now=now,
        )
        adopt_version(version, resolution, actor=actor, now=now)
    else:
        reject_version(version, vote, actor=actor, now=now)


def _describe(vote: Vote) -> tuple[str, str]:
    version = db.session.get(CharterVersion, vote.subject_id)
    assert version is not None
    title = _("Adoption of the council charter, version %(number)s", number=version.number)
    return title, url_for("charter.version", number=version.number)


votes.register_subject(
    SUBJECT, votes.Subject(rules_for=vote_rules, on_closed=_on_closed, describe=_describe)
)
