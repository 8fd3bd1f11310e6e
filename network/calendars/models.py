"""Each person's private calendar address."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from network.db import UTCDateTime, db


class CalendarFeed(db.Model):
    """The secret part of one person's private calendar address.

    The address carries the person's id and this random nonce, signed with the
    application's secret key (``calendars.services.feed_token``): the database alone
    does not give the address away. A new link draws a new nonce, and the old address
    stops working at once.
    """

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), unique=True)
    nonce: Mapped[str] = mapped_column(sa.String(43))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
