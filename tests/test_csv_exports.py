"""Every CSV export: an optional byte order mark for Excel, and one way to write booleans."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from network.common.export import csv_text, safe_cell
from network.db import db
from network.declarations.models import Signature
from tests.test_exports_streamed import _declaration_with_signatures

BOM = b"\xef\xbb\xbf"


@pytest.fixture
def exports(app, make):
    """The URL of each CSV export, with a Korean name and a withdrawn signature in them."""
    seoul = make.city("서울특별시", slug="seoul", country="KR")
    hamburg = make.city("Hamburg", country="DE")
    slug = _declaration_with_signatures(app, [seoul, hamburg])
    with app.app_context():
        signature = db.session.scalar(sa.select(Signature).where(Signature.city_id == hamburg.id))
        signature.withdrawn_at = datetime(2018, 12, 13, tzinfo=UTC)
        signature.withdrawal_reason = "Signed in error"
        db.session.commit()
    return ["/cities/export.csv", f"/declarations/{slug}/signatures.csv"]


def test_a_byte_order_mark_only_when_asked(client, exports):
    for url in exports:
        plain = client.get(url).get_data()
        assert not plain.startswith(BOM)
        assert client.get(f"{url}?bom=0").get_data() == plain
        marked = client.get(f"{url}?bom=1")
        assert marked.status_code == 200 and marked.mimetype == "text/csv"
        assert marked.get_data() == BOM + plain
        # What Excel does with it: utf-8-sig reads the same table, the Korean intact.
        assert marked.get_data().decode("utf-8-sig") == plain.decode("utf-8")
    directory = client.get("/cities/export.csv?bom=1").get_data().decode("utf-8-sig")
    assert "서울특별시" in directory and directory.startswith("slug,")


@pytest.mark.parametrize("query", ["bom=yes", "bom=", "bom=2", "bom=true", "bom=1&bom=1"])
def test_a_wrong_bom_value_is_refused(client, exports, query):
    for url in exports:
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400, (url, query)
        assert "The bom parameter must be 1" in response.text
        assert not response.is_streamed


def test_an_unknown_declaration_stays_a_404_whatever_the_bom(client):
    assert client.get("/declarations/nothing-here/signatures.csv?bom=nonsense").status_code == 404


def test_booleans_are_true_or_false_in_every_export(client, exports):
    rows = list(csv.DictReader(io.StringIO(client.get(exports[1]).text)))
    assert {row["city"]: row["withdrawn"] for row in rows} == {
        "seoul": "false",
        "hamburg": "true",
    }
    # The JSON export says the same with JSON's own booleans.
    items = client.get(exports[1].replace(".csv", ".json")).get_json()["items"]
    assert {item["city"]: item["withdrawn"] for item in items} == {
        "seoul": False,
        "hamburg": True,
    }


def test_the_cell_rules():
    assert [safe_cell(value) for value in (True, False, None, 0, "=1+1", "-3", "@me", "a")] == [
        "true",
        "false",
        "",
        "0",
        "'=1+1",
        "'-3",
        "'@me",
        "a",
    ]
    assert csv_text(["flag"], [[True], [False]]) == "flag\r\ntrue\r\nfalse\r\n"
