"""CSV of roll calls, secret ballots and the register, beside the API's JSON."""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa

from network.common.export import BOM
from network.db import db
from network.votes.models import Vote, VoteStatus

API = "/api/v1"


def rows_of(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def test_a_closed_recorded_vote_gives_its_roll_call_as_the_api_does(client, open_world):
    vote = open_world["charter_vote"]
    rows = rows_of(client.get(f"/votes/{vote}/roll-call.csv"))
    api = client.get(f"{API}/votes/{vote}").get_json()["roll_call"]
    assert [(row["city"], row["choice"]) for row in rows] == [
        (entry["city"], entry["choice"]) for entry in api
    ]
    assert {"city": "milan", "city_name": "Milan", "choice": "no"} in rows


def test_the_roll_call_names_cities_in_the_language_asked(client, open_world):
    response = client.get(f"/votes/{open_world['charter_vote']}/roll-call.csv?lang=ko&bom=1")
    assert response.get_data(as_text=True).startswith(BOM)
    assert response.headers["Content-Language"] == "ko"
    rows = rows_of(response)
    assert {row["city_name"] for row in rows if row["city"] == "seoul"} == {"서울특별시"}
    refused = client.get(f"/votes/{open_world['charter_vote']}/roll-call.csv?lang=!!")
    assert refused.status_code == 400


def test_a_closed_secret_vote_gives_receipts_and_choices_and_no_city(client, open_world):
    vote = open_world["election_vote"]
    rows = rows_of(client.get(f"/votes/{vote}/ballots.csv"))
    assert list(rows[0]) == ["receipt", "choice"]
    api = client.get(f"{API}/votes/{vote}").get_json()["ballots"]
    assert [(row["receipt"], row["choice"]) for row in rows] == [
        (entry["receipt"], entry["choice"]) for entry in api
    ]
    assert open_world["receipt"] in {row["receipt"] for row in rows}


def test_a_vote_of_the_other_secrecy_or_unknown_has_no_csv(client, open_world):
    assert client.get(f"/votes/{open_world['election_vote']}/roll-call.csv").status_code == 404
    assert client.get(f"/votes/{open_world['charter_vote']}/ballots.csv").status_code == 404
    assert client.get("/votes/999999/roll-call.csv").status_code == 404


def test_an_open_vote_has_no_roll_call_or_ballots_csv(app, client, database):
    assert app.test_cli_runner().invoke(args=["network", "seed-demo"]).exit_code == 0
    with app.app_context():
        open_votes = db.session.scalars(
            sa.select(Vote.id).where(Vote.status == VoteStatus.open)
        ).all()
    assert open_votes
    for vote in open_votes:
        assert client.get(f"/votes/{vote}/roll-call.csv").status_code == 404
        assert client.get(f"/votes/{vote}/ballots.csv").status_code == 404


def test_the_register_csv_takes_the_registers_filters(client, open_world):
    everything = rows_of(client.get("/resolutions/export.csv"))
    api = client.get(f"{API}/resolutions?per_page=200").get_json()["items"]
    assert [row["number"] for row in everything] == [item["number"] for item in api]
    charter = rows_of(client.get("/resolutions/export.csv?kind=charter"))
    assert charter and {row["kind"] for row in charter} == {"charter"}
    year = everything[-1]["adopted_on"][:4]
    assert {
        row["adopted_on"][:4] for row in rows_of(client.get(f"/resolutions/export.csv?year={year}"))
    } == {year}
    for wrong in ("?kind=x", "?year=18", "?bom=2"):
        response = client.get(f"/resolutions/export.csv{wrong}")
        assert response.status_code == 400, wrong
