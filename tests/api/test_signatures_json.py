"""A declaration's ``signatures.json`` is the API's list of signatures, paged alike."""

from __future__ import annotations

SLUG = "seoul-declaration-2017"


def test_the_json_download_pages_the_same_list_as_the_api(client, open_world):
    for query in ("", "?per_page=2&page=2", "?lang=ko&per_page=3"):
        exported = client.get(f"/declarations/{SLUG}/signatures.json{query}")
        api = client.get(f"/api/v1/declarations/{SLUG}/signatures{query}")
        assert exported.status_code == api.status_code == 200
        assert exported.get_json() == api.get_json(), query
    body = client.get(f"/declarations/{SLUG}/signatures.json?per_page=2&page=2").get_json()
    assert len(body["items"]) == 2 and body["total"] > 4


def test_the_json_download_refuses_what_the_schema_refuses_in_json(client, open_world):
    for query in ("?per_page=all", "?page=&page=abc", "?page=0", "?lang=!!"):
        response = client.get(f"/declarations/{SLUG}/signatures.json{query}")
        assert response.status_code == 400, query
        assert response.get_json()["error"]["code"] == "bad_request"
    missing = client.get("/declarations/nothing-here/signatures.json")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
