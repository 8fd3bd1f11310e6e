"""Member cities, their texts per language and their membership history."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from sqlalchemy.orm.collections import attribute_keyed_dict

from network.common import clock
from network.common.enums import register_labels
from network.db import UTCDateTime, db, str_enum

if TYPE_CHECKING:
    from network.auth.models import User


class MembershipStatus(StrEnum):
    """Where a city stands in the network (SPEC "Member cities")."""

    applicant = "applicant"
    member = "member"
    suspended = "suspended"
    withdrawn = "withdrawn"


class Region(StrEnum):
    """The ILO's five regions, which the network uses to group its cities."""

    africa = "africa"
    americas = "americas"
    arab_states = "arab-states"
    asia_pacific = "asia-pacific"
    europe_central_asia = "europe-central-asia"


register_labels(
    {
        MembershipStatus.applicant: _l("Applicant"),
        MembershipStatus.member: _l("Member"),
        MembershipStatus.suspended: _l("Suspended"),
        MembershipStatus.withdrawn: _l("Withdrawn"),
    }
)
register_labels(
    {
        Region.africa: _l("Africa"),
        Region.americas: _l("Americas"),
        Region.arab_states: _l("Arab States"),
        Region.asia_pacific: _l("Asia and the Pacific"),
        Region.europe_central_asia: _l("Europe and Central Asia"),
    }
)


class City(db.Model):
    """A city of the network, whatever its membership status."""

    __tablename__ = "cities"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The slug is the city's public address (/cities/<slug>, the API) and never changes.
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # English name; indexed because the directory and the API list cities by name.
    name: Mapped[str] = mapped_column(sa.String(120), index=True)
    # The name folded for comparison (rules.name_key): unique, so "Île" and "ÎLE"
    # can't both be registered, whatever the database's notion of case.
    name_key: Mapped[str] = mapped_column(sa.String(120), unique=True)
    country: Mapped[str] = mapped_column(sa.String(2), index=True)  # ISO 3166-1 alpha-2
    region: Mapped[Region] = mapped_column(str_enum(Region, "region"), index=True)
    website: Mapped[str | None] = mapped_column(sa.String(255))
    status: Mapped[MembershipStatus] = mapped_column(
        str_enum(MembershipStatus, "status"), index=True
    )
    # The start of the current membership: set on admission from applicant or
    # withdrawn, kept through a suspension and reinstatement.
    joined_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    texts: Mapped[dict[str, CityText]] = relationship(
        collection_class=attribute_keyed_dict("language"),
        cascade="all, delete-orphan",
        back_populates="city",
    )
    history: Mapped[list[MembershipChange]] = relationship(
        order_by="(MembershipChange.effective_on, MembershipChange.id)",
        back_populates="city",
    )
    accounts: Mapped[list[User]] = relationship(back_populates="city")

    @property
    def is_in_good_standing(self) -> bool:
        """Tell whether the city may vote and sign: a member, not suspended."""
        return self.status is MembershipStatus.member

    def local_name(self, language: str) -> str | None:
        """Return the city's name in ``language``, if one is recorded."""
        text = self.texts.get(language)
        return text.name if text and text.name else None

    def profile(self, language: str) -> tuple[str | None, str | None]:
        """Return ``(language, profile)`` in ``language``, else in English, else any."""
        for code in (language, "en", *sorted(self.texts)):
            text = self.texts.get(code)
            if text and text.profile:
                return code, text.profile
        return None, None

    def __repr__(self) -> str:
        return f"<City {self.slug}>"


class CityText(db.Model):
    """A city's name and profile in one language (any language, not only the interface's)."""

    __tablename__ = "city_texts"

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(sa.ForeignKey("cities.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(sa.String(16))  # BCP 47 tag, e.g. ko, de, zh-Hant
    name: Mapped[str | None] = mapped_column(sa.String(120), index=True)
    # The name folded for search (rules.name_key), kept with it by ``_fold``.
    name_key: Mapped[str | None] = mapped_column(sa.String(120))
    profile: Mapped[str | None] = mapped_column(sa.Text)

    city: Mapped[City] = relationship(back_populates="texts")

    __table_args__ = (sa.UniqueConstraint("city_id", "language"),)

    @validates("name")
    def _fold(self, _key: str, name: str | None) -> str | None:
        from network.cities.rules import name_key  # rules reads this module's enums

        self.name_key = name_key(name) if name else None
        return name


class MembershipChange(db.Model):
    """One dated change of a city's membership status, with its reason."""

    __tablename__ = "membership_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(sa.ForeignKey("cities.id"), index=True)
    from_status: Mapped[MembershipStatus | None] = mapped_column(
        str_enum(MembershipStatus, "from_status")
    )
    to_status: Mapped[MembershipStatus] = mapped_column(str_enum(MembershipStatus, "to_status"))
    effective_on: Mapped[date]
    reason: Mapped[str] = mapped_column(sa.Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    city: Mapped[City] = relationship(back_populates="history")
    recorded_by: Mapped[User | None] = relationship()
