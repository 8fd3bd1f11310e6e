"""A city is named in the reader's language, and its profile links to its other languages."""

from __future__ import annotations

import csv
import io
import re

import pytest

from network.cities.models import City, CityText
from network.db import db


@pytest.fixture
def seoul(app, make):
    city = make.city("Seoul", names={"ko": "서울특별시"})
    make.city("Hamburg", country="DE")
    with app.app_context():
        found = db.session.get(City, city.id)
        found.texts["ko"].profile = "서울은 2017년 좋은 일자리 포럼을 열었다."
        found.texts["en"] = CityText(language="en", profile="Seoul hosted the 2017 forum.")
        db.session.commit()
    return city


def test_the_directory_names_cities_in_the_readers_language(client, seoul):
    korean = client.get("/cities/", headers={"Accept-Language": "ko"}).text
    assert '<a href="/cities/seoul">서울특별시</a> <span lang="en">(Seoul)</span>' in korean
    assert '<a href="/cities/hamburg">Hamburg</a>' in korean  # no Korean name: English
    english = client.get("/cities/").text
    assert '<a href="/cities/seoul">Seoul</a>' in english and "서울특별시" not in english
    assert 'data-label="Country"' in english and 'class="badge badge-member"' in english
    # The download link asks for the names the reader sees.
    assert "/cities/export.csv?lang=ko" in korean


def test_the_city_page_is_headed_in_the_readers_language(client, seoul):
    korean = client.get("/cities/seoul", headers={"Accept-Language": "ko"}).text
    assert '<h1>서울특별시 <span lang="en">· Seoul</span></h1>' in korean
    assert "<title>서울특별시 ·" in korean
    trail = re.search(r'<nav class="breadcrumbs".*?</nav>', korean, re.S)[0]
    assert 'href="/cities/"' in trail and "서울특별시" in trail
    assert "<h1>Seoul</h1>" in client.get("/cities/seoul").text


def test_the_profile_links_to_its_other_languages_without_changing_the_interface(client, seoul):
    english = client.get("/cities/seoul").text
    assert "Seoul hosted the 2017 forum." in english
    assert '<a href="/cities/seoul?lang=ko#profile-heading" hreflang="ko">Korean</a>' in english
    asked = client.get("/cities/seoul?lang=ko").text
    assert '<html lang="en">' in asked and ">Profile</h2>" in asked  # the interface stays
    assert '<p lang="ko" dir="ltr">서울은 2017년 좋은 일자리 포럼을 열었다.</p>' in asked
    assert "there is no profile in your language" not in asked
    assert 'href="/cities/seoul?lang=en#profile-heading"' in asked
    # A language the profile is not written in is ignored.
    assert "Seoul hosted the 2017 forum." in client.get("/cities/seoul?lang=fr").text


def test_the_export_names_cities_in_the_language_asked_for(client, seoul):
    plain = list(csv.reader(io.StringIO(client.get("/cities/export.csv").text)))
    assert plain[0] == ["slug", "name", "country", "region", "status", "joined_on", "website"]
    rows = list(csv.DictReader(io.StringIO(client.get("/cities/export.csv?lang=ko").text)))
    assert list(rows[0])[:3] == ["slug", "name", "local_name"]
    assert {row["slug"]: row["local_name"] for row in rows} == {
        "hamburg": "Hamburg",
        "seoul": "서울특별시",
    }
    ignored = list(csv.reader(io.StringIO(client.get("/cities/export.csv?lang=!!").text)))
    assert ignored[0] == plain[0]


def test_the_api_gives_the_name_in_the_language_asked_for(client, seoul):
    items = client.get("/api/v1/cities?lang=ko").get_json()["items"]
    assert {c["slug"]: (c["name"], c["local_name"]) for c in items} == {
        "hamburg": ("Hamburg", "Hamburg"),
        "seoul": ("Seoul", "서울특별시"),
    }
    assert client.get("/api/v1/cities/seoul?lang=ko").get_json()["local_name"] == "서울특별시"
    assert client.get("/api/v1/cities/seoul").get_json()["local_name"] == "Seoul"
    korean_reader = client.get("/api/v1/cities/seoul", headers={"Accept-Language": "ko"})
    assert korean_reader.get_json()["local_name"] == "서울특별시"
    assert client.get("/api/v1/cities/seoul?lang=%3Cb%3E").status_code == 400
