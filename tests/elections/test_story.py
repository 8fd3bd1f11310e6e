"""Chair-city elections through HTTP: nominations, rounds, ties, certification, terms."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
import time_machine

from network.cities.models import MembershipStatus
from tests.charter.test_story import RULES_V1, draft_with_articles, put_to_vote
from tests.conftest import PASSWORD

CITIES = ["Seoul", "Hamburg", "London", "Vienna", "Milan", "Marseille", "Johannesburg"]


@pytest.fixture
def council(make, as_user):
    cities = {name: make.city(name, country="KR") for name in CITIES}
    suspended = make.city("Chefchaouen", country="MA", status=MembershipStatus.suspended)
    make.city("Setagaya", country="JP", status=MembershipStatus.applicant)
    people = {name: as_user(make.delegate(city)) for name, city in cities.items()}
    people["secretariat"] = as_user(make.secretariat())
    people["Chefchaouen"] = as_user(make.delegate(suspended))
    people["observer"] = as_user(make.observer())
    return people


def open_election(secretariat, **data) -> int:
    response = secretariat.post(
        "/secretariat/elections/new",
        data={"office": "chair", "term_start": "2019-01-01", "term_end": "2020-12-31", **data},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.location.rstrip("/").split("/")[-1])


def nominate(client, election_id, slug):
    return client.post(f"/elections/{election_id}/nominations", data={"city": slug})


def election(app, election_id) -> dict:
    return app.test_client().get(f"/api/v1/elections/{election_id}").get_json()


def accept_all(app, council, election_id):
    for nomination in election(app, election_id)["nominations"]:
        if nomination["status"] == "pending":
            city = nomination["city"].replace("-", " ").title()
            page = council[city].get(f"/elections/{election_id}").get_data(as_text=True)
            action = re.search(r'action="(/elections/\d+/nominations/\d+)"', page).group(1)
            assert council[city].post(action, data={"answer": "accept"}).status_code == 302


def start_ballot(app, council, election_id, candidates, secrecy="secret") -> int:
    officer = council["secretariat"]
    for nominator, slug in candidates:
        assert nominate(council[nominator], election_id, slug).status_code == 302
    accept_all(app, council, election_id)
    officer.post(f"/secretariat/elections/{election_id}/close-nominations")
    response = officer.post(
        f"/secretariat/elections/{election_id}/ballot", data={"secrecy": secrecy}
    )
    assert response.status_code == 302
    return int(response.location.rstrip("/").split("/")[-1])


def option_ids(app, vote_id) -> dict[str, int]:
    body = app.test_client().get(f"/api/v1/votes/{vote_id}").get_json()
    return {option["label"]: option["id"] for option in body["options"]}


def cast_ballot(client, vote_id, **data):
    """Post a ballot and its confirmation, as the ballot form's two steps do."""
    return client.post(f"/votes/{vote_id}/ballot", data={**data, "step": "confirm"})


def cast(app, council, vote_id, ballots: dict[str, str]):
    ids = option_ids(app, vote_id)
    for voter, choice in ballots.items():
        response = cast_ballot(council[voter], vote_id, choice=ids[choice] if choice else "blank")
        body = response.get_data(as_text=True)
        # A secret ballot is answered with its receipt, a recorded one with the vote page.
        assert response.status_code == 302 or "ballot is cast" in body, (voter, body)


def close(council, vote_id):
    assert council["secretariat"].post(f"/votes/{vote_id}/close").status_code == 302


def test_a_first_round_winner_is_certified_and_shown_as_chair(app, council):
    election_id = open_election(council["secretariat"])
    vote_id = start_ballot(
        app,
        council,
        election_id,
        [("Seoul", "seoul"), ("Vienna", "hamburg"), ("London", "johannesburg")],
    )
    cast(
        app,
        council,
        vote_id,
        {
            "Seoul": "Seoul",
            "Hamburg": "Seoul",
            "London": "Seoul",
            "Vienna": "Seoul",
            "Milan": "Hamburg",
            "Marseille": None,
        },
    )
    # A suspended city, an observer and Seoul again cannot vote.
    ids = option_ids(app, vote_id)
    assert cast_ballot(council["Chefchaouen"], vote_id, choice=ids["Seoul"]).status_code == 403
    assert cast_ballot(council["observer"], vote_id, choice=ids["Seoul"]).status_code == 403
    twice = cast_ballot(council["Seoul"], vote_id, choice=ids["Hamburg"])
    assert twice.status_code == 409 and "already voted" in twice.get_data(as_text=True)
    close(council, vote_id)

    result = election(app, election_id)
    assert result["status"] == "to-certify" and result["winner"] == "seoul"
    assert result["rounds"][0]["counts"] == [{"seoul": 4, "hamburg": 1, "johannesburg": 0}]
    assert (
        council["secretariat"]
        .post(f"/secretariat/elections/{election_id}/certify", data={"password": PASSWORD})
        .status_code
        == 302
    )
    result = election(app, election_id)
    assert result["status"] == "certified" and result["certified"] is True

    with time_machine.travel(datetime(2019, 6, 1, tzinfo=UTC)):
        public = app.test_client()
        assert "Chair city: Seoul" in public.get("/").get_data(as_text=True)
        directory = public.get("/cities/").get_data(as_text=True)
        assert re.search(r">Seoul</a> <span class=\"tag\">Chair city</span>", directory)
        assert "current" in public.get("/cities/seoul").get_data(as_text=True)
        terms = public.get("/api/v1/cities/seoul").get_json()["chair_terms"]
        assert terms == [
            {
                "office": "chair",
                "city": "seoul",
                "starts_on": "2019-01-01",
                "ends_on": "2020-12-31",
                "election": election_id,
            }
        ]


