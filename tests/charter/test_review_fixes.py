"""Cases found in review: stale drafts, odd quorums, huge numbers, partial translations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tests.charter.test_story import RULES_V1, draft_with_articles, put_to_vote


@pytest.fixture
def people(make, as_user):
    seoul = make.city("Seoul")
    hamburg = make.city("Hamburg", country="DE")
    return {
        "secretariat": as_user(make.secretariat()),
        "delegate": as_user(make.delegate(seoul)),
        "hamburg": as_user(make.delegate(hamburg)),
    }


def adopt(app, people, number):
    vote_id = put_to_vote(people["secretariat"], number)
    for voter in ("delegate", "hamburg"):
        people[voter].post(f"/votes/{vote_id}/ballot", data={"choice": "yes", "step": "confirm"})
    people["secretariat"].post(f"/votes/{vote_id}/close")


def test_a_draft_made_from_an_older_version_cannot_be_put_to_the_vote(app, people, ledger):
    officer = people["secretariat"]
    adopt(app, people, draft_with_articles(officer, RULES_V1))
    second = int(officer.post("/secretariat/charter/drafts").location.split("/")[-1])
    third = int(officer.post("/secretariat/charter/drafts").location.split("/")[-1])
    adopt(app, people, second)
    assert app.test_client().get("/api/v1/charter").get_json()["version"] == second
    before = ledger.audit_seq()
    response = officer.post(f"/secretariat/charter/{third}/vote", data={"secrecy": "recorded"})
    assert response.status_code == 422
    assert "which is now in force: start a new draft" in response.get_data(as_text=True)
    assert ledger.audit_seq() == before


@pytest.mark.parametrize("quorum", ["1e-10", "1/1000", "0", "3/2"])
def test_odd_quorums_are_refused(people, quorum):
    number = draft_with_articles(people["secretariat"])
    response = people["secretariat"].post(
        f"/secretariat/charter/{number}", data=RULES_V1 | {"quorum": quorum}
    )
    assert response.status_code == 422


@pytest.mark.parametrize(
    "url",
    [
        "/votes/99999999999999999999",
        "/charter/versions/99999999999",
        "/resolutions/99999999999/1",
        "/elections/99999999999",
        "/charter/diff?from=1&to=99999999999",
    ],
)
def test_huge_numbers_in_addresses_are_not_found(client, url):
    assert client.get(url).status_code == 404


def test_huge_numbers_in_the_api_get_json_errors(client):
    response = client.get("/api/v1/votes/99999999999999999999")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    assert client.get("/api/v1/cities?page=99999999999").status_code == 400


def test_an_article_written_only_in_another_language_is_shown(people):
    officer = people["secretariat"]
    number = int(officer.post("/secretariat/charter/drafts").location.split("/")[-1])
    officer.post(
        f"/secretariat/charter/{number}/articles/new",
        data={
            "number": 1,
            "texts-0-language": "ko",
            "texts-0-title": "목적",
            "texts-0-body": "좋은 일자리.",
        },
    )
    page = people["delegate"].get(f"/charter/versions/{number}")
    assert page.status_code == 200 and "좋은 일자리." in page.get_data(as_text=True)


def test_a_scheduled_vote_nobody_opened_in_time_is_closed_with_no_quorum(app, people):
    officer = people["secretariat"]
    number = draft_with_articles(officer)
    start = datetime.now(UTC)
    vote_id = put_to_vote(
        officer,
        number,
        opens_at=(start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        closes_at=(start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
    )
    with time_machine.travel(start + timedelta(hours=3)):
        assert app.test_cli_runner().invoke(args=["network", "tick"]).exit_code == 0
    body = app.test_client().get(f"/api/v1/votes/{vote_id}").get_json()
    assert body["status"] == "closed" and body["result"]["outcome"] == "no-quorum"
    # The version is free again for a new draft to be voted on.
    assert (
        app.test_client().get("/api/v1/charter/versions").get_json()["items"][0]["status"]
        == "rejected"
    )


def test_the_api_says_when_a_vote_stops_taking_ballots(app, people):
    officer = people["secretariat"]
    start = datetime.now(UTC)
    vote_id = put_to_vote(
        officer,
        draft_with_articles(officer),
        closes_at=(start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
    )
    assert app.test_client().get(f"/api/v1/votes/{vote_id}").get_json()["accepting_ballots"]
    with time_machine.travel(start + timedelta(hours=2)):
        body = app.test_client().get(f"/api/v1/votes/{vote_id}").get_json()
        assert body["status"] == "open" and body["accepting_ballots"] is False
