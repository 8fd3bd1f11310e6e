"""The number of SQL statements a public page or API route runs does not grow with the data."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from network.auth.models import Role, User
from network.cities.models import City, CityText, MembershipStatus, Region
from network.cities.rules import name_key
from network.db import db
from network.declarations.models import Declaration, Signature, SignatureMode
from network.motions.models import Motion, MotionKind, MotionStatus
from network.resolutions.models import DecisionMode, ResolutionKind
from network.resolutions.services import register_resolution
from network.votes.rules import new_receipt
from tests.conftest import recorded_statements

PUBLIC_PAGES = [
    "/",
    "/cities/",
    "/cities/?q=seo",
    "/cities/seoul",
    "/cities/export.csv",
    "/charter/",
    "/charter/versions",
    "/charter/versions/1",
    "/elections/",
    "/elections/{election}",
    "/motions/",
    "/motions/{motion}",
    "/meetings/",
    "/meetings/{meeting}",
    "/meetings/{meeting}/minutes",
    "/resolutions/",
    "/resolutions/feed.atom",
    "/declarations/",
    "/declarations/seoul-declaration-2017",
    "/declarations/seoul-declaration-2017/signatures.csv",
    "/declarations/seoul-declaration-2017/signatures.json",
    "/declarations/feed.atom",
    "/votes/{vote1}",
    "/votes/{vote2}",
    "/api/v1/cities",
    "/api/v1/cities/seoul",
    "/api/v1/charter/versions",
    "/api/v1/votes/{vote1}",
    "/api/v1/elections",
    "/api/v1/elections/{election}",
    "/api/v1/resolutions",
    "/api/v1/declarations",
    "/api/v1/declarations/seoul-declaration-2017",
    "/api/v1/declarations/seoul-declaration-2017/signatures",
    "/api/v1/audit/head",
    "/api/v1/meetings",
    "/api/v1/meetings/{meeting}",
    "/api/v1/meetings/{meeting}/minutes",
]


def count_statements(app, url: str) -> int:
    with recorded_statements() as seen, app.test_client().get(url) as response:
        assert response.status_code == 200, url
        response.get_data()  # a streamed export runs its query while it is read
    return len(seen)


def grow(app, n: int, start: int = 0) -> None:
    """Add ``n`` more cities, delegates, signatures, motions and resolutions."""
    with app.app_context():
        seoul = db.session.scalar(sa.select(City).where(City.slug == "seoul"))
        declaration = db.session.scalar(
            sa.select(Declaration).where(Declaration.slug == "seoul-declaration-2017")
        )
        proposer = db.session.scalar(sa.select(User.id).where(User.email == "seoul@example.org"))
        now = datetime.now(UTC)
        for i in range(start, start + n):
            city = City(
                slug=f"city-{i}",
                name=f"Seocity {i}",
                name_key=name_key(f"Seocity {i}"),
                country="KR",
                region=Region.asia_pacific,
                status=MembershipStatus.member,
                joined_on=date(2019, 1, 1),
            )
            city.texts["ko"] = CityText(language="ko", name=f"도시 {i}")
            db.session.add(city)
            db.session.flush()
            db.session.add(
                User(
                    email=f"d{i}@example.org",
                    name=f"Delegate {i}",
                    role=Role.delegate,
                    city_id=seoul.id,
                    password_hash="x",
                )
            )
            db.session.add(
                Signature(
                    declaration_id=declaration.id,
                    city_id=city.id,
                    signatory_name=f"Mayor {i}",
                    signatory_title="Mayor",
                    signed_on=date(2017, 9, 6),
                    mode=SignatureMode.in_person,
                    verification_code=new_receipt(),
                    recorded_at=now,
                )
            )
            db.session.add(
                Motion(
                    title=f"Motion {i}",
                    text="Text",
                    kind=MotionKind.ordinary,
                    status=MotionStatus.proposed,
                    proposer_id=proposer,
                    proposer_city_id=seoul.id,
                    proposed_at=now,
                    lapses_at=now,
                )
            )
            register_resolution(
                title=f"Resolution {i}",
                kind=ResolutionKind.ordinary,
                mode=DecisionMode.in_session,
                adopted_on=date(2019, 1, 1),
                vote=None,
                actor=None,
                now=now,
            )
        db.session.commit()


@pytest.fixture
def demo(app, database):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["network", "seed-demo"]).exit_code == 0
    grow(app, 1)  # at least one of everything (the demo has no resolution yet)


def demo_urls(app) -> list[str]:
    """Fill in the demo's ids (sequences differ between databases and runs)."""
    from network.elections.models import Election
    from network.meetings.models import Meeting
    from network.votes.models import Vote

    with app.app_context():
        first = lambda model: db.session.scalar(sa.select(sa.func.min(model.id)))  # noqa: E731
        ids = {
            "election": first(Election),
            "motion": first(Motion),
            "meeting": first(Meeting),
            "vote1": first(Vote),
            "vote2": first(Vote) + 1,
        }
    return [url.format(**ids) for url in PUBLIC_PAGES]


def test_statement_counts_do_not_grow_with_the_data(app, demo):
    urls = demo_urls(app)
    small = {url: count_statements(app, url) for url in urls}
    grow(app, 25, start=1)
    large = {url: count_statements(app, url) for url in urls}
    assert large == small
    # Last-Modified reads no statement of its own (the head entry's time comes with the
    # state marks): the home page's ten sections and the marks are the most (issue #17).
    assert max(small.values()) <= 11, small
