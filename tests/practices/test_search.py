"""One search in every language, on SQLite (FTS5) and PostgreSQL (full-text search)."""

from __future__ import annotations

import pytest

from network.cities.models import Region
from network.common.pagination import PageRequest
from network.practices import queries, search
from network.practices.models import Instrument, Pillar
from tests.practices.conftest import entry

FIRST = PageRequest(page=1, per_page=10)


@pytest.fixture
def library(app, people, write):
    write(
        people.seoul,
        people.seoul_delegate,
        entry(
            "seoul-labour",
            en=("Labour-respecting city", "Decent work indicators.", "Union City model."),
            ko=("노동존중특별시 서울", "좋은 일자리 지표", "서울시의 노동정책 모델"),
            authoritative="ko",
            pillars=(Pillar.rights_at_work, Pillar.social_dialogue),
        ),
    )
    write(
        people.hamburg,
        people.hamburg_delegate,
        entry(
            "hamburg-procurement",
            en=("Public procurement law", "Agency workers' treatment.", "Économie sociale."),
            instrument=Instrument.procurement,
        ),
    )
    write(
        people.hamburg,
        people.hamburg_delegate,
        entry("hamburg-draft", en=("Procurement draft", "Not yet.", "")),
        publish=False,
    )


def slugs(query, filters=queries.PracticeFilter(), page=FIRST):  # noqa: ANN001, ANN201, B008
    return [practice.slug for practice in queries.search(query, filters, page).items]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("procurement", ["hamburg-procurement"]),  # drafts are never found
        ("PROCUREMENT law", ["hamburg-procurement"]),
        ("procure", ["hamburg-procurement"]),  # the start of a word
        ("economie", ["hamburg-procurement"]),  # accents folded
        ("Économie", ["hamburg-procurement"]),
        ("노동존중", ["seoul-labour"]),  # the start of 노동존중특별시
        ("서울 지표", ["seoul-labour"]),  # 서울시의 carries a particle
        ("서울", ["seoul-labour"]),
        ("indicators", ["seoul-labour"]),  # English text of a Korean-authoritative practice
        ("hamburg", ["hamburg-procurement"]),  # the city's name
        ("procurement 서울", []),  # every word must match
        ("nothing-like-this", []),
    ],
)
def test_search_finds_published_practices_in_every_language(app, library, query, found):
    with app.app_context():
        assert slugs(query) == found


def test_no_query_lists_every_published_practice(app, library):
    with app.app_context():
        assert sorted(slugs(None)) == ["hamburg-procurement", "seoul-labour"]
        assert sorted(slugs("  ,;  ")) == ["hamburg-procurement", "seoul-labour"]


def test_query_syntax_of_either_database_is_only_words(app, library):
    with app.app_context():
        for hostile in ['"', "a:* | b", "NEAR(x y)", "proc* OR 1", "'); DROP", "&!|"]:
            queries.search(hostile, queries.PracticeFilter(), FIRST)


@pytest.mark.parametrize(
    ("filters", "found"),
    [
        (queries.PracticeFilter(pillar=Pillar.social_dialogue), ["seoul-labour"]),
        (queries.PracticeFilter(pillar=Pillar.employment), ["hamburg-procurement"]),
        (queries.PracticeFilter(instrument=Instrument.procurement), ["hamburg-procurement"]),
        (queries.PracticeFilter(region=Region.asia_pacific), ["seoul-labour"]),
        (queries.PracticeFilter(city="hamburg"), ["hamburg-procurement"]),
        (queries.PracticeFilter(city="hamburg", pillar=Pillar.social_dialogue), []),
    ],
)
def test_filters(app, library, filters, found):
    with app.app_context():
        assert slugs(None, filters) == found


def test_pages(app, people, write):
    for number in range(5):
        write(
            people.seoul,
            people.seoul_delegate,
            entry(f"p{number}", en=(f"Wage {number}", "S.", "")),
        )
    with app.app_context():
        first = queries.search("wage", queries.PracticeFilter(), PageRequest(1, 2))
        third = queries.search("wage", queries.PracticeFilter(), PageRequest(3, 2))
        beyond = queries.search("wage", queries.PracticeFilter(), PageRequest(4, 2))
    assert first.total == 5 and first.pages == 3 and len(first.items) == 2
    assert [p.slug for p in third.items] == ["p0"]  # newest first
    assert beyond.items == []


def test_folding_keeps_hangul_and_drops_accents():
    assert search.fold("Économie SOCIALE") == "economie sociale"
    assert search.fold("노동존중특별시") == "노동존중특별시"
    assert search.words("35-hour week, 서울시의!") == ["35", "hour", "week", "서울시의"]


@pytest.mark.parametrize(
    ("words", "marked"),
    [("생활임금", ' lang="ko"'), ("living wage", ""), ("", "")],
)
def test_the_search_box_marks_korean_words_for_screen_readers(client, words, marked):
    page = client.get("/practices/", query_string={"q": words}).get_data(as_text=True)
    assert f'maxlength="100"{marked}>' in page


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("hamburg", ["hamburg-procurement"]),  # its address
        ("Hamburg", ["hamburg-procurement"]),  # its name
        ("서울", ["seoul-labour"]),  # its name in Korean
        ("Atlantis", []),  # no such city: nothing, not everything
    ],
)
def test_the_city_filter_takes_a_name_in_any_language(client, library, typed, found):
    page = client.get("/practices/", query_string={"city": typed}).get_data(as_text=True)
    for slug in ("hamburg-procurement", "seoul-labour"):
        assert (f"/practices/{slug}" in page) == (slug in found)


def test_a_long_list_of_cities_becomes_a_field_to_type_the_name(client, library, monkeypatch):
    listed = client.get("/practices/").get_data(as_text=True)
    assert '<select id="city" name="city">' in listed and ">Hamburg</option>" in listed
    monkeypatch.setattr(queries, "CITY_CHOICES", 1)  # two cities have practices
    typed = client.get("/practices/", query_string={"city": "서울"}).get_data(as_text=True)
    assert '<select id="city"' not in typed and "Hamburg</option>" not in typed
    assert 'name="city" type="text" value="서울"' in typed
    assert "/practices/seoul-labour" in typed and "/practices/hamburg-procurement" not in typed
