"""The ballot's journey through HTTP: choose, review, confirm; why a city cannot vote;
closing early; what a closed vote's page names."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
import sqlalchemy as sa
import time_machine

from network.cities.models import MembershipStatus
from network.db import db
from network.votes.models import Ballot, Participation, SealedBallot
from tests.charter.test_story import draft_with_articles, put_to_vote
from tests.conftest import statements_during

CITIES = ["Seoul", "Hamburg", "London", "Vienna", "Milan"]


@pytest.fixture
def council(make, as_user):
    """Five member cities (Seoul with its Korean name), a suspended and an applicant city."""
    cities = {
        name: make.city(name, country="KR", names={"ko": "서울특별시"} if name == "Seoul" else None)
        for name in CITIES
    }
    suspended = make.city("Chefchaouen", country="MA", status=MembershipStatus.suspended)
    applicant = make.city("Setagaya", country="JP", status=MembershipStatus.applicant)
    people = {name: make.delegate(city, name=f"{name} Delegate") for name, city in cities.items()}
    people.update(
        {
            "seoul-2": make.delegate(cities["Seoul"], name="Second Seoul Delegate"),
            "chefchaouen": make.delegate(suspended),
            "setagaya": make.delegate(applicant),
            "secretariat": make.secretariat(name="Officer"),
        }
    )
    clients = {key: as_user(user) for key, user in people.items()}
    clients["make"] = make  # to add a city after the vote opened
    clients["as_user"] = as_user
    return clients


def charter_vote(council, secrecy="recorded", **data) -> int:
    officer = council["secretariat"]
    return put_to_vote(officer, draft_with_articles(officer), secrecy=secrecy, **data)


def ballot(client, vote_id, step=None, **data):
    return client.post(
        f"/votes/{vote_id}/ballot", data={**data, **({"step": step} if step else {})}
    )


def written(app, vote_id) -> tuple[int, int]:
    """Count the vote's participations and ballots (sealed ones too, while it is open)."""
    with app.app_context():
        count = sa.select(sa.func.count())
        return (
            db.session.scalar(
                count.select_from(Participation).where(Participation.vote_id == vote_id)
            ),
            db.session.scalar(count.select_from(Ballot).where(Ballot.vote_id == vote_id))
            + db.session.scalar(
                count.select_from(SealedBallot).where(SealedBallot.vote_id == vote_id)
            ),
        )


# --- the ballot form ---------------------------------------------------------------------


def test_the_ballot_names_what_is_decided_and_offers_yes_no_abstain(council):
    vote_id = charter_vote(council)
    page = council["Seoul"].get(f"/votes/{vote_id}/ballot")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert re.search(r'<a href="/charter/versions/\d+">Adoption of the council charter', html)
    assert "Yes / no / abstain" in html
    assert [m for m in re.findall(r'name="choice"[^>]*value="(\w+)"', html)] == [
        "yes",
        "no",
        "abstain",
    ]
    assert 'aria-current="page">Ballot</span>' in html  # the breadcrumb's last step


@pytest.mark.parametrize("step", [None, "review"])
def test_the_first_post_only_shows_the_choice_back(app, council, ledger, step):
    vote_id = charter_vote(council)
    before = ledger.audit_seq()
    response = ballot(council["Seoul"], vote_id, step, choice="no")
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "You are about to cast Seoul's ballot: No. It is final." in html
    assert '<input type="hidden" name="choice" value="no">' in html
    assert 'name="step" value="confirm"' in html and 'name="step" value="change"' in html
    assert ledger.audit_seq() == before and written(app, vote_id) == (0, 0)


def test_change_goes_back_to_the_form_with_the_choice_made(app, council):
    vote_id = charter_vote(council)
    response = ballot(council["Seoul"], vote_id, "change", choice="abstain")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r'<input checked[^>]*name="choice"[^>]*value="abstain"', html)
    assert len(re.findall(r"<input checked", html)) == 1
    assert written(app, vote_id) == (0, 0)


@pytest.mark.parametrize("data", [{"choice": "maybe"}, {}, {"choice": ""}])
def test_the_confirming_post_is_checked_again(app, council, ledger, data):
    vote_id = charter_vote(council)
    before = ledger.audit_seq()
    response = ballot(council["Seoul"], vote_id, "confirm", **data)
    assert response.status_code == 422
    assert 'class="error"' in response.get_data(as_text=True)
    assert ledger.audit_seq() == before and written(app, vote_id) == (0, 0)


