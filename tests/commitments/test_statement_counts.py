"""The progress page, a city's report and the open data read a fixed number of statements.

Issue #20: the progress page of a declaration with 13,000 signatories × 8 commitments
within the statement bound. The counts come grouped from the database and the cities a
page at a time, so the statements do not grow with the signatories: checked here with a
few, then many more (``make bench`` times the 13,000).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa

from network.auth.models import User
from network.cities.models import City, CityText, MembershipStatus, Region
from network.cities.rules import name_key
from network.commitments import services
from network.commitments.models import (
    CommitmentStatus,
    Report,
    ReportEntry,
    ReportingPeriod,
    ReportVersion,
)
from network.common import clock
from network.db import db
from network.declarations import services as declarations
from network.declarations.models import Declaration, Signature, SignatureMode
from network.votes.rules import new_receipt
from tests.conftest import recorded_statements

SLUG = "eight-commitments"
COMMITMENTS = [f"Commitment number {n}." for n in range(1, 9)]
STATUSES = list(CommitmentStatus)
URLS = [
    f"/declarations/{SLUG}/progress",
    f"/declarations/{SLUG}/progress?period=2025&lang=ko",
    f"/declarations/{SLUG}/progress/city-0",
    f"/declarations/{SLUG}/progress/city-0?period=2025",
    f"/declarations/{SLUG}/reports.csv",
    f"/api/v1/declarations/{SLUG}/reports",
    f"/api/v1/declarations/{SLUG}/reports?period=2025&per_page=200",
]
# The progress page: the declaration and its texts, the periods, the counts, the
# submitted reports per period, a page of cities, the signatories, and the request's own.
BOUND = 12


def setup(app, officer: User) -> None:
    with app.app_context():
        actor = db.session.get(User, officer.id)
        now = clock.now()
        declaration = declarations.save_declaration(
            None,
            slug=SLUG,
            authoritative_language="en",
            texts=[
                declarations.TextEntry("en", "Eight", "Text.", COMMITMENTS),
                declarations.TextEntry("ko", "여덟", "본문.", COMMITMENTS[:5]),
            ],
            actor=actor,
            now=now,
        )
        declarations.open_for_signature(declaration, actor=actor, now=now)
        first = services.open_period(
            declaration, label="2025", due_on=now.date(), actor=actor, now=now
        )
        services.close_period(first, actor=actor, now=now)
        services.open_period(declaration, label="2026", due_on=now.date(), actor=actor, now=now)
        db.session.commit()


def grow(app, start: int, n: int) -> None:
    """Add ``n`` signatory cities, each with a submitted report in both periods."""
    with app.app_context():
        declaration = db.session.scalar(sa.select(Declaration).where(Declaration.slug == SLUG))
        periods = db.session.scalars(
            sa.select(ReportingPeriod).where(ReportingPeriod.declaration_id == declaration.id)
        ).all()
        now = datetime.now(UTC)
        for i in range(start, start + n):
            city = City(
                slug=f"city-{i}",
                name=f"City {i}",
                name_key=name_key(f"City {i}"),
                country="KR",
                region=Region.asia_pacific,
                status=MembershipStatus.member,
                joined_on=date(2019, 1, 1),
            )
            city.texts["ko"] = CityText(language="ko", name=f"도시 {i}")
            db.session.add(city)
            db.session.flush()
            db.session.add(
                Signature(
                    declaration_id=declaration.id,
                    city_id=city.id,
                    signatory_name=f"Mayor {i}",
                    signatory_title="Mayor",
                    signed_on=date(2025, 1, 1),
                    mode=SignatureMode.in_person,
                    verification_code=new_receipt(),
                    recorded_at=now,
                )
            )
            for period in periods:
                report = Report(period_id=period.id, city_id=city.id, created_at=now)
                versions = [
                    ReportVersion(
                        number=number,
                        created_at=now,
                        updated_at=now,
                        submitted_at=now,
                        reason="Corrected." if number > 1 else None,
                        is_current=number == 2,
                        entries=[
                            ReportEntry(
                                commitment=c,
                                status=STATUSES[(i + c + number) % 4],
                                account=f"Account {c}",
                                links=["https://example.org/"],
                            )
                            for c in range(1, 9)
                        ],
                    )
                    for number in (1, 2)
                ]
                report.versions = versions
                db.session.add(report)
        db.session.commit()


def count(app, url: str) -> int:
    with recorded_statements() as seen, app.test_client().get(url) as response:
        assert response.status_code == 200, url
        response.get_data()
    return len(seen)


def test_statements_do_not_grow_with_the_signatories(app, make, database):
    setup(app, make.secretariat())
    grow(app, 0, 3)
    small = {url: count(app, url) for url in URLS}
    grow(app, 3, 60)
    large = {url: count(app, url) for url in URLS}
    assert large == small
    assert max(small.values()) <= BOUND, small
    page = app.test_client().get(URLS[0]).get_data(as_text=True)
    assert "63 of 63 signatory cities" in page