def test_a_runoff_between_the_two_best_placed(app, council):
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
    result = election(app, election_id)
    assert result["status"] == "balloting" and len(result["rounds"]) == 2
    assert result["rounds"][0]["outcome"] == "runoff"
    assert sorted(result["rounds"][1]["candidates"]) == ["hamburg", "seoul"]

    runoff = result["rounds"][1]["vote"]
    council["secretariat"].post(f"/votes/{runoff}/open")
    cast(
        app,
        council,
        runoff,
        {
            "Seoul": "Seoul",
            "Vienna": "Seoul",
            "London": "Seoul",
            "Hamburg": "Hamburg",
            "Milan": "Hamburg",
        },
    )
    close(council, runoff)
    result = election(app, election_id)
    assert result["status"] == "to-certify" and result["winner"] == "seoul"
    # Every round and its counts stay public.
    assert [r["outcome"] for r in result["rounds"]] == ["runoff", "elected"]


def test_a_tie_is_settled_by_a_recorded_draw(app, council):
    election_id = open_election(council["secretariat"])
    vote_id = start_ballot(app, council, election_id, [("Seoul", "seoul"), ("Hamburg", "hamburg")])
    cast(
        app,
        council,
        vote_id,
        {"Seoul": "Seoul", "Vienna": "Seoul", "Hamburg": "Hamburg", "Milan": "Hamburg"},
    )
    close(council, vote_id)
    assert election(app, election_id)["status"] == "tie"
    officer = council["secretariat"]
    bad = officer.post(
        f"/secretariat/elections/{election_id}/draw",
        data={"order": "seoul, london", "note": "Drawn from an urn"},
    )
    assert bad.status_code == 302 and election(app, election_id)["status"] == "tie"
    officer.post(
        f"/secretariat/elections/{election_id}/draw",
        data={"order": "hamburg, seoul", "note": "Drawn from an urn by the secretary"},
    )
    result = election(app, election_id)
    assert result["status"] == "to-certify" and result["winner"] == "hamburg"
    assert result["ties_settled"][0]["drawn"] == ["hamburg", "seoul"]
    assert "Drawn from an urn by the secretary" in app.test_client().get(
        f"/elections/{election_id}"
    ).get_data(as_text=True)


def adopt_instant_runoff(app, council):
    officer = council["secretariat"]
    number = draft_with_articles(officer, RULES_V1 | {"chair_election": "instant-runoff"})
    vote_id = put_to_vote(officer, number)
    for city in CITIES:
        cast_ballot(council[city], vote_id, choice="yes")
    close(council, vote_id)
    assert app.test_client().get("/api/v1/charter").get_json()["rules"]["chair_election"] == (
        "instant-runoff"
    )


def test_instant_runoff_with_eliminations(app, council):
    adopt_instant_runoff(app, council)
    election_id = open_election(council["secretariat"])
    vote_id = start_ballot(
        app,
        council,
        election_id,
        [("Seoul", "seoul"), ("Hamburg", "hamburg"), ("London", "london")],
    )
    ids = option_ids(app, vote_id)
    rankings = {
        "Seoul": ["Seoul", "Hamburg"],
        "Vienna": ["Seoul"],
        "Milan": ["Seoul"],
        "Hamburg": ["Hamburg", "London"],
        "Marseille": ["Hamburg"],
        "London": ["London", "Hamburg"],
        "Johannesburg": ["London", "Hamburg"],
    }
    for voter, ranking in rankings.items():
        data = {f"rank_{ids[name]}": str(rank) for rank, name in enumerate(ranking, start=1)}
        assert cast_ballot(council[voter], vote_id, **data).status_code == 200
    close(council, vote_id)
    result = election(app, election_id)
    # Round 1: Seoul 3, Hamburg 2, London 2 — a tie for last place: drawn by lot.
    assert result["status"] == "tie"
    council["secretariat"].post(
        f"/secretariat/elections/{election_id}/draw",
        data={"order": "hamburg, london", "note": "Lot"},
    )
    result = election(app, election_id)
    # London is eliminated (drawn last); its ballots go to Hamburg: Hamburg 4, Seoul 3.
    assert result["status"] == "to-certify" and result["winner"] == "hamburg"
    recount = result["ties_settled"][0]["result"]["rounds"]
    assert [r["eliminated"] for r in recount][0] == [str(ids["London"])]


