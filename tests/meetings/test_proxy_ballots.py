"""Ballots by proxy: in a vote opened at a meeting, a delegate of the city holding an
absent city's proxy casts that city's one ballot, shown in the roll call as such."""

from __future__ import annotations

import html

import pytest
import sqlalchemy as sa

from network.cities.models import City
from network.db import db
from network.votes.models import Ballot, Participation, SealedBallot
from tests.meetings.support import (
    add_motion,
    attendance_form,
    convene,
    open_item_vote,
    open_session,
)

CITIES = ["Seoul", "Hamburg", "London", "Vienna", "Milan"]


@pytest.fixture
def council(make, as_user):
    cities = {name: make.city(name) for name in CITIES}
    users = {
        name: make.delegate(city, name=f"{name} Delegate", signing_authority=True)
        for name, city in cities.items()
    }
    users["secretariat"] = make.secretariat()
    return {"users": users, "as": {k: as_user(u) for k, u in users.items()}}


def session_vote(app, council, *, secret: bool = False, present=("seoul", "london")) -> int:
    """Hamburg gives its proxy to Seoul; Seoul and London attend; a motion's vote opens."""
    users, people = council["users"], council["as"]
    meeting = convene(app, users["secretariat"])
    people["Hamburg"].post(f"/meetings/{meeting}/proxy", data={"holder": "seoul"})
    people["secretariat"].post(
        f"/meetings/{meeting}/attendance",
        data=attendance_form(app, dict.fromkeys(present, "in-room")),
    )
    add_motion(app, meeting, users["secretariat"], users["Seoul"], users["London"])
    open_session(app, meeting, users["secretariat"])
    return open_item_vote(app, meeting, users["secretariat"], secret=secret)


def text(response) -> str:
    """Return a page's text with its character references read (Bob's, not Bob&#39;s)."""
    return html.unescape(response.get_data(as_text=True))


def by_proxy(client, vote: int, giver: str, choice: str = "yes"):
    return client.post(
        f"/votes/{vote}/ballot/proxy/{giver}", data={"choice": choice, "step": "confirm"}
    )


def participation(app, vote: int, slug: str) -> Participation | None:
    with app.app_context():
        found = db.session.scalar(
            sa.select(Participation)
            .join(City, City.id == Participation.city_id)
            .where(Participation.vote_id == vote, City.slug == slug)
        )
        if found is not None:
            db.session.expunge(found)
        return found


def test_the_holder_casts_the_absent_citys_ballot_shown_in_the_roll_call(app, council, ledger):
    users, people = council["users"], council["as"]
    vote = session_vote(app, council)
    seoul = people["Seoul"]
    page = text(seoul.get(f"/votes/{vote}"))
    assert "Cast the ballot of Hamburg by proxy" in page
    assert "Cast your city's ballot" in page  # its own ballot is a separate one
    form = seoul.get(f"/votes/{vote}/ballot/proxy/hamburg")
    assert form.status_code == 200 and "by the proxy Seoul holds" in text(form)
    review = seoul.post(f"/votes/{vote}/ballot/proxy/hamburg", data={"choice": "no"})
    assert "You are about to cast Hamburg's ballot" in text(review)
    assert "By the proxy Seoul holds." in text(review)

    before = ledger.audit_seq()
    response = by_proxy(seoul, vote, "hamburg", "no")
    assert response.status_code == 302
    assert "Hamburg's ballot is cast by proxy." in text(seoul.get(response.location))
    [entry] = ledger.entries_since(before)
    assert entry.action == "vote.ballot_cast" and entry.actor_id == users["Seoul"].id
    assert entry.data == {"city": "hamburg", "proxy_held_by": "seoul"}
    cast = participation(app, vote, "hamburg")
    assert cast.cast_by_id == users["Seoul"].id
    with app.app_context():
        assert cast.proxy_holder_id == db.session.scalar(
            sa.select(City.id).where(City.slug == "seoul")
        )
    assert "Hamburg has voted. Its ballot was cast by your city's proxy." in text(
        seoul.get(f"/votes/{vote}")
    )

    # One ballot per city: neither the holder again nor Hamburg's own delegate.
    again = by_proxy(seoul, vote, "hamburg")
    assert again.status_code == 409 and "Hamburg has already voted in this vote." in text(again)
    own = people["Hamburg"].post(f"/votes/{vote}/ballot", data={"choice": "yes", "step": "confirm"})
    assert own.status_code == 409 and "Your city has already voted" in text(own)
    # Seoul's own ballot is its own.
    seoul.post(f"/votes/{vote}/ballot", data={"choice": "yes", "step": "confirm"})
    people["London"].post(f"/votes/{vote}/ballot", data={"choice": "yes", "step": "confirm"})
    assert participation(app, vote, "seoul").proxy_holder_id is None

    people["secretariat"].post(f"/votes/{vote}/close")
    page = text(app.test_client().get(f"/votes/{vote}"))
    assert "by proxy held by Seoul" in page
    assert page.count("by proxy held by") == 1


