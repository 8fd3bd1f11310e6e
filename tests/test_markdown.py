"""Text written by users: Markdown rendered with only harmless tags, headings in place."""

from __future__ import annotations

import pytest

from network.common.markdown import render


def test_scripts_and_attributes_are_removed_and_links_kept_safe():
    html = render('<script>alert(1)</script>[site](https://example.org "t") <b onclick="x">b</b>')
    assert "<script" not in html and "onclick" not in html
    assert '<a href="https://example.org" title="t" rel="noopener noreferrer">site</a>' in html
    assert "javascript:" not in render("[x](javascript:alert(1))")


def test_a_short_text_keeps_only_its_small_headings():
    html = render("# Big\n\n### Small")
    assert "<h1" not in html and "Big" in html
    assert "<h3>Small</h3>" in html


@pytest.mark.parametrize(
    ("top", "expected"),
    [
        (2, ["<h2>One</h2>", "<h3>Two</h3>", "<h4>Three</h4>"]),
        (3, ["<h3>One</h3>", "<h4>Two</h4>"]),
    ],
)
def test_a_long_text_under_the_page_title_starts_its_headings_at_the_level_given(top, expected):
    html = render("# One\n\n## Two\n\n### Three\n\ntext", headings_from=top)
    assert all(tag in html for tag in expected)
    assert "<h1" not in html and "id=" not in html
