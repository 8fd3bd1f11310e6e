"""The secretariat edits a text's languages side by side, each column marked with its language."""

from __future__ import annotations

import re

import pytest

from tests.charter.test_story import draft_with_articles
from tests.declarations.test_story import DRAFT
from tests.language_columns import language_columns


@pytest.fixture
def officer(make, login_as):
    return login_as(make.secretariat())


def columns_of(response):
    return language_columns(response.get_data(as_text=True))


def test_an_article_is_edited_in_one_column_per_language_the_authoritative_first(officer):
    number = draft_with_articles(officer)  # articles in English (authoritative) and Korean
    columns = columns_of(officer.get(f"/secretariat/charter/{number}/articles/1"))
    assert [(c.heading, c.marker) for c in columns] == [
        ("English", "authoritative"),
        ("Korean", ""),
        ("Language 3", ""),  # a blank column for one more language
    ]
    english, korean, blank = columns
    assert english.fields == {
        "texts-0-language": {"lang": None, "dir": None},
        "texts-0-title": {"lang": "en", "dir": "ltr"},
        "texts-0-body": {"lang": "en", "dir": "ltr"},
    }
    assert korean.fields["texts-1-title"] == {"lang": "ko", "dir": "ltr"}
    assert korean.fields["texts-1-body"] == {"lang": "ko", "dir": "ltr"}
    # A column without a language yet claims none for its text.
    assert blank.fields["texts-2-body"] == {"lang": None, "dir": None}


def test_a_new_article_starts_with_the_authoritative_column(officer):
    number = draft_with_articles(officer)
    columns = columns_of(officer.get(f"/secretariat/charter/{number}/articles/new"))
    assert [(c.heading, c.marker) for c in columns] == [
        ("English", "authoritative"),
        ("Language 2", ""),
    ]


def test_a_right_to_left_language_is_written_right_to_left(officer):
    number = draft_with_articles(officer)
    response = officer.post(
        f"/secretariat/charter/{number}/articles/new",
        data={
            "number": 3,
            "texts-0-language": "ar",
            "texts-0-title": "الغرض",
            "texts-0-body": "عمل لائق في المدن.",
            "texts-1-language": "en",
            "texts-1-title": "Purpose",
            "texts-1-body": "Decent work in cities.",
        },
    )
    assert response.status_code == 302
    columns = columns_of(officer.get(f"/secretariat/charter/{number}/articles/3"))
    assert [c.heading for c in columns[:2]] == ["English", "Arabic"]
    assert columns[1].fields["texts-1-body"] == {"lang": "ar", "dir": "rtl"}


def test_a_refused_article_is_shown_again_in_columns_and_writes_nothing(officer, ledger):
    number = draft_with_articles(officer)
    before = ledger.audit_seq()
    response = officer.post(
        f"/secretariat/charter/{number}/articles/1",
        data={
            "number": 1,
            "texts-0-language": "ko",
            "texts-0-title": "목적",
            "texts-0-body": "좋은 일자리.",
            "texts-1-language": "xx-nonsense",
            "texts-1-title": "Purpose",
            "texts-1-body": "Decent work.",
        },
    )
    assert response.status_code == 422
    assert "is not a language code" in response.get_data(as_text=True)
    columns = columns_of(response)
    # The Korean column is there with its language; the unknown code gets no lang attribute,
    # and the English (authoritative) text, left out of the post, has no column to mark.
    assert [(c.heading, c.marker) for c in columns] == [
        ("Korean", ""),
        ("Language 2", ""),
        ("Language 3", ""),
    ]
    assert columns[1].fields["texts-1-body"] == {"lang": None, "dir": None}
    assert ledger.audit_seq() == before


def test_a_declaration_is_edited_side_by_side_with_its_authoritative_text_first(officer):
    draft = DRAFT | {"slug": "seoul-2017", "authoritative_language": "ko"}
    assert officer.post("/secretariat/declarations/new", data=draft).status_code == 302
    columns = columns_of(officer.get("/secretariat/declarations/seoul-2017"))
    assert [(c.heading, c.marker) for c in columns] == [
        ("Korean", "authoritative"),
        ("English", ""),
        ("Language 3", ""),
    ]
    korean = columns[0]
    for name in ("title", "preamble", "commitments"):
        assert korean.fields[f"texts-1-{name}"] == {"lang": "ko", "dir": "ltr"}
    assert columns[1].fields["texts-0-commitments"] == {"lang": "en", "dir": "ltr"}


def test_a_new_declaration_marks_the_authoritative_language_once_it_is_given(officer):
    columns = columns_of(officer.get("/secretariat/declarations/new"))
    assert [c.marker for c in columns] == ["", ""]
    response = officer.post(
        "/secretariat/declarations/new",
        data=DRAFT | {"slug": "Not A Slug!", "authoritative_language": "en"},
    )
    assert response.status_code == 422
    assert [(c.heading, c.marker) for c in columns_of(response)][:2] == [
        ("English", "authoritative"),
        ("Korean", ""),
    ]


def test_a_city_is_edited_side_by_side_with_english_as_the_default(officer, make):
    make.city("Seoul", names={"ko": "서울", "fr": "Séoul", "en": "Seoul"})
    response = officer.get("/secretariat/cities/seoul/edit")
    html = response.get_data(as_text=True)
    columns = language_columns(html)
    assert [(c.heading, c.marker) for c in columns] == [
        ("English", "default"),
        ("French", ""),
        ("Korean", ""),
        ("Language 4", ""),
        ("Language 5", ""),
    ]
    korean = next(c for c in columns if c.heading == "Korean")
    assert {k: v for k, v in korean.fields.items() if not k.endswith("language")} == {
        "texts-2-name": {"lang": "ko", "dir": "ltr"},
        "texts-2-profile": {"lang": "ko", "dir": "ltr"},
    }
    # The canonical English name is marked as English too.
    name_input = re.search(r'<input[^>]*\bname="name"[^>]*>', html).group(0)
    assert 'lang="en"' in name_input


def test_the_columns_follow_the_interface_language(officer, make):
    make.city("Seoul", names={"ko": "서울"})
    page = officer.get("/secretariat/cities/seoul/edit", headers={"Accept-Language": "fr"})
    columns = columns_of(page)
    assert columns[0].heading == "coréen"
