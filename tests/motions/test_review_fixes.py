"""Motion cases found in review: moot effects, in-session checks, no quorum, agendas."""

from __future__ import annotations

from tests.charter.test_story import draft_with_articles, put_to_vote
from tests.motions.test_story import ALL_YES, council, motion, propose, vote_on  # noqa: F401


def test_two_motions_on_the_same_city_cannot_be_voted_at_once(app, council):  # noqa: F811
    first = propose(council["London"], kind="admission", city="setagaya", title="Admit")
    second = propose(council["Milan"], kind="admission", city="setagaya", title="Admit too")
    council["Seoul"].post(f"/motions/{first}/second")
    council["Seoul"].post(f"/motions/{second}/second")
    council["secretariat"].post(f"/motions/{first}/vote", data={"secrecy": "recorded"})
    response = council["secretariat"].post(f"/motions/{second}/vote", data={"secrecy": "recorded"})
    assert "Another motion on the same subject is being voted on." in council["secretariat"].get(
        response.location
    ).get_data(as_text=True)


def test_a_carried_suspension_of_an_already_suspended_city_still_closes(app, council):  # noqa: F811
    motion_id = propose(council["London"], kind="suspension", city="milan", title="Suspend")
    council["Vienna"].post(f"/motions/{motion_id}/second")
    response = council["secretariat"].post(
        f"/motions/{motion_id}/vote", data={"secrecy": "recorded"}
    )
    vote_id = response.location.rstrip("/").split("/")[-1]
    for city in ("Seoul", "Hamburg", "London", "Vienna"):
        council[city].post(f"/votes/{vote_id}/ballot", data={"choice": "yes", "step": "confirm"})
    council["secretariat"].post(
        "/secretariat/cities/milan/status",
        data={"status": "suspended", "effective_on": "2026-01-01", "reason": "Letter"},
    )
    council["secretariat"].post(f"/votes/{vote_id}/close")
    assert app.test_client().get(f"/api/v1/votes/{vote_id}").get_json()["status"] == "closed"
    assert "Carried" in motion(app, motion_id)


def test_a_motion_whose_vote_misses_quorum_waits_to_be_voted_again(app, council):  # noqa: F811
    motion_id = propose(council["Seoul"])
    council["Hamburg"].post(f"/motions/{motion_id}/second")
    vote_on(app, council, motion_id, {"Seoul": "yes"})
    assert "Seconded" in motion(app, motion_id)
    vote_on(app, council, motion_id, ALL_YES)
    assert "Carried" in motion(app, motion_id)


def test_in_session_decisions_check_the_subject_and_the_date(app, council, ledger):  # noqa: F811
    officer = council["secretariat"]
    number = draft_with_articles(officer)
    vote_id = put_to_vote(officer, number)
    for city in ALL_YES:
        council[city].post(f"/votes/{vote_id}/ballot", data={"choice": "yes", "step": "confirm"})
    officer.post(f"/votes/{vote_id}/close")  # version adopted by its own vote
    past = officer.post(
        "/meetings/new",
        data={
            "title": "Past",
            "starts_at": "2018-12-12T13:30",
            "ends_at": "2018-12-12T15:30",
            "place": "Seoul",
        },
    ).location
    future = officer.post(
        "/meetings/new",
        data={
            "title": "Future",
            "starts_at": "2099-12-12T13:30",
            "ends_at": "2099-12-12T15:30",
            "place": "Seoul",
        },
    ).location
    before = ledger.audit_seq()
    response = officer.post(
        f"{future}/decisions", data={"title": "T", "text": "Text.", "method": "consensus"}
    )
    assert "only for a meeting that has taken place" in response.get_data(as_text=True)
    assert ledger.audit_seq() == before

    amendment = propose(council["Vienna"], kind="ordinary", title="Ordinary")
    council["Seoul"].post(f"/motions/{amendment}/second")
    council["secretariat"].post(f"/motions/{amendment}/withdraw")  # not the proposer: no effect
    council["Vienna"].post(f"/motions/{amendment}/withdraw")
    response = officer.post(
        f"{past}/items", data={"kind": "motion", "title": "Withdrawn one", "motion": str(amendment)}
    )
    assert response.status_code == 422
    assert "Only a motion still to be decided" in response.get_data(as_text=True)


def test_bad_meetings_are_refused(council, ledger):  # noqa: F811
    before = ledger.audit_seq()
    for data, message in [
        (
            {
                "title": "",
                "starts_at": "2018-12-12T13:30",
                "ends_at": "2018-12-12T15:30",
                "place": "Seoul",
            },
            "This field is required.",
        ),
        (
            {
                "title": "T",
                "starts_at": "12/12/2018",
                "ends_at": "2018-12-12T15:30",
                "place": "Seoul",
            },
            "Not a valid datetime value.",
        ),
        (
            {
                "title": "T" * 201,
                "starts_at": "2018-12-12T13:30",
                "ends_at": "2018-12-12T15:30",
                "place": "Seoul",
            },
            "Field cannot be longer than 200 characters.",
        ),
    ]:
        response = council["secretariat"].post("/meetings/new", data=data)
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert ledger.audit_seq() == before
