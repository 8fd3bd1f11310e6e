"""``/api/v1/motions`` and ``/api/v1/meetings``: what the council was asked and decided."""

from __future__ import annotations

import sqlalchemy as sa

from network.auth.models import User
from network.common import clock
from network.db import db
from network.motions import services as motion_services
from network.motions.models import Motion
from network.resolutions.models import Resolution

API = "/api/v1"


def _translate(app, motion_id: int) -> None:
    with app.app_context():
        motion = db.session.get(Motion, motion_id)
        author = db.session.scalar(sa.select(User).where(User.email == "seoul@example.org"))
        motion_services.save_translations(
            motion,
            [motion_services.TranslationEntry("ko", "서울 사무소 개소", "서울에 사무소를 연다.")],
            actor=author,
            now=clock.now(),
        )
        db.session.commit()


def test_a_motion_gives_its_cities_vote_and_resolution(app, client, open_world):
    body = client.get(f"{API}/motions/{open_world['motion']}").get_json()
    with app.app_context():
        resolution = db.session.scalar(
            sa.select(Resolution).where(Resolution.meeting_id == open_world["meeting"])
        )
        assert resolution is not None
        number = resolution.number
    assert body["status"] == "carried"
    assert body["kind"] == "ordinary"
    assert body["proposer_city"] == {"slug": "seoul", "name": "Seoul"}
    assert body["seconder_city"] == {"slug": "vienna", "name": "Vienna"}
    assert body["subject_city"] is None
    assert body["resolution"] == number
    assert body["meeting"] == open_world["meeting"]
    assert body["title"].startswith("Opening of the Decent Work City Network Seoul Office")
    assert body["language"] == body["authoritative_language"] == "en"


def test_a_motion_is_given_in_the_language_asked_else_the_original(app, client, open_world):
    motion_id = open_world["motion"]
    _translate(app, motion_id)
    korean = client.get(f"{API}/motions/{motion_id}?lang=ko-KR")
    assert korean.get_json()["title"] == "서울 사무소 개소"
    assert korean.get_json()["language"] == "ko"
    assert korean.get_json()["authoritative_language"] == "en"
    assert korean.get_json()["proposer_city"]["name"] == "서울특별시"
    assert korean.headers["Content-Language"] == "ko"
    french = client.get(f"{API}/motions/{motion_id}?lang=fr")
    assert french.get_json()["language"] == "en"
    assert french.headers["Content-Language"] == "en"


def test_motions_are_filtered_by_status_and_kind(client, open_world):
    carried = client.get(f"{API}/motions?status=carried").get_json()
    assert [m["id"] for m in carried["items"]] == [open_world["motion"]]
    assert carried["total"] == 1
    assert client.get(f"{API}/motions?status=proposed").get_json()["total"] == 0
    assert client.get(f"{API}/motions?kind=admission").get_json()["items"] == []
    refused = client.get(f"{API}/motions?status=maybe")
    assert refused.status_code == 400
    assert refused.get_json()["error"]["code"] == "bad_request"


def test_a_meeting_gives_its_agenda_decisions_and_resolutions(client, open_world):
    listed = client.get(f"{API}/meetings").get_json()
    assert [m["id"] for m in listed["items"]] == [open_world["meeting"]]
    body = client.get(f"{API}/meetings/{open_world['meeting']}").get_json()
    assert body["held_on"] == "2018-12-12"
    assert [item["position"] for item in body["agenda"]] == [1, 2, 3]
    assert [item["kind"] for item in body["agenda"]] == ["charter", "election", "motion"]
    assert body["agenda"][2]["motion"] == open_world["motion"]
    [decision] = body["decisions"]
    assert decision["method"] == "roll_call"
    assert {"city": "london", "choice": "no"} in decision["roll_call"]
    assert {"city": "seoul", "choice": "yes"} in decision["roll_call"]
    assert decision["result"]["outcome"] == "carried"
    assert [r["number"] for r in body["resolutions"]] == [decision["resolution"]]
    assert "attendance" not in body
    assert body["minutes"] is None  # none published
    # The demo's papers: the agenda (PDF) and the Seoul Declaration, Korean and English.
    papers = body["papers"]
    assert [(p["language"], p["media_type"]) for p in papers] == [
        ("en", "application/pdf"),
        ("ko", "text/plain"),
        ("en", "text/plain"),
    ]
    assert [p["agenda_item"] for p in papers] == [None, 1, 1]
    assert papers[2]["translation_of"] == papers[1]["id"]


def test_an_unknown_meeting_or_motion_is_a_404(client, open_world):
    assert client.get(f"{API}/meetings/999999").status_code == 404
    assert client.get(f"{API}/motions/999999").status_code == 404
