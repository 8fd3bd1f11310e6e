"""A declaration links to its other language versions (``?lang=``) on the same page."""

from __future__ import annotations

import re

import pytest

from network.extensions import cache
from tests.declarations.test_story import open_declaration


@pytest.fixture
def declaration(make, as_user):
    return open_declaration(as_user(make.secretariat()))  # English authoritative, and Korean


def text_block(html: str) -> str:
    return re.search(r'<div lang="[^"]+" dir="ltr" class="declaration-text">.*?</div>', html, re.S)[
        0
    ]


def test_the_other_languages_are_links_on_the_same_page(client, declaration):
    english = client.get(f"/declarations/{declaration}").text
    assert f'<a href="/declarations/{declaration}?lang=ko" hreflang="ko">Korean</a>' in english
    asked = client.get(f"/declarations/{declaration}?lang=ko").text
    assert '<html lang="en">' in asked and ">Signatories</h2>" in asked  # the interface stays
    assert '<h1 lang="ko" dir="ltr">생활임금 선언</h1>' in asked
    assert "우리는 생활임금을 지급한다." in text_block(asked)
    note = re.search(r'<p class="note">.*?</p>', asked, re.S)[0]
    assert "Translation. The English text is authoritative." in note
    assert f'href="/declarations/{declaration}?lang=en" hreflang="en">Read the English text' in note
    assert f'href="/declarations/{declaration}?lang=en"' in asked  # and in "Also in"


def test_a_translation_read_in_its_own_language_links_to_the_authoritative_text(
    client, declaration
):
    korean = client.get(f"/declarations/{declaration}", headers={"Accept-Language": "ko"}).text
    assert "생활임금 선언" in korean
    assert f'href="/declarations/{declaration}?lang=en"' in korean
    authoritative = client.get(
        f"/declarations/{declaration}?lang=en", headers={"Accept-Language": "ko"}
    ).text
    assert '<html lang="ko">' in authoritative
    assert '<h1 lang="en" dir="ltr">Declaration on the living wage</h1>' in authoritative
    assert 'class="note"' not in text_block(authoritative)


def test_the_declaration_page_has_a_trail_and_a_status_badge(client, declaration):
    page = client.get(f"/declarations/{declaration}").text
    trail = re.search(r'<nav class="breadcrumbs".*?</nav>', page, re.S)[0]
    assert 'href="/declarations/"' in trail and "Declaration on the living wage" in trail
    assert '<span class="badge badge-open">Open for signature</span>' in page


def test_each_language_is_a_page_of_its_own_in_the_cache(app, client, declaration, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_CACHE", True)
    with app.app_context():
        cache.clear()
    try:
        first = client.get(f"/declarations/{declaration}")
        korean = client.get(f"/declarations/{declaration}?lang=ko")
        again = client.get(f"/declarations/{declaration}")
        assert first.headers["ETag"] != korean.headers["ETag"]
        assert "생활임금 선언" in korean.text and "생활임금 선언" not in text_block(again.text)
        assert again.get_data() == first.get_data()
        assert "Accept-Language" in korean.headers["Vary"]
    finally:
        with app.app_context():
            cache.clear()
