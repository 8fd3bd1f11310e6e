"""Election cases found in review: repeats, second ties, suspended candidates, overlaps."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from tests.elections.test_story import (
    adopt_instant_runoff,
    cast,
    cast_ballot,
    close,
    council,  # noqa: F401 - fixture
    election,
    open_election,
    option_ids,
    start_ballot,
)


def test_a_runoff_without_quorum_is_held_again_between_the_same_two(app, council):  # noqa: F811
    election_id = open_election(council["secretariat"])
    vote_id = start_ballot(
        app,
        council,
        election_id,
        [("Seoul", "seoul"), ("Hamburg", "hamburg"), ("London", "london")],
    )
    cast(
        app,
        council,
        vote_id,
        {
            "Seoul": "Seoul",
            "Vienna": "Seoul",
            "Hamburg": "Hamburg",
            "Milan": "Hamburg",
            "London": "London",
        },
    )
    close(council, vote_id)
    runoff = election(app, election_id)["rounds"][1]["vote"]
    council["secretariat"].post(f"/votes/{runoff}/open")
    close(council, runoff)  # nobody voted
    assert election(app, election_id)["status"] == "ready"
    council["secretariat"].post(
        f"/secretariat/elections/{election_id}/ballot", data={"secrecy": "secret"}
    )
    rounds = election(app, election_id)["rounds"]
    assert sorted(rounds[2]["candidates"]) == ["hamburg", "seoul"]


def test_a_second_tie_in_an_instant_runoff_count_is_settled_by_a_second_draw(app, council):  # noqa: F811
    adopt_instant_runoff(app, council)
    election_id = open_election(council["secretariat"])
    vote_id = start_ballot(
        app,
        council,
        election_id,
        [("Seoul", "seoul"), ("Hamburg", "hamburg"), ("London", "london"), ("Vienna", "vienna")],
    )
    ids = option_ids(app, vote_id)
    for voter, first in {
        "Seoul": "Seoul",
        "Milan": "Seoul",
        "Hamburg": "Hamburg",
        "Marseille": "Hamburg",
        "London": "London",
        "Vienna": "Vienna",
    }.items():
        cast_ballot(council[voter], vote_id, **{f"rank_{ids[first]}": "1"})
    close(council, vote_id)
    officer = council["secretariat"]
    officer.post(
        f"/secretariat/elections/{election_id}/draw",
        data={"order": "london, vienna", "note": "First draw"},
    )
    assert election(app, election_id)["status"] == "tie"  # now Seoul and Hamburg are level
    officer.post(
        f"/secretariat/elections/{election_id}/draw",
        data={"order": "seoul, hamburg", "note": "Second draw"},
    )
    result = election(app, election_id)
    assert result["status"] == "to-certify" and result["winner"] == "seoul"
    assert [s["note"] for s in result["ties_settled"]] == ["First draw", "Second draw"]


def test_a_city_suspended_after_accepting_does_not_stand(app, council, make):  # noqa: F811
    officer = council["secretariat"]
    election_id = open_election(officer)
    council["Seoul"].post(f"/elections/{election_id}/nominations", data={"city": "seoul"})
    council["Milan"].post(f"/elections/{election_id}/nominations", data={"city": "milan"})
    officer.post(
        "/secretariat/cities/milan/status",
        data={"status": "suspended", "effective_on": "2026-01-01", "reason": "Resolution"},
    )
    officer.post(f"/secretariat/elections/{election_id}/close-nominations")
    officer.post(f"/secretariat/elections/{election_id}/ballot", data={"secrecy": "secret"})
    assert election(app, election_id)["rounds"][0]["candidates"] == ["seoul"]


def test_an_overlapping_term_cannot_be_opened_once_one_is_certified(app, council):  # noqa: F811
    officer = council["secretariat"]
    election_id = open_election(officer)
    vote_id = start_ballot(app, council, election_id, [("Seoul", "seoul")])
    cast(
        app,
        council,
        vote_id,
        {"Seoul": "Seoul", "Milan": "Seoul", "London": "Seoul", "Vienna": "Seoul"},
    )
    close(council, vote_id)
    officer.post(f"/secretariat/elections/{election_id}/certify", data={"password": PASSWORD})
    response = officer.post(
        "/secretariat/elections/new",
        data={"office": "chair", "term_start": "2020-06-01", "term_end": "2022-05-31"},
    )
    assert response.status_code == 422
    assert "overlaps a term already certified" in response.get_data(as_text=True)


@pytest.mark.parametrize("year", ["¹²³⁴", "99999", "20x8"])
def test_odd_years_are_refused_or_ignored(client, year):
    assert client.get(f"/api/v1/resolutions?year={year}").status_code == 400
    assert client.get(f"/resolutions/?year={year}").status_code == 200
