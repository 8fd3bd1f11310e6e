"""Decent-work indicators, their yearly collections, and the cities' values in versions.

The secretariat defines an indicator: a code (its public address, never changed), its
name and definition per language (English always), a unit, which direction is better,
the ILO pillar it measures and an optional range of valid values. It opens a collection
for a year; while the collection is open, a city's delegates enter their city's values.

A value belongs to one indicator, one city and the year it refers to; what it says
lives in versions, as a report on commitments does. The latest version may be a draft
(only its city's delegates and the secretariat read it); once published a version is
public and never changes: a revision is a new version with its reason, the old one stays.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm.collections import attribute_keyed_dict

from network.common.enums import register_labels
from network.db import UTCDateTime, db, str_enum
from network.practices.models import Pillar

if TYPE_CHECKING:
    from network.cities.models import City

# The language every indicator is defined in: its name and definition fall back to it.
BASE_LANGUAGE = "en"


class Unit(StrEnum):
    """What an indicator's values count (``rules.unit_bounds`` holds each one's limits)."""

    percent = "percent"
    currency_per_hour = "currency-per-hour"
    hours_per_week = "hours-per-week"
    count = "count"
    ratio = "ratio"


class Direction(StrEnum):
    """Which way an indicator's values are better."""

    higher = "higher"
    lower = "lower"


register_labels(
    {
        Unit.percent: _l("Percent"),
        Unit.currency_per_hour: _l("Currency amount per hour"),
        Unit.hours_per_week: _l("Hours per week"),
        Unit.count: _l("Count"),
        Unit.ratio: _l("Ratio or index"),
    }
)
# In the context "indicator": said of an indicator's values.
register_labels(
    {
        Direction.higher: lazy_pgettext("indicator", "Higher is better"),
        Direction.lower: lazy_pgettext("indicator", "Lower is better"),
    }
)


class Indicator(db.Model):
    """A decent-work indicator the secretariat defined."""

    __tablename__ = "indicators"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The public address (/indicators/<code>, the API); never changes once given.
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    unit: Mapped[Unit] = mapped_column(str_enum(Unit, "unit"))
    # ISO 4217 (e.g. KRW) for a currency amount per hour; None for every other unit.
    currency: Mapped[str | None] = mapped_column(sa.String(3))
    direction: Mapped[Direction] = mapped_column(str_enum(Direction, "direction"))
    pillar: Mapped[Pillar] = mapped_column(str_enum(Pillar, "pillar"), index=True)
    # The valid range, within the unit's own (a percent is 0–100 whatever is set here).
    min_value: Mapped[float | None] = mapped_column(sa.Double)
    max_value: Mapped[float | None] = mapped_column(sa.Double)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    texts: Mapped[dict[str, IndicatorText]] = relationship(
        collection_class=attribute_keyed_dict("language"),
        cascade="all, delete-orphan",
        back_populates="indicator",
    )

    def text_in(self, language: str) -> IndicatorText | None:
        """Return the text in ``language`` (a region ignored), else the English one."""
        base = language.replace("-", "_").split("_")[0]
        return (
            self.texts.get(language)
            or self.texts.get(base)
            or self.texts.get(BASE_LANGUAGE)
            or next(iter(self.texts.values()), None)
        )


class IndicatorText(db.Model):
    """An indicator's name and definition in one language."""

    __tablename__ = "indicator_texts"

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(sa.ForeignKey("indicators.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(sa.String(16))
    name: Mapped[str] = mapped_column(sa.String(200))
    definition: Mapped[str] = mapped_column(sa.Text)

    indicator: Mapped[Indicator] = relationship(back_populates="texts")

    __table_args__ = (sa.UniqueConstraint("indicator_id", "language"),)


class Collection(db.Model):
    """A yearly collection of values (e.g. 2025), with its deadline.

    The secretariat opens and closes it; a year has one open collection at a time (a
    partial unique index: the collections of a year whose ``closed_at`` is null).
    """

    __tablename__ = "indicator_collections"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    due_on: Mapped[date]  # the last day for values
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opened_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.Index(
            "ix_indicator_collections_one_open",
            "year",
            unique=True,
            sqlite_where=sa.text("closed_at IS NULL"),
            postgresql_where=sa.text("closed_at IS NULL"),
        ),
    )

    @property
    def is_open(self) -> bool:
        """Tell whether the collection takes values."""
        return self.closed_at is None


class IndicatorValue(db.Model):
    """A city's value of an indicator for one year: its versions hold what it says."""

    __tablename__ = "indicator_values"

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(sa.ForeignKey("indicators.id"))
    city_id: Mapped[int] = mapped_column(sa.ForeignKey("cities.id"), index=True)
    year: Mapped[int]  # the year the figure refers to
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    indicator: Mapped[Indicator] = relationship()
    city: Mapped[City] = relationship()
    versions: Mapped[list[ValueVersion]] = relationship(
        back_populates="value", order_by="ValueVersion.number"
    )

    __table_args__ = (sa.UniqueConstraint("indicator_id", "city_id", "year"),)

    @property
    def draft(self) -> ValueVersion | None:
        """Return the version being written, if any (always the latest)."""
        latest = self.versions[-1] if self.versions else None
        return latest if latest is not None and not latest.is_published else None

    @property
    def current(self) -> ValueVersion | None:
        """Return the latest published version: what the public reads."""
        return next((v for v in reversed(self.versions) if v.is_published), None)


class ValueVersion(db.Model):
    """One version of a value: a draft until published, then fixed for good."""

    __tablename__ = "indicator_value_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    value_id: Mapped[int] = mapped_column(sa.ForeignKey("indicator_values.id"))
    number: Mapped[int]
    # The collection it was entered in (values are entered while one is open).
    collection_id: Mapped[int] = mapped_column(sa.ForeignKey("indicator_collections.id"))
    amount: Mapped[float] = mapped_column(sa.Double)
    source: Mapped[str] = mapped_column(sa.String(500))
    source_url: Mapped[str | None] = mapped_column(sa.String(500))
    # Why a published value was revised (every version after the first has one).
    reason: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The latest published version of its value: the one charts, the API and CSV read.
    is_current: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    value: Mapped[IndicatorValue] = relationship(back_populates="versions")
    collection: Mapped[Collection] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("value_id", "number"),
        # Charts, the API and the CSV read the current versions of an indicator's values.
        sa.Index("ix_indicator_value_versions_current", "is_current", "value_id"),
    )

    @property
    def is_published(self) -> bool:
        """Tell whether the version was published (public, fixed)."""
        return self.published_at is not None
