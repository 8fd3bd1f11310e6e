"""A charter reader is told which language each article is shown in, and which prevails."""

from __future__ import annotations

import re

import pytest

from tests.charter.test_story import draft_with_articles


@pytest.fixture
def officer(make, login_as):
    return login_as(make.secretariat())


def article(html, number):
    return re.search(rf'<section class="article" id="article-{number}".*?</section>', html, re.S)[0]


def version_page(client, number, language):
    response = client.get(f"/charter/versions/{number}", headers={"Accept-Language": language})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_authoritative_text_says_nothing_in_its_own_language(officer):
    number = draft_with_articles(officer)  # English (authoritative) and Korean
    first = article(version_page(officer, number, "en"), 1)
    assert 'class="note"' not in first
    assert '<span lang="en" dir="ltr">Purpose</span>' in first
    assert '<p lang="en" dir="ltr">The Network spreads decent work in cities.</p>' in first


def test_a_translation_is_marked_with_its_language(officer):
    number = draft_with_articles(officer)
    first = article(version_page(officer, number, "ko"), 1)
    assert '<span lang="ko" dir="ltr">목적</span>' in first
    assert '<p lang="ko" dir="ltr">네트워크는 도시의 좋은 일자리를 확산한다.</p>' in first
    assert 'class="note"' in first  # a translation: the English text is authoritative


def test_an_article_missing_in_the_authoritative_language_does_not_claim_to_be_it(officer):
    number = draft_with_articles(officer)
    response = officer.post(
        f"/secretariat/charter/{number}/articles/new",
        data={
            "number": 3,
            "texts-0-language": "ko",
            "texts-0-title": "임시",
            "texts-0-body": "초안.",
        },
    )
    assert response.status_code == 302
    third = article(version_page(officer, number, "en"), 3)
    assert "Shown in Korean: there is no translation in your language." in third
    assert "authoritative" not in third
    assert '<p lang="ko" dir="ltr">초안.</p>' in third
    # In French, the English article is the authoritative one, and it says so.
    first = article(version_page(officer, number, "fr"), 1)
    assert 'class="note"' in first and '<span lang="en" dir="ltr">Purpose</span>' in first
