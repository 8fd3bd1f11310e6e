"""The API's HTTP behaviour: methods, preconditions, parameters, languages, CORS, licence."""

from __future__ import annotations

from datetime import timedelta

import pytest
from markupsafe import escape
from werkzeug.http import http_date, parse_date

API = "/api/v1"
LICENSE_LINK = '<https://creativecommons.org/licenses/by/4.0/>; rel="license"'


@pytest.fixture
def demo(app, database):
    assert app.test_cli_runner().invoke(args=["network", "seed-demo"]).exit_code == 0


def error_code(response) -> str:
    return response.get_json()["error"]["code"]


def test_a_method_the_api_does_not_take_is_405_with_allow(client):
    response = client.post(f"{API}/cities")
    assert response.status_code == 405 and error_code(response) == "method_not_allowed"
    assert {"GET", "HEAD", "OPTIONS"} <= {m.strip() for m in response.headers["Allow"].split(",")}


def test_a_page_405_carries_allow_too(client):
    response = client.put("/cities/")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]


@pytest.mark.parametrize(
    ("url", "status"),
    [
        (f"{API}/cities/atlantis", 404),
        (f"{API}/cities?region=mars", 400),
        (f"{API}/cities?page=&page=abc", 400),
        (f"{API}/votes/999999", 404),
    ],
)
def test_if_none_match_star_does_not_hide_a_refusal(client, demo, url, status):
    response = client.get(url, headers={"If-None-Match": "*"})
    assert response.status_code == status and error_code(response)


def test_if_none_match_star_on_an_answer_that_exists_is_304(client, demo):
    response = client.get(f"{API}/cities/seoul", headers={"If-None-Match": "*"})
    assert response.status_code == 304 and response.get_data() == b""


@pytest.mark.parametrize(
    "query",
    [
        "country=",
        "page=&page=abc",
        "page=1&page=2",
        "region=",
        "per_page=",
        "lang=",
        "lang=en&lang=ko",
    ],
)
def test_empty_or_repeated_parameters_are_refused(client, demo, query):
    response = client.get(f"{API}/cities?{query}")
    assert response.status_code == 400 and error_code(response) == "bad_request"
    assert response.get_json()["error"]["message"]


def test_an_empty_search_is_no_search(client, demo):
    assert (
        client.get(f"{API}/cities?q=").get_json()["total"]
        == client.get(f"{API}/cities").get_json()["total"]
    )


def test_a_region_subtag_gives_that_language_not_the_authoritative_one(client, demo):
    korean = client.get(f"{API}/declarations/seoul-declaration-2017?lang=ko").get_json()
    assert korean["authoritative_language"] == "ko" and "en" in korean["languages"]
    response = client.get(f"{API}/declarations/seoul-declaration-2017?lang=en-US")
    assert response.status_code == 200
    english = response.get_json()
    assert english["language"] == "en"
    assert english["text"]["preamble"] != korean["text"]["preamble"]
    assert response.headers["Content-Language"] == "en"


def test_answers_say_their_language(client, demo):
    assert client.get(f"{API}/cities?lang=ko").headers["Content-Language"] == "ko"
    assert client.get(f"{API}/cities/seoul?lang=fr-CA").headers["Content-Language"] == "fr"
    # Without ?lang=, the interface's language (that of the error messages, too).
    answer = client.get(f"{API}/cities/atlantis", headers={"Accept-Language": "ko"})
    assert answer.headers["Content-Language"] == "ko"


def test_the_schema_says_which_languages_are_accepted(client, demo):
    document = client.get(f"{API}/openapi.json").get_json()
    schema = document["components"]["parameters"]["lang"]["schema"]
    assert "pattern" in schema and "en-US" in schema["examples"]
    # Every value the pattern allows is accepted: a language nothing is written in
    # (found by schemathesis: ?lang=yes) gets the fallbacks, not a 400.
    unknown = client.get(f"{API}/cities/seoul?lang=yes")
    assert unknown.status_code == 200
    assert unknown.get_json()["local_name"] == "Seoul"
    assert unknown.headers["Content-Language"] == "en"
    declaration = client.get(f"{API}/declarations/seoul-declaration-2017?lang=tlh-Piqd")
    assert declaration.status_code == 200
    assert declaration.get_json()["language"] == declaration.get_json()["authoritative_language"]
    assert client.get(f"{API}/cities?lang=e").status_code == 400