def test_a_confirmed_recorded_ballot_is_cast_and_the_vote_page_says_how(app, council):
    vote_id = charter_vote(council)
    response = ballot(council["Seoul"], vote_id, "confirm", choice="yes")
    assert response.status_code == 302 and written(app, vote_id) == (1, 1)
    page = unescape(council["Seoul"].get(response.location).get_data(as_text=True))
    assert "Your city's ballot is cast." in page
    assert "Your city voted: Yes" in page and "Cast by Seoul Delegate" in page
    # Another delegate of the city is told too, and offered no ballot.
    other = unescape(council["seoul-2"].get(f"/votes/{vote_id}").get_data(as_text=True))
    assert "Your city voted: Yes" in other and "Cast your city's ballot" not in other
    # A delegate of a city that has not voted is offered the ballot.
    assert "Cast your city's ballot" in unescape(council["Hamburg"].get(f"/votes/{vote_id}").text)


def test_a_secret_ballot_shows_its_receipt_once_and_never_in_the_cookie(app, council):
    vote_id = charter_vote(council, secrecy="secret")
    client = council["Seoul"]
    response = ballot(client, vote_id, "confirm", choice="yes")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and written(app, vote_id) == (1, 1)
    receipt = re.search(r"receipt code is ([0-9A-Z-]{19})", html).group(1)
    assert "This is the only time the code is shown" in html
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    session = app.session_interface.get_signing_serializer(app).loads(cookie.value)
    assert receipt not in repr(session)
    page = client.get(f"/votes/{vote_id}").get_data(as_text=True)
    assert "Your city has voted." in page and receipt not in page
    assert "its receipt code was shown once to Seoul Delegate" in page
    with app.app_context():
        # Sealed while the vote is open: the receipt is nowhere in the clear.
        assert db.session.scalar(sa.select(Ballot).where(Ballot.receipt == receipt)) is None
        sealed = db.session.scalars(sa.select(SealedBallot.sealed)).all()
        assert sealed and all(receipt.encode() not in blob for blob in sealed)


# --- a city that cannot vote is told why ---------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status", "reason"),
    [
        ("setagaya", 403, "Your city is not a member yet"),
        ("chefchaouen", 403, "Your city is suspended"),
        ("latecomer", 403, "Your city was not a member when this vote opened"),
        ("seoul-2", 409, "Your city has already voted in this vote."),
    ],
)
def test_a_city_that_cannot_vote_is_told_why_instead_of_shown_a_ballot(
    app, council, ledger, who, status, reason
):
    vote_id = charter_vote(council)
    assert ballot(council["Seoul"], vote_id, "confirm", choice="yes").status_code == 302
    if who == "latecomer":  # admitted after the vote opened: outside its electorate
        late = council["make"].city("Lyon", country="FR")
        council[who] = council["as_user"](council["make"].delegate(late))
    client = council[who]
    page = client.get(f"/votes/{vote_id}/ballot")
    html = unescape(page.get_data(as_text=True))
    assert page.status_code == status and reason in html
    assert 'name="choice"' not in html
    vote_page = unescape(client.get(f"/votes/{vote_id}").get_data(as_text=True))
    assert "Cast your city's ballot" not in vote_page
    if who != "seoul-2":
        assert reason in vote_page
    # The server still refuses the ballot itself.
    before = ledger.audit_seq()
    assert ballot(client, vote_id, "confirm", choice="no").status_code == status
    assert ledger.audit_seq() == before and written(app, vote_id) == (1, 1)


def test_a_closed_vote_offers_no_ballot(council):
    vote_id = charter_vote(council)
    council["secretariat"].post(f"/votes/{vote_id}/close")
    page = council["Hamburg"].get(f"/votes/{vote_id}/ballot")
    assert page.status_code == 409
    assert "This vote is not open for ballots." in page.get_data(as_text=True)


# --- closing -------------------------------------------------------------------------------


