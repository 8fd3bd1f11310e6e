"""Public charter pages, comments and the difference between versions."""

from __future__ import annotations

import pytest

from tests.charter.test_story import RULES_V1, draft_with_articles, put_to_vote


@pytest.fixture
def people(make, as_user):
    city = make.city("Seoul")
    make.city("Hamburg", country="DE")
    return {
        "secretariat": as_user(make.secretariat()),
        "delegate": as_user(make.delegate(city)),
        "observer": as_user(make.observer()),
    }


def test_before_any_charter_the_founding_rules_are_shown(client):
    page = client.get("/charter/").get_data(as_text=True)
    assert "No charter has been adopted yet" in page
    assert "Two-thirds of votes cast" in page and "1/2 of the member cities" in page


def test_a_draft_is_for_logged_in_readers_only(client, people):
    number = draft_with_articles(people["secretariat"])
    assert client.get(f"/charter/versions/{number}").status_code == 404
    assert people["observer"].get(f"/charter/versions/{number}").status_code == 200
    link = f'href="/charter/versions/{number}"'
    assert link not in client.get("/charter/versions").get_data(as_text=True)
    assert link in people["delegate"].get("/charter/versions").get_data(as_text=True)
    put_to_vote(people["secretariat"], number)
    assert client.get(f"/charter/versions/{number}").status_code == 200
    assert link in client.get("/charter/versions").get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"body": ""}, "This field is required."),
        ({"body": "x" * 5001}, "Field cannot be longer than 5000 characters."),
        ({"body": "ok", "article": "99"}, "Not a valid choice."),
    ],
)
def test_bad_comments_are_refused(people, ledger, data, message):
    number = draft_with_articles(people["secretariat"])
    before = ledger.audit_seq()
    response = people["delegate"].post(f"/charter/versions/{number}/comments", data=data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert ledger.audit_seq() == before


def test_comments_close_with_the_draft(people):
    number = draft_with_articles(people["secretariat"])
    put_to_vote(people["secretariat"], number)
    response = people["delegate"].post(
        f"/charter/versions/{number}/comments", data={"body": "Too late?"}
    )
    assert response.status_code == 422
    assert "Only a draft can be changed." in response.get_data(as_text=True)


def test_only_one_version_is_voted_on_at_a_time(people, ledger):
    first = draft_with_articles(people["secretariat"])
    second = draft_with_articles(people["secretariat"])
    put_to_vote(people["secretariat"], first)
    before = ledger.audit_seq()
    response = people["secretariat"].post(
        f"/secretariat/charter/{second}/vote", data={"secrecy": "recorded"}
    )
    assert response.status_code == 422
    assert f"Version {first} is being voted on" in response.get_data(as_text=True)
    assert ledger.audit_seq() == before


def test_diff_between_versions(app, people, make, as_user):
    officer = people["secretariat"]
    first = draft_with_articles(officer, RULES_V1)
    vote_id = put_to_vote(officer, first)
    people["delegate"].post(f"/votes/{vote_id}/ballot", data={"choice": "yes", "step": "confirm"})
    officer.post(f"/votes/{vote_id}/close")
    second = int(officer.post("/secretariat/charter/drafts").location.split("/")[-1])
    officer.post(
        f"/secretariat/charter/{second}/articles/2",
        data={
            "number": 2,
            "texts-0-language": "en",
            "texts-0-title": "Membership",
            "texts-0-body": "Cities and regions that endorse the Seoul Declaration may join.",
        },
    )
    officer.post(f"/secretariat/charter/{second}/articles/1/delete")
    put_to_vote(officer, second)
    page = app.test_client().get(f"/charter/diff?from={first}&to={second}").get_data(as_text=True)
    assert "<ins>and regions</ins>" in page
    assert "removed" in page and "changed" in page


@pytest.mark.parametrize("query", ["", "?from=1", "?from=a&to=b", "?from=1&to=99"])
def test_diff_with_bad_parameters_is_refused_cleanly(client, people, query):
    draft_with_articles(people["secretariat"])
    assert client.get(f"/charter/diff{query}").status_code in (400, 404)


def test_verify_form_sends_to_the_code_page(client):
    response = client.get("/verify/?code=abcd efgh jkmn pqrs")
    assert response.status_code == 302 and response.location == "/verify/ABCD-EFGH-JKMN-PQRS"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"number": "0"}, "Number must be between 1 and 999."),
        ({"number": "1"}, "Article 1 exists already."),
        ({"texts-0-language": "xx-nonsense"}, "is not a language code."),
        ({"texts-0-body": ""}, "Give the language, the title and the text."),
        (
            {"texts-0-language": "", "texts-0-title": "", "texts-0-body": ""},
            "Write the article in at least one language.",
        ),
    ],
)
def test_bad_articles_are_refused(people, ledger, data, message):
    number = draft_with_articles(people["secretariat"])
    before = ledger.audit_seq()
    response = people["secretariat"].post(
        f"/secretariat/charter/{number}/articles/new",
        data={
            "number": "9",
            "texts-0-language": "en",
            "texts-0-title": "Seat",
            "texts-0-body": "Seoul.",
            **data,
        },
    )
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert ledger.audit_seq() == before
