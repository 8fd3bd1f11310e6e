"""Markdown written by users, rendered to HTML and sanitised."""

from __future__ import annotations

import markdown as markdown_lib
import nh3
from markdown.extensions.toc import TocExtension
from markupsafe import Markup

ALLOWED_TAGS = {
    "p",
    "br",
    "em",
    "strong",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "h3",
    "h4",
    "a",
    "hr",
}


def render(text: str | None, *, headings_from: int | None = None) -> Markup:
    """Render Markdown to HTML that keeps only harmless tags (links get rel=noopener).

    By default a text's headings keep their level and only ``###`` and ``####`` stay
    headings (a short text sits under a page's own h2). A long text that stands under the
    page's h1 alone, like minutes, passes ``headings_from=2``: its ``#`` becomes an h2,
    ``##`` an h3 and so on, so that the page's outline has no gap.
    """
    extensions: list[markdown_lib.Extension] = []
    tags = ALLOWED_TAGS
    if headings_from is not None:
        extensions.append(TocExtension(baselevel=headings_from))
        tags = ALLOWED_TAGS | {f"h{level}" for level in range(headings_from, 7)}
    html = markdown_lib.markdown(text or "", output_format="html", extensions=extensions)
    return Markup(
        nh3.clean(
            html,
            tags=tags,
            attributes={"a": {"href", "title"}},
            url_schemes={"http", "https", "mailto"},
            link_rel="noopener noreferrer",
        )
    )
