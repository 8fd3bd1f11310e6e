"""The public directory and city pages."""

from __future__ import annotations

import csv
import io

import pytest

from network.cities.models import MembershipStatus, Region


@pytest.fixture
def cities(make):
    return [
        make.city("Seoul", country="KR", names={"ko": "서울특별시"}),
        make.city("Hamburg", country="DE", region=Region.europe_central_asia),
        make.city("Vienna", country="AT", region=Region.europe_central_asia, names={"de": "Wien"}),
        make.city("Setagaya", country="JP", status=MembershipStatus.applicant),
    ]


def rows_of(html: str) -> list[str]:
    return [name for name in ("Hamburg", "Seoul", "Setagaya", "Vienna") if f">{name}</a>" in html]


def test_directory_lists_every_city_with_its_status(client, cities):
    html = client.get("/cities/").get_data(as_text=True)
    assert rows_of(html) == ["Hamburg", "Seoul", "Setagaya", "Vienna"]
    assert "4 cities found" in html
    assert "Applicant" in html and "Member" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("region=europe-central-asia", ["Hamburg", "Vienna"]),
        ("country=AT", ["Vienna"]),
        ("status=applicant", ["Setagaya"]),
        ("q=wien", ["Vienna"]),
        ("q=서울", ["Seoul"]),
        ("q=nowhere", []),
        ("region=mars", ["Hamburg", "Seoul", "Setagaya", "Vienna"]),
    ],
)
def test_directory_filters(client, cities, query, expected):
    html = client.get(f"/cities/?{query}").get_data(as_text=True)
    assert rows_of(html) == expected


def test_search_ignores_case_beyond_ascii_in_every_language(client, make):
    make.city("Évry-Courcouronnes", country="FR", names={"fr": "ÉVRY", "el": "ΕΒΡΥ"})
    make.city("Seoul", country="KR", names={"ko": "서울특별시"})
    for term in ("évry", "ÉVRY-courcouronnes", "εβρυ", "  Évry  ", "특별"):
        html = client.get("/cities/", query_string={"q": term}).get_data(as_text=True)
        expected = "Seoul" if term == "특별" else "Évry-Courcouronnes"
        assert f">{expected}</a>" in html, term
        assert "1 city found" in html, term
    assert "0 cities found" in client.get("/cities/?q=%25").get_data(as_text=True)


@pytest.mark.parametrize(
    "path", ["/cities/", "/resolutions/", "/api/v1/cities", "/api/v1/resolutions"]
)
def test_a_search_with_control_characters_searches_for_the_rest(client, make, path):
    """PostgreSQL refuses NUL in text: the search drops control characters, not the page."""
    make.city("Seoul", country="KR")
    response = client.get(path, query_string={"q": "\x00Seo\x07ul\x1b"})
    assert response.status_code == 200
    if path == "/cities/":
        assert ">Seoul</a>" in response.text and "1 city found" in response.text
    if path == "/api/v1/cities":
        assert [city["slug"] for city in response.get_json()["items"]] == ["seoul"]
    assert client.get(path, query_string={"q": "\x00"}).status_code == 200


def test_the_country_filter_lists_countries_by_name_in_the_readers_language(client, make):
    for name, country in (("Vienna", "AT"), ("Hamburg", "DE"), ("Osaka", "JP"), ("Busan", "KR")):
        make.city(name, country=country)

    def options(language: str) -> list[str]:
        html = client.get("/cities/", headers={"Accept-Language": language}).text
        select = html.split('<select id="country"', 1)[1].split("</select>", 1)[0]
        return [part.split('"', 1)[0] for part in select.split('<option value="')[2:]]

    assert options("en") == ["AT", "DE", "JP", "KR"]  # Austria, Germany, Japan, South Korea
    assert options("fr") == ["DE", "AT", "KR", "JP"]  # Allemagne, Autriche, Corée du Sud, Japon
    assert options("es") == ["DE", "AT", "KR", "JP"]  # Alemania, Austria, Corea del Sur, Japón


def test_directory_paginates(client, make, app, monkeypatch):
    monkeypatch.setitem(app.config, "DIRECTORY_PER_PAGE", 2)
    for name in ("Aa", "Bb", "Cc", "Dd", "Ee"):
        make.city(name, country="FR", region=Region.europe_central_asia)
    first = client.get("/cities/").get_data(as_text=True)
    third = client.get("/cities/?page=3").get_data(as_text=True)
    assert ">Aa</a>" in first and ">Cc</a>" not in first and "Page 1 of 3" in first
    assert ">Ee</a>" in third and ">Aa</a>" not in third
    assert client.get("/cities/?page=nonsense").status_code == 200


def test_local_name_follows_the_reader_language(client, cities):
    html = client.get("/cities/", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert "서울특별시" in html


def test_city_page(client, cities, make):
    make.delegate(cities[0], name="Park Seoul")
    html = client.get("/cities/seoul").get_data(as_text=True)
    assert "<h1>Seoul" in html and "Park Seoul" in html and "South Korea" in html
    assert "Membership history" in html


def test_unknown_city_page_is_404(client):
    response = client.get("/cities/atlantis")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_csv_export_matches_the_filters(client, cities):
    response = client.get("/cities/export.csv?region=europe-central-asia")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [row["slug"] for row in rows] == ["hamburg", "vienna"]
    assert rows[0]["joined_on"] == "2018-12-12"


def test_csv_export_neutralises_formulas(client, make):
    make.city('=HYPERLINK("http://evil")', slug="evil", country="FR")
    rows = list(csv.reader(io.StringIO(client.get("/cities/export.csv").get_data(as_text=True))))
    assert rows[1][1].startswith("'=")
