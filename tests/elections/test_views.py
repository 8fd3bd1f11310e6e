"""Election pages: rounds that name their result, the way to one's ballot, terms in time,
ranked ballots that rank nobody, ties no draw could change, and the demo's dates."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html import unescape

import pytest
import sqlalchemy as sa
import time_machine

from network.cities.models import MembershipStatus
from network.db import db
from network.votes import sealing
from network.votes.models import Ballot, SealedBallot, Vote
from network.votes.queries import vote_key
from tests.conftest import PASSWORD
from tests.elections.test_story import (
    CITIES,
    adopt_instant_runoff,
    cast,
    cast_ballot,
    close,
    election,
    open_election,
    option_ids,
    start_ballot,
)


@pytest.fixture
def council(make, as_user):
    """The election story's council, with Seoul's Korean name."""
    cities = {
        name: make.city(name, country="KR", names={"ko": "서울특별시"} if name == "Seoul" else None)
        for name in CITIES
    }
    suspended = make.city("Chefchaouen", country="MA", status=MembershipStatus.suspended)
    people = {name: as_user(make.delegate(city)) for name, city in cities.items()}
    people["secretariat"] = as_user(make.secretariat())
    people["Chefchaouen"] = as_user(make.delegate(suspended))
    return people


def page(client, url, **headers) -> str:
    return unescape(client.get(url, headers=headers).get_data(as_text=True))


def outcome(html: str) -> list[str]:
    """The summary line of each counted round, as text."""
    lines = re.findall(r'<p class="outcome[^"]*">(.*?)</p>', html)
    return [re.sub(r"<[^>]+>", "", line) for line in lines]


def test_each_round_names_its_result_in_the_readers_language(app, council):
    election_id = open_election(council["secretariat"])
    vote_id = start_ballot(
        app,
        council,
        election_id,
        [("Seoul", "seoul"), ("Hamburg", "hamburg"), ("London", "london")],
    )
    ballots = {"Seoul": "Seoul", "Vienna": "Seoul", "Hamburg": "Hamburg", "Milan": "Hamburg"}
    cast(app, council, vote_id, ballots | {"London": "London"})
    close(council, vote_id)
    runoff = election(app, election_id)["rounds"][1]["vote"]
    council["secretariat"].post(f"/votes/{runoff}/open")
    cast(app, council, runoff, ballots | {"London": "Seoul"})
    close(council, runoff)
    public = app.test_client()
    assert outcome(page(public, f"/elections/{election_id}")) == [
        "Runoff needed: Seoul, Hamburg",
        "Elected: Seoul",
    ]
    korean = page(public, f"/elections/{election_id}", **{"Accept-Language": "ko"})
    assert "서울특별시" in outcome(korean)[1]
    assert 'href="/cities/seoul">서울특별시</a>' in korean  # the winner, in the facts
    # The round's own page names the winner the same way.
    assert "서울특별시" in page(public, f"/votes/{runoff}", **{"Accept-Language": "ko"})


def test_the_election_page_leads_a_delegate_to_their_ballot(app, council):
    election_id = open_election(council["secretariat"])
    url = f"/elections/{election_id}"
    assert "Your city's ballot" not in page(council["Hamburg"], url)  # nominations: no ballot
    vote_id = start_ballot(app, council, election_id, [("Seoul", "seoul"), ("Hamburg", "hamburg")])
    button = f'<a class="button" href="/votes/{vote_id}/ballot">Cast your city\'s ballot</a>'
    assert button in page(council["Hamburg"], url)
    cast(app, council, vote_id, {"Hamburg": "Hamburg"})
    voted = page(council["Hamburg"], url)
    assert button not in voted and "Your city has voted in this round." in voted
    suspended = page(council["Chefchaouen"], url)
    assert button not in suspended and "Your city is suspended" in suspended
    assert "Your city's ballot" not in page(app.test_client(), url)
    close(council, vote_id)
    assert "Your city's ballot" not in page(council["London"], url)


@pytest.mark.parametrize(
    "ranks",
    [
        pytest.param({}, id="nothing"),
        pytest.param({"rank_999999": "1"}, id="only-an-unknown-candidate"),
        pytest.param("empty", id="every-candidate-left-out"),
    ],
)
def test_a_ranked_ballot_that_ranks_nobody_is_refused_unless_blank_is_chosen(
    app, council, ledger, ranks
):
    adopt_instant_runoff(app, council)
    election_id = open_election(council["secretariat"])
    vote_id = start_ballot(app, council, election_id, [("Seoul", "seoul"), ("Hamburg", "hamburg")])
    ids = option_ids(app, vote_id)
    if ranks == "empty":
        ranks = {f"rank_{option}": "" for option in ids.values()}
    before = ledger.audit_seq()
    for step in ("review", "confirm"):
        response = council["Vienna"].post(f"/votes/{vote_id}/ballot", data={**ranks, "step": step})
        assert response.status_code == 422
        assert "Rank at least one candidate, or choose a blank ballot." in response.text
    assert ledger.audit_seq() == before
    # Ranks and "blank" at once are refused too.
    both = cast_ballot(council["Vienna"], vote_id, blank="y", **{f"rank_{ids['Seoul']}": "1"})
    assert both.status_code == 422 and "A blank ballot ranks no candidate" in both.text
    # A blank ballot chosen explicitly is shown back, then cast.
    review = council["Vienna"].post(f"/votes/{vote_id}/ballot", data={"blank": "y"})
    assert "ballot: Blank ballot. It is final." in unescape(review.text)
    assert cast_ballot(council["Vienna"], vote_id, blank="y").status_code == 200
    with app.app_context():
        # The election is secret: the ballot is sealed until the count; opened, it is blank.
        vote = db.session.get(Vote, vote_id)
        sealed = db.session.scalars(
            sa.select(SealedBallot.sealed).where(SealedBallot.vote_id == vote_id)
        ).all()
        opened = [sealing.unseal(vote_key(vote), vote_id, blob)[1] for blob in sealed]
        assert opened == [[]]
        assert db.session.scalars(sa.select(Ballot).where(Ballot.vote_id == vote_id)).all() == []


def test_a_tie_no_draw_could_change_elects_without_a_draw(app, council):
    adopt_instant_runoff(app, council)
    election_id = open_election(council["secretariat"])
    vote_id = start_ballot(
        app,
        council,
        election_id,
        [("Seoul", "seoul"), ("Hamburg", "hamburg"), ("London", "london")],
    )
    ids = option_ids(app, vote_id)
    # Seoul 3, Hamburg 2, London 2, no second preferences: whichever of Hamburg and
    # London is eliminated, Seoul has 3 of the 5 ballots left.
    firsts = {"Seoul": "Seoul", "Vienna": "Seoul", "Milan": "Seoul"}
    firsts |= {"Hamburg": "Hamburg", "Marseille": "Hamburg"}
    firsts |= {"London": "London", "Johannesburg": "London"}
    for voter, first in firsts.items():
        assert (
            cast_ballot(council[voter], vote_id, **{f"rank_{ids[first]}": "1"}).status_code == 200
        )
    close(council, vote_id)
    result = election(app, election_id)
    assert result["status"] == "to-certify" and result["winner"] == "seoul"
    assert result["ties_settled"] == []
    vote_page = page(app.test_client(), f"/votes/{vote_id}")
    assert "Tied for elimination: Hamburg, London." in vote_page
    assert "Seoul is elected: no draw was needed." in vote_page


def certified(app, council, start="2019-01-01", end="2020-12-31") -> int:
    election_id = open_election(council["secretariat"], term_start=start, term_end=end)
    vote_id = start_ballot(app, council, election_id, [("Seoul", "seoul")])
    cast(app, council, vote_id, dict.fromkeys(["Seoul", "Milan", "London", "Vienna"], "Seoul"))
    close(council, vote_id)
    council["secretariat"].post(
        f"/secretariat/elections/{election_id}/certify", data={"password": PASSWORD}
    )
    assert election(app, election_id)["status"] == "certified"
    return election_id


@pytest.mark.parametrize(
    ("today", "says", "index"),
    [
        (
            datetime(2018, 12, 12, tzinfo=UTC),
            "takes office on Jan 1, 2019",
            "No city holds the chair at present. Seoul takes office as chair city on Jan 1, 2019.",
        ),
        (
            datetime(2020, 6, 1, tzinfo=UTC),
            "in office until Dec 31, 2020",
            "Chair city: Seoul, Jan 1, 2019 to Dec 31, 2020.",
        ),
        (
            datetime(2021, 1, 1, tzinfo=UTC),
            "the term ended on Dec 31, 2020",
            "No city holds the chair at present.",
        ),
    ],
)
def test_a_certified_election_says_where_its_term_stands(app, council, today, says, index):
    election_id = certified(app, council)
    public = app.test_client()
    with time_machine.travel(today):
        assert says in page(public, f"/elections/{election_id}")
        listing = page(public, "/elections/")
        assert f'<p class="lead">{index}</p>' in listing


def test_the_demo_elects_a_chair_for_a_term_that_includes_today(app, database):
    from network.common import clock
    from network.elections import queries, services
    from network.elections.models import Election, Office
    from network.votes import services as votes
    from tests.browser.world import _cast, _user

    assert app.test_cli_runner().invoke(args=["network", "seed-demo"]).exit_code == 0
    today = clock.today()
    with app.app_context():
        demo = db.session.scalar(sa.select(Election))
        assert demo.term_start == date(today.year, 1, 1) <= today <= demo.term_end
        assert demo.term_end == date(today.year + 1, 12, 31)  # the founding rules: two years
        first = demo.rounds[0].vote
        assert f"{today.year}-{today.year + 1}" in first.title
        seoul = dict.fromkeys(["seoul", "vienna", "london", "milan", "new-york"], "Seoul")
        _cast(first, seoul | {"hamburg": "Hamburg"})
        officer = _user("secretariat@example.org")
        votes.close_vote(first, actor=officer, now=clock.now())
        services.certify(demo, actor=officer, now=clock.now())
        db.session.commit()
        assert queries.holder(Office.chair, today).city.slug == "seoul"
    listing = page(app.test_client(), "/elections/")
    assert re.search(r"Chair city: Seoul, Jan 1, \d{4} to Dec 31, \d{4}\.", listing)
