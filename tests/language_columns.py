"""Read the language columns of an edit page (tests' helper): heading, marker, fields' lang."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Column:
    """One language column as a reader and a screen reader meet it."""

    element: str  # fieldset (edited) or section (shown only)
    heading: str = ""
    marker: str = ""
    fields: dict[str, dict[str, str | None]] = field(default_factory=dict)
    passages: list[dict[str, str | None]] = field(default_factory=list)


class _ColumnParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.columns: list[Column] = []
        self.inside_grid = False
        self.depth = 0  # element depth inside the current column
        self.current: Column | None = None
        self.in_heading = False
        self.in_marker = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        classes = (found.get("class") or "").split()
        if "language-columns" in classes:
            self.inside_grid = True
        if self.current is None:
            if self.inside_grid and "language-column" in classes:
                self.current = Column(element=tag)
                self.depth = 0
            return
        if tag not in ("input", "br", "img", "meta"):
            self.depth += 1
        if tag in ("legend", "h2"):
            self.in_heading = True
        elif "marker" in classes:
            self.in_marker = True
        elif tag in ("input", "textarea", "select") and found.get("name"):
            self.current.fields[found["name"]] = {
                "lang": found.get("lang"),
                "dir": found.get("dir"),
            }
        elif found.get("lang"):
            self.current.passages.append({"lang": found.get("lang"), "dir": found.get("dir")})

    def handle_endtag(self, tag: str) -> None:
        if self.current is None:
            return
        if self.depth == 0:
            self.columns.append(self.current)
            self.current = None
            return
        self.depth -= 1
        if tag in ("legend", "h2"):
            self.in_heading = False
        if tag == "span":
            self.in_marker = False

    def handle_data(self, data: str) -> None:
        if self.current is None:
            return
        if self.in_marker:
            self.current.marker += data.strip()
        elif self.in_heading:
            self.current.heading += data.strip()


def language_columns(html: str) -> list[Column]:
    """Return the columns of the page's language grid, in the order a reader meets them."""
    parser = _ColumnParser()
    parser.feed(html)
    return parser.columns