def test_others_cannot_cast_by_proxy(app, council, ledger):
    people = council["as"]
    vote = session_vote(app, council)
    before = ledger.audit_seq()
    london = by_proxy(people["London"], vote, "hamburg")
    assert london.status_code == 403
    assert "Only a delegate of Seoul, which holds the proxy, can cast Hamburg's" in text(london)
    vienna = by_proxy(people["Seoul"], vote, "vienna")
    assert vienna.status_code == 403
    assert "Vienna has given no proxy for this meeting, or has revoked it." in text(vienna)
    assert people["secretariat"].get(f"/votes/{vote}/ballot/proxy/hamburg").status_code == 403
    assert people["Seoul"].get(f"/votes/{vote}/ballot/proxy/nowhere").status_code == 404
    assert "Cast the ballot of" not in text(people["London"].get(f"/votes/{vote}"))
    assert ledger.audit_seq() == before
    assert participation(app, vote, "hamburg") is None


def test_a_revoked_proxy_cannot_be_used(app, council, ledger):
    users, people = council["users"], council["as"]
    meeting = convene(app, users["secretariat"])
    people["Vienna"].post(f"/meetings/{meeting}/proxy", data={"holder": "london"})
    people["Vienna"].post(f"/meetings/{meeting}/proxy/revoke")
    people["secretariat"].post(
        f"/meetings/{meeting}/attendance",
        data=attendance_form(app, {"seoul": "in-room", "london": "online", "milan": "in-room"}),
    )
    add_motion(app, meeting, users["secretariat"], users["Seoul"], users["London"])
    open_session(app, meeting, users["secretariat"])
    vote = open_item_vote(app, meeting, users["secretariat"])
    before = ledger.audit_seq()
    response = by_proxy(people["London"], vote, "vienna")
    assert response.status_code == 403
    assert "Vienna has given no proxy for this meeting, or has revoked it." in text(response)
    assert ledger.audit_seq() == before


def test_a_proxy_is_not_used_for_a_city_present_nor_by_a_city_absent(app, council, ledger):
    people = council["as"]
    # Hamburg is present after all: its own delegates vote.
    vote = session_vote(app, council, present=("seoul", "london", "hamburg"))
    response = by_proxy(people["Seoul"], vote, "hamburg")
    assert response.status_code == 409
    assert "Hamburg is present at the meeting: its own delegates cast its ballot" in text(response)
    assert "Cast the ballot of Hamburg" not in text(people["Seoul"].get(f"/votes/{vote}"))
    assert participation(app, vote, "hamburg") is None


def test_a_holder_not_present_cannot_use_the_proxy(app, council):
    vote = session_vote(app, council, present=("london", "milan"))
    response = by_proxy(council["as"]["Seoul"], vote, "hamburg")
    assert response.status_code == 409
    assert "Seoul is not recorded present at the meeting" in text(response)


def test_a_secret_ballot_by_proxy_keeps_its_secrecy(app, council, ledger):
    people = council["as"]
    vote = session_vote(app, council, secret=True)
    before = ledger.audit_seq()
    response = by_proxy(people["Seoul"], vote, "hamburg", "no")
    assert response.status_code == 200
    assert "Hamburg's ballot is cast by proxy" in text(response)
    [entry] = ledger.entries_since(before)
    assert entry.data == {"city": "hamburg", "proxy_held_by": "seoul"}  # no receipt, no choice
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Ballot)) == 0
        [sealed] = db.session.scalars(sa.select(SealedBallot)).all()
        assert b"no" not in sealed.sealed and b"hamburg" not in sealed.sealed
    receipt = text(response).split('<p class="receipt"><code>')[1].split("</code>")[0]
    people["secretariat"].post(f"/votes/{vote}/close")
    with app.app_context():
        ballot = db.session.get(Ballot, receipt)
        assert ballot.choice == "no" and ballot.city_id is None
    page = text(app.test_client().get(f"/votes/{vote}"))
    assert receipt in page and "by proxy held by" not in page
