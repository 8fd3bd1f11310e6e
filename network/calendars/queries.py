"""Reads of calendars: what each feed holds, and whose address a token is."""

from __future__ import annotations

import hmac

import sqlalchemy as sa
from itsdangerous import BadSignature
from sqlalchemy.orm import selectinload

from network.auth.models import User
from network.calendars.models import CalendarFeed
from network.calendars.services import feed_token, token_signer
from network.db import db
from network.declarations.models import Declaration, DeclarationStatus, Signature
from network.meetings.models import Meeting
from network.notices.compose import absolute_url
from network.votes.models import ElectorateMember, Participation, Vote, VoteStatus

# A feed holds at most this many vote closings, the latest: calendar applications read
# a feed whole, every hour or so.
MAX_VOTES = 500


def feed_of(user: User) -> CalendarFeed | None:
    """Return a person's private calendar address, if they have one."""
    return db.session.scalar(sa.select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def address_of(user: User) -> str | None:
    """Return a person's private calendar address (absolute), if they have one."""
    feed = feed_of(user)
    if feed is None:
        return None
    return absolute_url("calendars.private_feed", token=feed_token(feed))


def user_for_token(token: str) -> User | None:
    """Return the active person whose private calendar address ``token`` is, else None.

    An address that was renewed, a forged or mistyped one, or that of a deactivated
    account names nobody.
    """
    try:
        user_id, _, nonce = token_signer().unsign(token).decode().partition(".")
        user_id_number = int(user_id)
    except (BadSignature, ValueError, UnicodeDecodeError):
        return None
    row = db.session.execute(
        sa.select(CalendarFeed.nonce, User)
        .join(User, User.id == CalendarFeed.user_id)
        .where(CalendarFeed.user_id == user_id_number)
    ).one_or_none()
    if row is None or not hmac.compare_digest(row[0].encode(), nonce.encode()):
        return None
    user = row[1]
    return user if user.active else None


def meetings() -> list[Meeting]:
    """Return every meeting, in order of time."""
    return list(db.session.scalars(sa.select(Meeting).order_by(Meeting.starts_at, Meeting.id)))


def _closing_votes() -> sa.Select[tuple[Vote]]:
    return (
        sa.select(Vote)
        .where(Vote.closes_at.is_not(None))
        .order_by(Vote.closes_at.desc(), Vote.id.desc())
        .limit(MAX_VOTES)
    )


def public_votes() -> list[Vote]:
    """Return the votes with a closing time (the latest ``MAX_VOTES``)."""
    return list(db.session.scalars(_closing_votes()))


def city_votes(city_id: int, *, is_member: bool) -> list[Vote]:
    """Return the votes with a closing time that are a city's to cast.

    Those in whose electorate it is, and, while it is a member in good standing, those
    not yet open (their electorate is fixed when they open).
    """
    in_electorate = (
        sa.exists()
        .where(ElectorateMember.vote_id == Vote.id, ElectorateMember.city_id == city_id)
        .correlate(Vote)
    )
    wanted = (
        sa.or_(in_electorate, Vote.status == VoteStatus.pending) if is_member else in_electorate
    )
    return list(db.session.scalars(_closing_votes().where(wanted)))


def votes_cast_by(city_id: int, vote_ids: list[int]) -> set[int]:
    """Return which of the votes the city has voted in."""
    if not vote_ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(Participation.vote_id).where(
                Participation.city_id == city_id, Participation.vote_id.in_(vote_ids)
            )
        )
    )


def signature_deadlines(unsigned_by: int | None = None) -> list[Declaration]:
    """Return the declarations open for signature that announce a last day, soonest first.

    :param unsigned_by: a city: only those it has not signed (a withdrawn signature
        counts as signed: one signature per city and declaration).
    """
    statement = (
        sa.select(Declaration)
        .where(
            Declaration.status == DeclarationStatus.open,
            Declaration.signatures_close_on.is_not(None),
        )
        .options(selectinload(Declaration.texts))
        .order_by(Declaration.signatures_close_on, Declaration.id)
    )
    if unsigned_by is not None:
        statement = statement.where(
            ~sa.exists().where(
                Signature.declaration_id == Declaration.id, Signature.city_id == unsigned_by
            )
        )
    return list(db.session.scalars(statement))