def test_closing_before_the_closing_time_asks_to_confirm_with_who_has_not_voted(app, council):
    closes = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    vote_id = charter_vote(council, closes_at=closes)
    for city in ("Seoul", "Hamburg"):
        ballot(council[city], vote_id, "confirm", choice="yes")
    officer = council["secretariat"]
    page = officer.get(f"/votes/{vote_id}").get_data(as_text=True)
    confirm_url = f"/votes/{vote_id}/close"
    assert f'<a class="button" href="{confirm_url}">Close the vote and publish the result' in page
    assert f'action="{confirm_url}"' not in page  # no one-click close
    confirm = officer.get(confirm_url)
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200
    assert "3 cities of the electorate have not voted yet." in html
    assert f'action="{confirm_url}"' in html and "Keep the vote open" in html
    assert officer.post(confirm_url).status_code == 302
    assert app.test_client().get(f"/api/v1/votes/{vote_id}").get_json()["status"] == "closed"


def test_closing_needs_no_confirmation_after_the_closing_time_or_when_all_voted(council):
    officer = council["secretariat"]
    every = charter_vote(council)
    for city in CITIES:  # all against: the next draft starts afresh
        ballot(council[city], every, "confirm", choice="no")
    page = officer.get(f"/votes/{every}").get_data(as_text=True)
    assert f'<form method="post" action="/votes/{every}/close">' in page
    officer.post(f"/votes/{every}/close")
    closes = datetime.now(UTC) + timedelta(days=3)
    vote_id = charter_vote(council, closes_at=closes.strftime("%Y-%m-%dT%H:%M"))
    with time_machine.travel(closes + timedelta(minutes=1)):
        page = officer.get(f"/votes/{vote_id}").get_data(as_text=True)
        assert f'<form method="post" action="/votes/{vote_id}/close">' in page


def test_the_confirm_page_of_a_closed_vote_goes_back_to_the_vote(council):
    vote_id = charter_vote(council)
    council["secretariat"].post(f"/votes/{vote_id}/close")
    response = council["secretariat"].get(f"/votes/{vote_id}/close")
    assert response.status_code == 302 and response.location.endswith(f"/votes/{vote_id}")


# --- a closed vote's page ------------------------------------------------------------------


def test_a_closed_vote_links_its_resolution_and_calls_every_city_of_the_electorate(app, council):
    vote_id = charter_vote(council)
    for city, choice in (("Seoul", "yes"), ("Hamburg", "yes"), ("London", "no")):
        ballot(council[city], vote_id, "confirm", choice=choice)
    council["secretariat"].post(f"/votes/{vote_id}/close")
    public = app.test_client()
    html = public.get(f"/votes/{vote_id}").get_data(as_text=True)
    number = app.test_client().get("/api/v1/charter").get_json()["resolution"]
    year, sequence = re.match(r"DWCN/RES/(\d+)/(\d+)", number).groups()
    assert f'<a href="/resolutions/{year}/{sequence}">{number}</a>' in html
    assert 'class="badge badge-carried">Carried</span>' in html
    rows = re.findall(r'<th scope="row" data-label="City"><a href="/cities/([\w-]+)">', html)
    assert sorted(rows) == sorted(city.lower() for city in CITIES)  # the electorate
    row = r'href="/cities/{}">[^<]+</a></th><td data-label="Vote">(.*?)</td>'
    assert re.search(row.format("london"), html).group(1) == "No"
    assert "did not vote" in re.search(row.format("milan"), html).group(1)
    korean = public.get(f"/votes/{vote_id}", headers={"Accept-Language": "ko"}).text
    assert 'href="/cities/seoul">서울특별시</a>' in korean


def test_the_roll_call_page_runs_as_many_statements_for_a_large_electorate(app, council, make):
    votes = []
    for more in (0, 30):
        for n in range(more):
            make.city(f"Town {n:02}", country="KR")
        vote_id = charter_vote(council)
        ballot(council["Seoul"], vote_id, "confirm", choice="yes")
        council["secretariat"].post(f"/votes/{vote_id}/close")
        votes.append(vote_id)
    public = app.test_client()
    counts = [statements_during(lambda v=v: public.get(f"/votes/{v}"))[0] for v in votes]
    assert counts[0] == counts[1]
    assert "Town 29" in public.get(f"/votes/{votes[1]}").text  # 36 cities, one page
