"""The declarations' CSV reads ``?lang=`` as the API does: a value that is no language
tag is refused (400) instead of being ignored; a tag with a region names its language."""

from __future__ import annotations

import csv
import io

import pytest

from tests.test_csv_exports import exports  # noqa: F401 - the fixture
from tests.test_exports_streamed import _declaration_with_signatures


@pytest.mark.parametrize("value", ["!!", "english please", "12", "ko_KR_", "-"])
def test_a_bad_language_is_refused_with_a_message(client, exports, value):  # noqa: F811
    url = exports[1]
    response = client.get(url, query_string={"lang": value})
    assert response.status_code == 400, value
    assert "“lang” must be a language tag" in response.text
    assert not response.is_streamed


def test_a_bad_language_does_not_hide_an_unknown_declaration(client):
    assert client.get("/declarations/nothing-here/signatures.csv?lang=!!").status_code == 404


def test_a_language_with_a_region_names_the_cities_in_it(app, client, make):
    vienna = make.city("Vienna", country="AT", names={"ko": "빈", "de": "Wien"})
    url = f"/declarations/{_declaration_with_signatures(app, [vienna])}/signatures.csv"

    def names(query: str) -> set[str]:
        rows = csv.DictReader(io.StringIO(client.get(f"{url}?{query}").text))
        return {row["city_name"] for row in rows}

    assert names("lang=ko-KR") == {"빈"}
    assert names("lang=de-AT") == {"Wien"}
    assert names("lang=en-US") == names("lang=en") == {"Vienna"}
