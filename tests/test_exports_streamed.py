"""CSV and JSON exports are streamed from one query, in bounded chunks, with the same bytes."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import sqlalchemy as sa

from network.cities.models import MembershipStatus, Region
from network.common.export import CHUNK, chunked, csv_lines, csv_text
from network.db import db
from network.declarations import queries as declaration_queries
from network.declarations.models import Declaration, DeclarationStatus, Signature, SignatureMode
from network.declarations.views import EXPORT_FIELDS
from tests.conftest import recorded_statements

NOW = datetime(2018, 12, 12, 9, 0, tzinfo=UTC)


def _declaration_with_signatures(app, cities) -> str:
    with app.app_context():
        declaration = Declaration(
            slug="streamed",
            authoritative_language="en",
            status=DeclarationStatus.open,
            created_at=NOW,
        )
        db.session.add(declaration)
        db.session.flush()
        for number, city in enumerate(cities):
            db.session.add(
                Signature(
                    declaration_id=declaration.id,
                    city_id=city.id,
                    signatory_name=f"=Mayor {number}" if number == 0 else f"Mayor {number}",
                    signatory_title="Mayor",
                    signed_on=date(2018, 12, 12 - number % 3),
                    mode=SignatureMode.in_person,
                    verification_code=f"CODE-{number:04d}",
                    recorded_at=NOW,
                )
            )
        db.session.commit()
    return "streamed"


def _count_statements(app, url: str) -> tuple[int, bytes, bool]:
    with recorded_statements() as seen, app.test_client().get(url) as response:
        assert response.status_code == 200
        streamed = response.is_streamed
        body = response.get_data()
    return len(seen), body, streamed


def test_the_city_directory_export_is_streamed_and_complete(app, client, make):
    make.city("Seoul", names={"ko": "서울"})
    make.city("Hamburg", country="DE", region=Region.europe_central_asia)
    make.city("@Vienna", slug="vienna", country="AT", region=Region.europe_central_asia)
    make.city("Setagaya", country="JP", status=MembershipStatus.applicant)
    response = client.get("/cities/export.csv?region=europe-central-asia")
    assert response.is_streamed
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == "attachment; filename=dwcn-cities.csv"
    expected = csv_text(
        ["slug", "name", "country", "region", "status", "joined_on", "website"],
        [
            ["vienna", "@Vienna", "AT", "europe-central-asia", "member", "2018-12-12", None],
            ["hamburg", "Hamburg", "DE", "europe-central-asia", "member", "2018-12-12", None],
        ],
    )
    assert response.get_data(as_text=True) == expected
    assert expected.splitlines()[1].startswith("vienna,'@Vienna")  # formula neutralised
    everyone = list(csv.DictReader(io.StringIO(client.get("/cities/export.csv").text)))
    assert [row["slug"] for row in everyone] == ["vienna", "hamburg", "seoul", "setagaya"]
    assert everyone[3]["joined_on"] == ""


def test_the_signatures_export_is_streamed_and_matches_the_api(app, client, make):
    cities = [make.city(f"City {n}", slug=f"city-{n}", country="FR") for n in range(7)]
    slug = _declaration_with_signatures(app, cities)
    response = client.get(f"/declarations/{slug}/signatures.csv")
    assert response.is_streamed
    assert response.headers["Content-Disposition"] == f"attachment; filename={slug}-signatures.csv"
    api = client.get(f"/api/v1/declarations/{slug}/signatures").get_json()["items"]
    expected = csv_text(EXPORT_FIELDS, ([row[f] for f in EXPORT_FIELDS] for row in api))
    assert response.get_data(as_text=True) == expected
    rows = list(csv.DictReader(io.StringIO(expected)))
    assert len(rows) == 7 and rows[0]["signed_on"] <= rows[-1]["signed_on"]
    assert any(row["signatory_name"] == "'=Mayor 0" for row in rows)
    exported = client.get(f"/declarations/{slug}/signatures.json")  # the API's list, paged
    assert exported.mimetype == "application/json"
    assert exported.get_json() == {"items": api, "page": 1, "per_page": 50, "total": 7}


def test_exports_run_the_same_statements_whatever_the_number_of_rows(app, make, monkeypatch):
    # A batch of 2 makes seven rows take four fetches from the same one statement.
    monkeypatch.setattr(
        declaration_queries.signatures_for_export, "__defaults__", (2,), raising=True
    )
    cities = [make.city(f"City {n}", slug=f"city-{n}", country="FR") for n in range(7)]
    slug = _declaration_with_signatures(app, cities[:1])
    few, few_body, streamed = _count_statements(app, f"/declarations/{slug}/signatures.csv")
    assert streamed
    with app.app_context():
        declaration_id = db.session.scalar(
            sa.select(Declaration.id).where(Declaration.slug == slug)
        )
        for number, city in enumerate(cities[1:], start=1):
            db.session.add(
                Signature(
                    declaration_id=declaration_id,
                    city_id=city.id,
                    signatory_name=f"Mayor {number}",
                    signatory_title="Mayor",
                    signed_on=date(2018, 12, 12),
                    mode=SignatureMode.online,
                    verification_code=f"MORE-{number:04d}",
                    recorded_at=NOW,
                )
            )
        db.session.commit()
    many, many_body, _ = _count_statements(app, f"/declarations/{slug}/signatures.csv")
    assert many == few
    assert many_body.count(b"\r\n") == 8 and few_body.count(b"\r\n") == 2
    cities_few, _, _ = _count_statements(app, "/cities/export.csv?q=City 0")
    cities_all, body, _ = _count_statements(app, "/cities/export.csv")
    assert cities_all == cities_few and body.count(b"\r\n") == 8


def test_large_exports_are_sent_in_bounded_chunks():
    rows = [[f"city-{number}", "=HYPERLINK(1)", number] for number in range(5000)]
    chunks = list(csv_lines(["slug", "note", "number"], rows))
    text = "".join(chunks)
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed[0] == ["slug", "note", "number"]
    assert parsed[1:] == [[f"city-{n}", "'=HYPERLINK(1)", str(n)] for n in range(5000)]
    assert chunks[0] == "slug,note,number\r\n"  # the header alone, before any row is read
    assert 1 < len(chunks) <= len(text) // CHUNK + 2  # not one write per row
    assert max(len(chunk) for chunk in chunks) < CHUNK + 100  # memory stays bounded
    pieces = [f"{n}," for n in range(30000)]
    joined = list(chunked(pieces))
    assert "".join(joined) == "".join(pieces) and 1 < len(joined) < 10
    assert joined[0] == "0,"  # the head alone
