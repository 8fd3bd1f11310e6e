"""Motions and the register name cities in the reader's language, and the pages have a trail."""

from __future__ import annotations

import re

import pytest

from network.cities.models import MembershipStatus
from tests.motions.test_story import CITIES, propose, vote_on

KOREAN = {"Seoul": "서울특별시", "Hamburg": "함부르크"}


@pytest.fixture
def council(make, as_user):
    cities = {
        name: make.city(name, names={"ko": KOREAN[name]} if name in KOREAN else None)
        for name in CITIES
    }
    make.city(
        "Setagaya", country="JP", status=MembershipStatus.applicant, names={"ko": "세타가야구"}
    )
    people = {name: as_user(make.delegate(city)) for name, city in cities.items()}
    people["secretariat"] = as_user(make.secretariat())
    return people


def korean(client, url: str) -> str:
    response = client.get(url, headers={"Accept-Language": "ko"})
    assert response.status_code == 200, url
    return response.text


def test_proposer_seconder_and_city_concerned_in_the_readers_language(app, council):
    motion_id = propose(
        council["Seoul"], kind="admission", city="setagaya", title="Admission of Setagaya"
    )
    council["Hamburg"].post(f"/motions/{motion_id}/second")
    public = app.test_client()
    page = korean(public, f"/motions/{motion_id}")
    assert "서울특별시" in page and "함부르크" in page and ">세타가야구</a>" in page
    assert ">Seoul<" not in page and "Hamburg ·" not in page
    assert "서울특별시" in korean(public, "/motions/")
    english = public.get(f"/motions/{motion_id}").text
    assert "Seoul ·" in english and "Hamburg ·" in english and ">Setagaya</a>" in english
    # The proposal form lists the cities in the reader's language too.
    form = council["London"].get("/motions/new", headers={"Accept-Language": "ko"}).text
    assert re.search(r'<option value="setagaya"[^>]*>세타가야구 \(', form)


def test_the_register_names_the_city_a_resolution_is_about(app, council):
    motion_id = propose(
        council["Seoul"], kind="admission", city="setagaya", title="Admission of Setagaya"
    )
    council["Hamburg"].post(f"/motions/{motion_id}/second")
    vote_on(app, council, motion_id, {name: "yes" for name in CITIES})
    public = app.test_client()
    register = korean(public, "/resolutions/")
    assert 'href="/cities/setagaya">세타가야구</a>' in register
    link = re.search(r'href="(/resolutions/\d+/\d+)"', register)[1]
    page = korean(public, link)
    assert 'href="/cities/setagaya">세타가야구</a>' in page
    assert f'href="/motions/{motion_id}"' in page
    assert 'class="breadcrumbs"' in page and 'href="/resolutions/"' in page
    english = public.get(link).text
    assert "City concerned" in english and ">Setagaya</a>" in english
    feed = korean(public, "/resolutions/feed.atom")
    assert "<summary>Admission of Setagaya · 세타가야구</summary>" in feed


def test_a_motion_page_has_a_trail_and_a_status_badge(app, council):
    motion_id = propose(council["Seoul"])
    page = app.test_client().get(f"/motions/{motion_id}").text
    trail = re.search(r'<nav class="breadcrumbs".*?</nav>', page, re.S)[0]
    assert 'href="/motions/"' in trail and 'aria-current="page"' in trail
    assert "Living wage for city contractors" in trail
    assert '<span class="badge badge-proposed">Awaiting a second</span>' in page
    listing = app.test_client().get("/motions/").text
    assert 'data-label="Proposed by"' in listing and "badge-proposed" in listing
