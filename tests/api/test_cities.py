"""``/api/v1/cities`` and ``/api/v1/cities/<slug>`` as the spec's API contract says."""

from __future__ import annotations

import pytest

from network.cities.models import MembershipStatus, Region

SUMMARY_FIELDS = {"slug", "name", "country", "region", "status", "joined_on", "url"}


@pytest.fixture
def cities(make):
    return [
        make.city("Seoul", country="KR", names={"ko": "서울특별시"}),
        make.city(
            "Hamburg",
            country="DE",
            region=Region.europe_central_asia,
            names={"de": "Hamburg", "ko": "함부르크"},
        ),
        make.city("Vienna", country="AT", region=Region.europe_central_asia, names={"de": "Wien"}),
        make.city(
            "Setagaya", country="JP", status=MembershipStatus.applicant, names={"ja": "世田谷区"}
        ),
    ]


def test_list_envelope_and_fields(client, cities):
    body = client.get("/api/v1/cities").get_json()
    assert set(body) >= {"items", "page", "per_page", "total"}
    assert (body["page"], body["per_page"], body["total"]) == (1, 50, 4)
    assert [item["slug"] for item in body["items"]] == ["hamburg", "seoul", "setagaya", "vienna"]
    seoul = body["items"][1]
    assert set(seoul) >= SUMMARY_FIELDS
    assert seoul == seoul | {
        "name": "Seoul",
        "country": "KR",
        "region": "asia-pacific",
        "status": "member",
        "joined_on": "2018-12-12",
    }
    assert seoul["url"].endswith("/cities/seoul")
    assert body["items"][2]["joined_on"] is None  # an applicant has not joined


@pytest.mark.parametrize(
    ("query", "slugs"),
    [
        ("region=europe-central-asia", ["hamburg", "vienna"]),
        ("country=de", ["hamburg"]),
        ("status=applicant", ["setagaya"]),
        ("q=wien", ["vienna"]),
        ("q=서울", ["seoul"]),
        ("q=世田谷", ["setagaya"]),
        ("q=HAM", ["hamburg"]),
        ("q=%25", []),  # a LIKE wildcard is searched for literally
        ("region=europe-central-asia&q=ham", ["hamburg"]),
    ],
)
def test_filters_and_search(client, cities, query, slugs):
    body = client.get(f"/api/v1/cities?{query}").get_json()
    assert [item["slug"] for item in body["items"]] == slugs
    assert body["total"] == len(slugs)


def test_pagination(client, cities):
    first = client.get("/api/v1/cities?per_page=3").get_json()
    second = client.get("/api/v1/cities?per_page=3&page=2").get_json()
    assert len(first["items"]) == 3 and len(second["items"]) == 1
    assert first["total"] == second["total"] == 4
    assert client.get("/api/v1/cities?page=9").get_json()["items"] == []


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=-1",
        "page=x",
        "per_page=0",
        "per_page=201",
        "per_page=1e3",
        "region=mars",
        "status=king",
        "country=KOR",
        "country=1",
    ],
)
def test_bad_parameters_get_a_400_json_error(client, cities, query):
    response = client.get(f"/api/v1/cities?{query}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "bad_request" and error["message"]


def test_per_page_up_to_200_is_accepted(client, cities):
    assert client.get("/api/v1/cities?per_page=200").get_json()["per_page"] == 200


def test_city_detail(client, cities, make):
    make.delegate(cities[1], name="Hamburg Delegate")
    make.delegate(cities[1], name="Not Yet Accepted", password=None)
    make.delegate(cities[1], name="Deactivated", active=False)
    body = client.get("/api/v1/cities/hamburg").get_json()
    assert set(body) >= SUMMARY_FIELDS | {
        "names",
        "website",
        "profile",
        "delegates",
        "declarations_signed",
        "chair_terms",
    }
    assert body["names"] == {"en": "Hamburg", "de": "Hamburg", "ko": "함부르크"}
    assert body["delegates"] == ["Hamburg Delegate"]
    assert body["status_history"][0]["to"] == "member"


def test_unknown_city_is_a_404_json_error(client, cities):
    response = client.get("/api/v1/cities/atlantis")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_unknown_api_route_is_a_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json() == {
        "error": {"code": "not_found", "message": "Nothing was found at this address."}
    }


def test_audit_head(client, cities):
    body = client.get("/api/v1/audit/head").get_json()
    assert set(body) == {"seq", "hash"} and len(body["hash"]) == 64


def test_the_api_is_throttled_with_a_json_429(app, client, cities, rate_limits, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3 per minute")
    for _ in range(3):
        assert client.get("/api/v1/cities").status_code == 200
    response = client.get("/api/v1/cities")
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "too_many_requests"
    assert client.get("/cities/").status_code == 200  # pages are not the API
