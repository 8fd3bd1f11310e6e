"""The charter's whole story through HTTP: draft, comment, vote, adopt, rules in force."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from network.cities.models import MembershipStatus
from network.db import db
from network.votes.models import Ballot, SealedBallot, Vote

CITIES = ["Seoul", "Hamburg", "London", "Vienna", "Milan", "Marseille"]


@pytest.fixture
def council(make, as_user):
    """Six member cities with a delegate each, a suspended and an applicant city, and staff."""
    cities = {name: make.city(name, country="KR") for name in CITIES}
    suspended = make.city("Chefchaouen", country="MA", status=MembershipStatus.suspended)
    applicant = make.city("Setagaya", country="JP", status=MembershipStatus.applicant)
    delegates = {
        name: make.delegate(city, name=f"{name} Delegate") for name, city in cities.items()
    }
    people = {
        "secretariat": make.secretariat(name="Officer"),
        "observer": make.observer(name="ILO Observer"),
        "seoul-2": make.delegate(cities["Seoul"], name="Second Seoul Delegate"),
        "chefchaouen": make.delegate(suspended),
        "setagaya": make.delegate(applicant),
        **delegates,
    }
    return {key: as_user(user) for key, user in people.items()}


def draft_with_articles(secretariat, rules=None) -> int:
    response = secretariat.post("/secretariat/charter/drafts")
    number = int(response.location.rstrip("/").split("/")[-1])
    for article, (title, text, ko_title, ko_text) in enumerate(
        [
            (
                "Purpose",
                "The Network spreads decent work in cities.",
                "목적",
                "네트워크는 도시의 좋은 일자리를 확산한다.",
            ),
            (
                "Membership",
                "Cities that endorse the Seoul Declaration may join.",
                "회원",
                "서울선언에 동의하는 도시는 가입할 수 있다.",
            ),
        ],
        start=1,
    ):
        response = secretariat.post(
            f"/secretariat/charter/{number}/articles/new",
            data={
                "number": article,
                "texts-0-language": "en",
                "texts-0-title": title,
                "texts-0-body": text,
                "texts-1-language": "ko",
                "texts-1-title": ko_title,
                "texts-1-body": ko_text,
            },
        )
        assert response.status_code == 302, response.get_data(as_text=True)
    if rules:
        response = secretariat.post(f"/secretariat/charter/{number}", data=rules)
        assert response.status_code == 302, response.get_data(as_text=True)
    return number


def put_to_vote(secretariat, number, **data) -> int:
    response = secretariat.post(
        f"/secretariat/charter/{number}/vote", data={"secrecy": "recorded", **data}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.location.rstrip("/").split("/")[-1])


def vote(client, vote_id, choice):
    return client.post(f"/votes/{vote_id}/ballot", data={"choice": choice, "step": "confirm"})


RULES_V1 = {
    "authoritative_language": "en",
    "quorum": "3/5",
    "ordinary": "simple",
    "amendment": "absolute",
    "admission": "two-thirds",
    "suspension": "two-thirds",
    "chair_election": "absolute-runoff",
    "chair_term_years": "2",
}


def test_the_whole_story(app, council, ledger):
    officer = council["secretariat"]
    number = draft_with_articles(officer, RULES_V1)

    # Delegates and observers read the draft and comment; the public can't see it.
    for who in ("Seoul", "observer"):
        response = council[who].post(
            f"/charter/versions/{number}/comments",
            data={"article": "2", "body": f"A comment from {who}."},
        )
        assert response.status_code == 302
    page = council["Hamburg"].get(f"/charter/versions/{number}").get_data(as_text=True)
    assert "A comment from Seoul." in page and "A comment from observer." in page
    assert app.test_client().get(f"/charter/versions/{number}").status_code == 404

    # The founding rules govern the first adoption vote: two-thirds, quorum one half.
    vote_id = put_to_vote(officer, number)
    opened = app.test_client().get(f"/api/v1/votes/{vote_id}").get_json()
    assert opened["status"] == "open" and "result" not in opened
    assert opened["rules"] == {
        "majority": "two-thirds",
        "quorum": "1/2",
        "source": "founding-rules",
    }
    assert opened["electorate_size"] == 6  # the suspended and the applicant city are out

    for city, choice in [
        ("Seoul", "yes"),
        ("Hamburg", "yes"),
        ("London", "no"),
        ("Vienna", "yes"),
        ("Milan", "abstain"),
    ]:
        assert vote(council[city], vote_id, choice).status_code == 302

    # Seoul's second delegate: the city has voted already.
    again = vote(council["seoul-2"], vote_id, "no")
    assert again.status_code == 409
    assert "Your city has already voted" in again.get_data(as_text=True)
    # Outside the electorate, or not a city at all.
    assert vote(council["chefchaouen"], vote_id, "yes").status_code == 403
    assert vote(council["setagaya"], vote_id, "yes").status_code == 403
    assert vote(council["observer"], vote_id, "yes").status_code == 403
    assert vote(council["secretariat"], vote_id, "yes").status_code == 403

    live = app.test_client().get(f"/votes/{vote_id}").get_data(as_text=True)
    assert "5 of 6 cities have voted." in live
    assert "Roll call" not in live  # how they voted stays unknown until the close

    assert officer.post(f"/votes/{vote_id}/close").status_code == 302
    result = app.test_client().get(f"/api/v1/votes/{vote_id}").get_json()
    assert result["result"]["outcome"] == "carried"
    assert result["result"]["counts"] == {"yes": 3, "no": 1, "abstain": 1}
    assert result["result"]["quorum_met"] is True
    assert {row["city"]: row["choice"] for row in result["roll_call"]} == {
        "seoul": "yes",
        "hamburg": "yes",
        "london": "no",
        "vienna": "yes",
        "milan": "abstain",
    }

    year = datetime.now(UTC).year
    charter = app.test_client().get("/api/v1/charter?lang=ko").get_json()
    assert charter["version"] == number and charter["resolution"] == f"DWCN/RES/{year}/1"
    assert charter["rules"]["quorum"] == "3/5" and charter["rules"]["amendment"] == "absolute"
    assert charter["articles"][0] == {
        "number": 1,
        "title": "목적",
        "text": "네트워크는 도시의 좋은 일자리를 확산한다.",
        "language": "ko",
        "authoritative_language": "en",
    }
    resolution = app.test_client().get(f"/resolutions/{year}/1")
    assert resolution.status_code == 200

    # A later version is drafted from the one in force (its articles copied); its
    # adoption vote takes the rules of the version in force.
    second = int(officer.post("/secretariat/charter/drafts").location.split("/")[-1])
    copied = app.test_client().get("/api/v1/charter/versions").get_json()
    assert council["Vienna"].get(f"/charter/versions/{second}").status_code == 200
    assert "Membership" in council["Vienna"].get(f"/charter/versions/{second}").get_data(
        as_text=True
    )
    assert [item["version"] for item in copied["items"]] == [number]  # drafts aren't public
    second_vote = put_to_vote(officer, second)
    rules = app.test_client().get(f"/api/v1/votes/{second_vote}").get_json()["rules"]
    assert rules == {"majority": "absolute", "quorum": "3/5", "source": f"charter-v{number}"}

    # Every open, ballot, close and result went into the audit chain.
    runner = app.test_cli_runner()
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0


def test_a_vote_without_quorum_is_never_carried(app, council):
    officer = council["secretariat"]
    number = draft_with_articles(officer)
    vote_id = put_to_vote(officer, number)
    vote(council["Seoul"], vote_id, "yes")
    vote(council["Hamburg"], vote_id, "yes")  # 2 of 6: below one half
    officer.post(f"/votes/{vote_id}/close")
    result = app.test_client().get(f"/api/v1/votes/{vote_id}").get_json()["result"]
    assert result["outcome"] == "no-quorum" and result["quorum_met"] is False
    assert app.test_client().get("/api/v1/charter").status_code == 404
    versions = app.test_client().get("/api/v1/charter/versions").get_json()["items"]
    assert versions[0]["status"] == "rejected" and versions[0]["resolution"] is None
    page = app.test_client().get(f"/votes/{vote_id}").get_data(as_text=True)
    assert "No quorum" in page and "Carried" not in page


def test_a_vote_past_its_closing_time_takes_no_ballot(app, council, ledger):
    officer = council["secretariat"]
    number = draft_with_articles(officer)
    closes = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    vote_id = put_to_vote(officer, number, closes_at=closes)
    assert vote(council["Seoul"], vote_id, "yes").status_code == 302
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=2)):
        before = ledger.audit_seq()
        late = vote(council["Hamburg"], vote_id, "yes")
        assert late.status_code == 409
        assert "not open for ballots" in late.get_data(as_text=True)
        assert ledger.audit_seq() == before
        page = app.test_client().get(f"/votes/{vote_id}").get_data(as_text=True)
        assert "voting time is over" in page


def test_a_secret_ballot_is_stored_without_its_city_and_verified_by_receipt(app, council):
    officer = council["secretariat"]
    number = draft_with_articles(officer)
    vote_id = put_to_vote(officer, number, secrecy="secret")
    receipts = {}
    for city, choice in [("Seoul", "yes"), ("Hamburg", "no"), ("London", "yes"), ("Vienna", "yes")]:
        # The receipt is shown once, on the page answering the ballot (never in the cookie).
        cast = council[city].post(
            f"/votes/{vote_id}/ballot", data={"choice": choice, "step": "confirm"}
        )
        page = cast.get_data(as_text=True)
        receipts[city] = re.search(r"receipt code is ([0-9A-Z-]{19})", page).group(1)
    with app.app_context():
        # While the vote is open the ballots are sealed: no receipt or choice in the clear.
        assert db.session.scalars(sa.select(Ballot).where(Ballot.vote_id == vote_id)).all() == []
        sealed = db.session.scalars(
            sa.select(SealedBallot.sealed).where(SealedBallot.vote_id == vote_id)
        ).all()
        assert len(sealed) == 4
        assert not any(receipt.encode() in blob for blob in sealed for receipt in receipts.values())

    before_close = app.test_client().get(f"/api/v1/verify/{receipts['Hamburg']}").get_json()
    assert before_close["vote"] == vote_id and before_close["choice"] is None

    officer.post(f"/votes/{vote_id}/close")
    body = app.test_client().get(f"/api/v1/votes/{vote_id}").get_json()
    assert "roll_call" not in body
    assert sorted(b["receipt"] for b in body["ballots"]) == sorted(receipts.values())
    assert all(set(b) == {"receipt", "choice"} for b in body["ballots"])
    checked = app.test_client().get(f"/verify/{receipts['Hamburg'].lower()}")
    assert checked.status_code == 200 and "The ballot reads: No" in checked.get_data(as_text=True)
    assert app.test_client().get("/verify/0000-0000-0000-0000").status_code == 404
    assert app.test_client().get("/api/v1/verify/0000-0000-0000-0000").status_code == 404


def test_one_ballot_per_city_is_a_database_constraint(app, council):
    from network.votes.models import Participation

    officer = council["secretariat"]
    vote_id = put_to_vote(officer, draft_with_articles(officer))
    vote(council["Seoul"], vote_id, "yes")
    with app.app_context():
        first = db.session.scalars(sa.select(Participation)).one()
        db.session.add(
            Participation(
                vote_id=first.vote_id,
                city_id=first.city_id,
                cast_at=first.cast_at,
                cast_by_id=first.cast_by_id,
            )
        )
        with pytest.raises(sa.exc.IntegrityError):
            db.session.flush()
        db.session.rollback()


@pytest.mark.parametrize("choice", ["", "maybe", "yes'--"])
def test_an_invalid_ballot_is_refused_and_writes_nothing(council, ledger, choice):
    officer = council["secretariat"]
    vote_id = put_to_vote(officer, draft_with_articles(officer))
    before = ledger.snapshot() | {"ballots": ledger.count(Ballot)}
    response = vote(council["Seoul"], vote_id, choice)
    assert response.status_code == 422
    assert ledger.snapshot() | {"ballots": ledger.count(Ballot)} == before


def test_drafts_change_only_while_drafts(council):
    officer = council["secretariat"]
    number = draft_with_articles(officer)
    put_to_vote(officer, number)
    response = officer.post(
        f"/secretariat/charter/{number}/articles/new",
        data={"number": 9, "texts-0-language": "en", "texts-0-title": "Late", "texts-0-body": "x"},
    )
    assert response.status_code == 422
    assert "Only a draft can be changed." in response.get_data(as_text=True)


def test_a_draft_without_articles_cannot_be_put_to_the_vote(council, ledger):
    officer = council["secretariat"]
    number = int(officer.post("/secretariat/charter/drafts").location.split("/")[-1])
    before = ledger.count(Vote)
    response = officer.post(f"/secretariat/charter/{number}/vote", data={"secrecy": "recorded"})
    assert response.status_code == 422
    assert "at least one article" in response.get_data(as_text=True)
    assert ledger.count(Vote) == before


def test_a_vote_set_to_open_later_takes_no_ballot_until_then(app, council):
    officer = council["secretariat"]
    number = draft_with_articles(officer)
    start = datetime.now(UTC)
    vote_id = put_to_vote(
        officer,
        number,
        opens_at=(start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        closes_at=(start + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
    )
    assert app.test_client().get(f"/api/v1/votes/{vote_id}").get_json()["status"] == "pending"
    assert vote(council["Seoul"], vote_id, "yes").status_code == 409
    with time_machine.travel(start + timedelta(hours=2)):
        assert app.test_cli_runner().invoke(args=["network", "tick"]).exit_code == 0
        assert vote(council["Seoul"], vote_id, "yes").status_code == 302
