"""Writes of calendars: each person's private address, made and renewed."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from itsdangerous import Signer

from network.audit.services import record
from network.auth.models import User
from network.calendars.models import CalendarFeed
from network.db import db

SALT = "calendar-feed"


def token_signer() -> Signer:
    """Return the signer of private calendar addresses."""
    return Signer(current_app.config["SECRET_KEY"], salt=SALT)


def feed_token(feed: CalendarFeed) -> str:
    """Return the secret part of a person's calendar address (the same every time)."""
    return token_signer().sign(f"{feed.user_id}.{feed.nonce}").decode()


def renew_link(user: User, *, actor: User, now: datetime) -> CalendarFeed:
    """Give a person a private calendar address, or a new one in place of the old.

    The old address stops working at once (its nonce is gone). One audit entry, off
    the public record, says when; never the address.
    """
    feed = db.session.scalar(
        sa.select(CalendarFeed).where(CalendarFeed.user_id == user.id).with_for_update()
    )
    renewed = feed is not None
    if feed is None:
        feed = CalendarFeed(user_id=user.id)
        db.session.add(feed)
    feed.nonce = secrets.token_urlsafe(32)
    feed.created_at = now
    db.session.flush()
    record(
        "calendar.link_renewed" if renewed else "calendar.link_created",
        subject=("user", user.id),
        actor=actor,
        now=now,
        public=False,
    )
    return feed