def test_a_ranking_that_gives_one_rank_twice_is_refused(app, council, ledger):
    adopt_instant_runoff(app, council)
    election_id = open_election(council["secretariat"])
    vote_id = start_ballot(app, council, election_id, [("Seoul", "seoul"), ("Hamburg", "hamburg")])
    ids = option_ids(app, vote_id)
    before = ledger.audit_seq()
    response = cast_ballot(
        council["Vienna"], vote_id, **{f"rank_{ids['Seoul']}": "1", f"rank_{ids['Hamburg']}": "1"}
    )
    assert response.status_code == 422
    assert "Give each rank to one candidate only." in response.get_data(as_text=True)
    assert ledger.audit_seq() == before


def test_nominations_of_non_members_and_ballots_without_candidates_are_refused(app, council):
    officer = council["secretariat"]
    election_id = open_election(officer)
    for slug in ("chefchaouen", "setagaya"):
        response = nominate(council["Seoul"], election_id, slug)
        page = council["Seoul"].get(response.location).get_data(as_text=True)
        assert "Choose a member city to nominate." in page
    assert election(app, election_id)["nominations"] == []
    assert nominate(council["observer"], election_id, "seoul").status_code == 403

    nominate(council["London"], election_id, "hamburg")  # Hamburg never answers
    officer.post(f"/secretariat/elections/{election_id}/close-nominations")
    response = officer.post(
        f"/secretariat/elections/{election_id}/ballot", data={"secrecy": "secret"}
    )
    page = officer.get(response.location).get_data(as_text=True)
    assert "No city has accepted a nomination" in page
    assert election(app, election_id)["rounds"] == []


def test_a_city_is_nominated_once_and_answers_for_itself(app, council):
    election_id = open_election(council["secretariat"])
    nominate(council["London"], election_id, "hamburg")
    again = nominate(council["Milan"], election_id, "hamburg")
    assert "Hamburg is nominated already." in council["Milan"].get(again.location).get_data(
        as_text=True
    )
    nomination = election(app, election_id)["nominations"][0]
    assert nomination == {"city": "hamburg", "status": "pending"}
    page = council["Hamburg"].get(f"/elections/{election_id}").get_data(as_text=True)
    action = re.search(r'action="(/elections/\d+/nominations/\d+)"', page).group(1)
    # Another city cannot answer for Hamburg.
    council["London"].post(action, data={"answer": "accept"})
    assert election(app, election_id)["nominations"][0]["status"] == "pending"
    council["Hamburg"].post(action, data={"answer": "decline"})
    assert election(app, election_id)["nominations"][0]["status"] == "declined"


def test_the_chair_changes_when_a_new_term_starts(app, council):
    officer = council["secretariat"]
    for start, end, winner in [
        ("2019-01-01", "2020-12-31", "Seoul"),
        ("2021-01-01", "2022-12-31", "Hamburg"),
    ]:
        election_id = open_election(officer, term_start=start, term_end=end)
        vote_id = start_ballot(app, council, election_id, [(winner, winner.lower())])
        cast(
            app,
            council,
            vote_id,
            {winner: winner, "Milan": winner, "London": winner, "Vienna": winner},
        )
        close(council, vote_id)
        officer.post(f"/secretariat/elections/{election_id}/certify", data={"password": PASSWORD})
    public = app.test_client()
    with time_machine.travel(datetime(2020, 12, 31, 12, tzinfo=UTC)):
        assert "Chair city: Seoul" in public.get("/").get_data(as_text=True)
        assert "Chair city: Seoul" in public.get("/elections/").get_data(as_text=True)
    with time_machine.travel(datetime(2021, 1, 1, 12, tzinfo=UTC)):
        home = public.get("/").get_data(as_text=True)
        assert "Chair city: Hamburg" in home and "Chair city: Seoul" not in home
        # Past terms stay listed.
        listing = public.get("/elections/").get_data(as_text=True)
        assert "Seoul" in listing and "Hamburg" in listing
    assert date(2021, 1, 1) > date(2020, 12, 31)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"term_start": ""}, "This field is required."),
        ({"term_end": "2018-01-01"}, "The term must end after it starts."),
        ({"office": "king"}, "Not a valid choice."),
        ({"nominations_close_at": "2000-01-01T00:00"}, "Nominations cannot close in the past."),
    ],
)
def test_bad_election_input_is_refused(council, ledger, data, message):
    before = ledger.audit_seq()
    response = council["secretariat"].post(
        "/secretariat/elections/new",
        data={"office": "chair", "term_start": "2019-01-01", "term_end": "2020-12-31", **data},
    )
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert ledger.audit_seq() == before


def test_nominations_close_at_their_set_time(app, council):
    from datetime import timedelta

    start = datetime.now(UTC)
    closes = (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    election_id = open_election(council["secretariat"], nominations_close_at=closes)
    nominate(council["Seoul"], election_id, "seoul")
    with time_machine.travel(start + timedelta(hours=2)):
        result = app.test_cli_runner().invoke(args=["network", "tick"])
        assert "Closed nominations of 1 election(s)" in result.output
    assert election(app, election_id)["status"] == "ready"
    late = nominate(council["Hamburg"], election_id, "hamburg")
    assert "Nominations are closed." in council["Hamburg"].get(late.location).get_data(as_text=True)
