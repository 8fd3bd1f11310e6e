"""Indicators and published values in the open-data API: paginated, filtered, as documented."""

from __future__ import annotations

from tests.api.test_openapi import check_against_document
from tests.indicators.conftest import HOURS, WAGE, enter, open_collection

API = "/api/v1/indicators"


def test_indicators_are_listed_with_their_definition_in_the_language_asked(app, people):
    client = app.test_client()
    answer = client.get(f"{API}?lang=ko").get_json()
    assert answer["total"] == 2 and [item["code"] for item in answer["items"]] == [WAGE, HOURS]
    wage, hours = answer["items"]
    assert (wage["name"], wage["language"]) == ("생활임금 적용률", "ko")
    assert (hours["language"], hours["unit"], hours["direction"]) == (
        "en",
        "hours-per-week",
        "lower",
    )
    assert hours["min_value"] == 20 and hours["max_value"] is None
    one = client.get(f"{API}/{WAGE}?lang=fr")
    assert one.headers["Content-Language"] == "en"  # no French text: the English one
    assert set(one.get_json()["texts"]) == {"en", "ko"}
    assert client.get(f"{API}/nothing").status_code == 404


def test_published_values_are_paged_and_filtered_by_city_and_year_drafts_never(app, people):
    with app.app_context():
        collection = open_collection(people)
        enter(collection, people.seoul, people.seoul_delegate, "61.5")
        enter(collection, people.seoul, people.seoul_delegate, "60", year=2023)
        enter(collection, people.hamburg, people.hamburg_delegate, "72")
        enter(collection, people.vienna, people.vienna_delegate, "40", publish=False)
        enter(collection, people.seoul, people.seoul_delegate, "62", reason="Corrected.")
    client = app.test_client()
    every = client.get(f"{API}/{WAGE}/values?lang=ko").get_json()
    assert every["total"] == 3
    assert [(i["year"], i["city"], i["value"]) for i in every["items"]] == [
        (2023, "seoul", 60),
        (2024, "hamburg", 72),
        (2024, "seoul", 62),
    ]
    latest = every["items"][2]
    assert (latest["version"], latest["reason"], latest["city_name"]) == (2, "Corrected.", "서울")
    assert latest["source"] == "City labour survey" and latest["collection"] == 2025
    page = client.get(f"{API}/{WAGE}/values?per_page=1&page=2").get_json()
    assert page["total"] == 3 and [i["city"] for i in page["items"]] == ["hamburg"]
    assert client.get(f"{API}/{WAGE}/values?city=seoul").get_json()["total"] == 2
    assert client.get(f"{API}/{WAGE}/values?year=2024").get_json()["total"] == 2
    assert client.get(f"{API}/{WAGE}/values?city=vienna").get_json()["total"] == 0
    assert client.get(f"{API}/{HOURS}/values").get_json()["total"] == 0
    assert client.get(f"{API}/{WAGE}/values?year=24").status_code == 400
    assert client.get(f"{API}/{WAGE}/values?per_page=500").status_code == 400
    assert client.get(f"{API}/nothing/values").status_code == 404


def test_every_answer_matches_the_openapi_document(app, people):
    with app.app_context():
        collection = open_collection(people)
        enter(collection, people.seoul, people.seoul_delegate, "61.5")
    client = app.test_client()
    document = client.get("/api/v1/openapi.json").get_json()
    for template, path in (
        (API, API),
        (API, f"{API}?page=0"),
        (f"{API}/{{code}}", f"{API}/{WAGE}"),
        (f"{API}/{{code}}", f"{API}/nothing"),
        (f"{API}/{{code}}/values", f"{API}/{WAGE}/values"),
        (f"{API}/{{code}}/values", f"{API}/{WAGE}/values?year=2024&city=seoul"),
        (f"{API}/{{code}}/values", f"{API}/{WAGE}/values?year=x"),
        (f"{API}/{{code}}/values", f"{API}/nothing/values"),
    ):
        check_against_document(document, template, client.get(path))


def test_a_city_filter_that_is_no_slug_is_refused_with_a_message(app, people):
    client = app.test_client()
    for path in (f"/api/v1/indicators/{WAGE}/values", "/api/v1/practices"):
        refused = client.get(path, query_string={"city": "Seoul City"})
        assert refused.status_code == 400, path
        assert "“city” must be a city's slug" in refused.get_json()["error"]["message"]
        assert client.get(path, query_string={"city": "seoul"}).status_code == 200
