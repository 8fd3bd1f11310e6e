"""``/api/v1/openapi.json`` is a valid OpenAPI 3.1 document that describes every answer."""

from __future__ import annotations

import re

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

API = "/api/v1"
# Answers the world with a charter in force cannot give, checked by their own test.
ELSEWHERE = {f"{API}/charter": {404}}
# Documented routes outside /api/v1: the declaration page's JSON download.
OUTSIDE = {"/declarations/{slug}/signatures.json": {"get"}}


@pytest.fixture
def document(client, database):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def template_of(rule: str) -> str:
    """Turn a URL rule (``/votes/<int:vote_id>``) into an OpenAPI path (``/votes/{vote_id}``)."""
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def api_rules(app) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(API + "/"):
            found.setdefault(template_of(rule.rule), set()).update(
                method.lower() for method in rule.methods - {"HEAD", "OPTIONS"}
            )
    return found


def test_the_document_is_valid_openapi_3_1(document):
    validate(document)
    assert document["openapi"].startswith("3.1")


def test_every_api_route_is_documented_and_nothing_else(app, document):
    documented = {path: set(operations) for path, operations in document["paths"].items()}
    assert documented == api_rules(app) | OUTSIDE


def test_every_operation_documents_its_errors(document):
    error = {"$ref": "#/components/schemas/Error"}
    for path, operations in document["paths"].items():
        responses = operations["get"]["responses"]
        assert "200" in responses and "429" in responses, path
        for status in ("400", "404", "429"):
            if status in responses:
                assert responses[status]["content"]["application/json"]["schema"] == error
        if "{" in path:
            assert "404" in responses, path


def samples(world: dict) -> dict[str, list[str]]:
    """Requests for every API route: good ones, filtered, paged, unknown and malformed."""
    vote, election = world["charter_vote"], world["election"]
    return {
        "/cities": [
            "",
            "?region=europe-central-asia&status=member",
            "?country=kr&q=seo",
            "?page=2&per_page=3",
            "?per_page=201",
            "?region=mars",
            "?country=KOR",
            "?page=0",
            "?lang=ko",
            "?lang=%3Cscript%3E",
        ],
        "/cities/{slug}": ["/seoul", "/setagaya", "/atlantis", "/seoul?lang=ko", "/seoul?lang=!!"],
        "/charter": ["", "?lang=ko", "?lang=fr", "?lang=%3Cscript%3E"],
        "/charter/versions": ["", "?per_page=x"],
        "/votes/{vote_id}": [
            f"/{vote}",
            f"/{world['election_vote']}",
            "/999999",
        ],
        "/verify/{code}": [f"/{world['receipt']}", f"/{world['signature_code']}", "/NOPE-NOPE"],
        "/elections": ["", "?page=9", "?per_page=0"],
        "/elections/{election_id}": [f"/{election}", "/999999"],
        "/resolutions": ["", "?year=2018", "?kind=charter&q=charter", "?year=18", "?kind=x"],
        "/declarations": ["", "?lang=ko", "?lang=!!"],
        "/declarations/{slug}": [
            "/seoul-declaration-2017",
            "/seoul-declaration-2017?lang=ko",
            "/nothing-here",
            "/seoul-declaration-2017?lang=!!",
        ],
        "/declarations/{slug}/signatures": [
            "/seoul-declaration-2017",
            "/seoul-declaration-2017?per_page=2&page=2",
            "/seoul-declaration-2017?lang=ko",
            "/nothing-here",
            "/seoul-declaration-2017?page=-1",
            "/seoul-declaration-2017?lang=!!",
        ],
        "/declarations/{slug}/reports": [
            "/seoul-declaration-2017",
            "/seoul-declaration-2017?period=2019&lang=ko&per_page=1",
            "/nothing-here",
            "/seoul-declaration-2017?period=1999",
            "/seoul-declaration-2017?page=0",
        ],
        "/motions": [
            "",
            "?status=carried&kind=ordinary",
            "?status=proposed",
            "?lang=ko&per_page=1",
            "?status=maybe",
            "?kind=",
            "?lang=!!",
        ],
        "/motions/{motion_id}": [
            f"/{world['motion']}",
            f"/{world['motion']}?lang=fr",
            "/999999",
            f"/{world['motion']}?lang=!!",
        ],
        "/meetings": ["", "?page=2", "?per_page=0"],
        "/meetings/{meeting_id}": [f"/{world['meeting']}", "/999999"],
        "/meetings/{meeting_id}/minutes": [
            f"/{world['meeting']}",
            f"/{world['meeting']}?per_page=0",
            "/999999",
        ],
        "/declarations/{slug}/signatures.json": [
            "/seoul-declaration-2017",
            "/seoul-declaration-2017?per_page=2&page=2&lang=ko",
            "/nothing-here",
            "/seoul-declaration-2017?page=&page=abc",
            "/seoul-declaration-2017?per_page=all",
        ],
        "/practices": [
            "",
            "?q=%EC%84%9C%EC%9A%B8&lang=ko",
            "?pillar=rights-at-work&region=europe-central-asia",
            "?instrument=procurement&city=hamburg",
            "?q=living+wage&per_page=1&page=1",
            "?page=2&per_page=3",
            "?pillar=x",
            "?city=",
            "?lang=!!",
        ],
        "/practices/{slug}": [
            "/seoul-labour-respecting-city",
            "/seoul-labour-respecting-city?lang=en",
            "/nothing-here",
            "/seoul-labour-respecting-city?lang=!!",
        ],
        "/indicators": ["", "?lang=ko&per_page=2&page=2", "?page=0", "?lang=!!"],
        "/indicators/{code}": [
            "/living-wage-coverage",
            "/living-wage-coverage?lang=ko",
            "/living-wage-coverage?lang=fr",
            "/nothing-here",
            "/living-wage-coverage?lang=!!",
        ],
        "/indicators/{code}/values": [
            "/living-wage-coverage",
            "/living-wage-coverage?city=seoul&year=2024&lang=ko&per_page=1",
            "/nothing-here",
            "/living-wage-coverage?year=24",
            "/living-wage-coverage?city=",
            "/living-wage-coverage?page=0",
        ],
        "/audit/head": [""],
        "/audit/entries": ["", "?per_page=3&page=2", "?page=0"],
        "/openapi.json": [""],
        "/": [""],
    }


