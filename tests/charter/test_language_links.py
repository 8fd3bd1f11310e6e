"""Every language version of the charter is one link away, the interface staying as it is."""

from __future__ import annotations

import re

import pytest

from tests.charter.test_story import draft_with_articles


@pytest.fixture
def officer(make, login_as):
    return login_as(make.secretariat())


def article(html: str, number: int) -> str:
    return re.search(rf'<section class="article" id="article-{number}".*?</section>', html, re.S)[0]


def test_a_version_links_to_its_other_languages(officer):
    number = draft_with_articles(officer)  # English (authoritative) and Korean
    english = officer.get(f"/charter/versions/{number}").text
    assert f'<a href="/charter/versions/{number}?lang=ko" hreflang="ko">Korean</a>' in english
    asked = officer.get(f"/charter/versions/{number}?lang=ko").text
    assert '<html lang="en">' in asked and "Governance rules" in asked  # interface unchanged
    first = article(asked, 1)
    assert '<span lang="ko" dir="ltr">목적</span>' in first
    assert "Translation. The English text is authoritative." in first
    back = f'href="/charter/versions/{number}?lang=en#article-1" hreflang="en"'
    assert f"<a {back}>Read the English text</a>" in first


def test_a_korean_reader_is_one_link_from_the_authoritative_text(officer):
    number = draft_with_articles(officer)
    korean = officer.get(f"/charter/versions/{number}", headers={"Accept-Language": "ko"}).text
    first = article(korean, 1)
    assert f'href="/charter/versions/{number}?lang=en#article-1"' in first
    authoritative = officer.get(
        f"/charter/versions/{number}?lang=en", headers={"Accept-Language": "ko"}
    ).text
    assert '<html lang="ko">' in authoritative
    shown = article(authoritative, 1)
    assert '<span lang="en" dir="ltr">Purpose</span>' in shown and 'class="note"' not in shown


def test_an_unknown_language_is_ignored(officer):
    number = draft_with_articles(officer)
    page = officer.get(f"/charter/versions/{number}?lang=xx-%3Cb%3E")
    assert page.status_code == 200 and '<span lang="en" dir="ltr">Purpose</span>' in page.text


def test_version_and_comparison_pages_have_a_trail(officer):
    first = draft_with_articles(officer)
    second = draft_with_articles(officer)
    page = officer.get(f"/charter/versions/{first}").text
    trail = re.search(r'<nav class="breadcrumbs".*?</nav>', page, re.S)[0]
    assert 'href="/charter/"' in trail and 'href="/charter/versions"' in trail
    assert f"Version {first}" in trail and 'class="badge badge-draft"' in page
    compared = officer.get(f"/charter/diff?from={first}&to={second}&lang=ko").text
    assert 'href="/charter/versions"' in compared
    assert '<span lang="ko" dir="ltr">목적</span>' in compared
    assert f'href="/charter/diff?from={first}&amp;to={second}&amp;lang=en"' in compared