def test_last_modified_and_if_modified_since(client, demo):
    first = client.get(f"{API}/cities")
    modified = parse_date(first.headers["Last-Modified"])
    assert first.status_code == 200 and modified is not None
    same = client.get(
        f"{API}/cities", headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    assert same.status_code == 304
    earlier = http_date(modified - timedelta(seconds=1))
    assert client.get(f"{API}/cities", headers={"If-Modified-Since": earlier}).status_code == 200
    # A precondition never turns a refusal into a 304.
    refused = client.get(
        f"{API}/cities/atlantis", headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    assert refused.status_code == 404


def test_no_retry_after_on_a_successful_answer(client, demo, rate_limits, app, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "2 per minute")
    answers = [client.get(f"{API}/audit/head") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert all("Retry-After" not in a.headers for a in answers[:2])
    assert int(answers[2].headers["Retry-After"]) > 0


def test_vote_options_name_their_city_as_elections_do(client, demo):
    election = client.get(f"{API}/elections").get_json()["items"][0]
    vote = client.get(f"{API}/votes/{election['rounds'][0]['vote']}").get_json()
    assert {o["city"] for o in vote["options"]} == set(election["rounds"][0]["candidates"])


@pytest.mark.parametrize("query", ["region=nowhere", "status=gone", "country=KOR"])
def test_a_bad_filter_on_the_directory_export_is_400(client, demo, query):
    assert client.get(f"/cities/export.csv?{query}").status_code == 400


def test_the_directory_export_still_filters(client, demo):
    response = client.get("/cities/export.csv?region=asia-pacific&country=kr")
    assert response.status_code == 200 and "seoul" in response.get_data(as_text=True)


def test_api_answers_are_open_to_other_sites_for_reading(client, demo):
    response = client.get(f"{API}/cities", headers={"Origin": "https://partner.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_a_cors_preflight_is_answered(client, demo):
    response = client.options(
        f"{API}/declarations/seoul-declaration-2017",
        headers={
            "Origin": "https://partner.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]
    assert "POST" not in response.headers["Access-Control-Allow-Methods"]
    assert "If-None-Match" in response.headers["Access-Control-Allow-Headers"]


@pytest.mark.parametrize("url", ["/", "/cities/", "/login", "/cities/export.csv"])
def test_pages_are_never_open_to_other_sites(client, demo, url):
    for response in (
        client.get(url, headers={"Origin": "https://evil.example"}),
        client.options(
            url,
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
        ),
    ):
        assert not any(h.lower().startswith("access-control-") for h in response.headers.keys())


def test_api_answers_carry_the_data_licence(client, demo):
    for url in (f"{API}/cities", f"{API}/cities/atlantis", f"{API}/openapi.json"):
        assert client.get(url).headers["Link"] == LICENSE_LINK
    document = client.get(f"{API}/openapi.json").get_json()
    assert document["info"]["license"]["identifier"] == "CC-BY-4.0"


def test_the_index_lists_every_documented_route(client, demo):
    index = client.get(f"{API}/").get_json()
    document = client.get(f"{API}/openapi.json").get_json()
    assert sorted(e["path"] for e in index["endpoints"]) == sorted(document["paths"])
    assert index["documentation"].endswith("/open-data")


def test_the_documentation_page_is_rendered_from_the_document(client, demo):
    page = client.get("/open-data", headers={"Accept-Language": "ko"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<script src="http' not in html
    document = client.get(f"{API}/openapi.json").get_json()
    for path, operations in document["paths"].items():
        assert f"GET {path}" in html
        assert escape(operations["get"]["summary"]) in html
    assert "per_page" in html and "creativecommons.org/licenses/by/4.0/" in html


def test_every_page_links_to_the_documentation_and_the_data_licence(client, demo):
    html = client.get("/cities/").get_data(as_text=True)
    assert 'href="/open-data"' in html
    assert 'href="https://creativecommons.org/licenses/by/4.0/" rel="license"' in html