def full(template: str) -> str:
    """Return a sample's documented path: under /api/v1 unless it is documented outside."""
    return template if template in OUTSIDE else API + template


def concrete(template: str, suffix: str) -> str:
    """Fill a path template: ``suffix`` replaces its first parameter and what follows."""
    if "{" not in template:
        return full(template) + suffix
    head, _, tail = full(template).partition("/{")
    rest = tail.partition("}")[2]
    path, _, query = suffix.partition("?")
    return head + path + rest + (f"?{query}" if query else "")


def schema_validator(document: dict, schema: dict) -> Draft202012Validator:
    """A 2020-12 validator for one response schema, its ``#/components/...`` refs resolved."""
    root = {**schema, "components": document["components"]}
    Draft202012Validator.check_schema(root)
    return Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER)


def check_against_document(document: dict, template: str, response) -> None:
    operation = document["paths"][template]["get"]
    status = str(response.status_code)
    assert status in operation["responses"], (template, status, response.get_json())
    described = operation["responses"][status]
    if status == "304":
        assert response.get_data() == b""
        return
    assert response.mimetype == "application/json"
    schema = described["content"]["application/json"]["schema"]
    errors = sorted(schema_validator(document, schema).iter_errors(response.get_json()), key=str)
    assert not errors, (template, response.request.path, [e.message for e in errors][:5])


def test_every_answer_of_every_route_matches_its_schema(app, client, document, open_world):
    seen: dict[str, set[int]] = {}
    for template, suffixes in samples(open_world).items():
        assert full(template) in document["paths"], template
        for suffix in suffixes:
            url = concrete(template, suffix)
            response = client.get(url)
            check_against_document(document, full(template), response)
            seen.setdefault(template, set()).add(response.status_code)
            if response.status_code == 200:
                again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
                assert again.status_code == 304
                check_against_document(document, full(template), again)
    assert {full(t) for t in seen} == set(document["paths"])
    assert all(200 in statuses for statuses in seen.values()), seen
    for template, operations in document["paths"].items():
        documented = {int(s) for s in operations["get"]["responses"] if s not in {"304", "429"}}
        exercised = seen[template if template in OUTSIDE else template.removeprefix(API)]
        exercised |= ELSEWHERE.get(template, set())
        assert documented <= exercised, template  # each documented answer is checked


def test_a_429_matches_the_error_schema(app, client, document, rate_limits, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "2 per minute")
    statuses = []
    for _ in range(3):
        response = client.get(f"{API}/audit/head")
        statuses.append(response.status_code)
    assert statuses == [200, 200, 429]
    check_against_document(document, f"{API}/audit/head", response)


def test_the_charter_404_before_any_adoption_matches_the_error_schema(client, document):
    response = client.get(f"{API}/charter")
    assert response.status_code == 404
    check_against_document(document, f"{API}/charter", response)
