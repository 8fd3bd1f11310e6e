"""Page parameters for lists, lenient on pages and strict in the API."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from network.common.errors import BadParameter

API_DEFAULT_PER_PAGE = 50
API_MAX_PER_PAGE = 200
MAX_PAGE = 1_000_000  # beyond any real list; keeps OFFSET within the database's range


@dataclass(frozen=True)
class PageRequest:
    """Which page of a list, and how many rows on it."""

    page: int
    per_page: int


def _positive_int(raw: str | None, default: int) -> int | None:
    if raw is None or raw == "":
        return default
    if not raw.isascii() or not raw.isdigit():
        return None
    value = int(raw) if len(raw) <= 7 else 0
    return value if 1 <= value <= MAX_PAGE else None


def api_page_request(args: Mapping[str, str]) -> PageRequest:
    """Read ``page`` and ``per_page`` (1–200) as the API contract says.

    :raises BadParameter: when either is not a positive integer or per_page exceeds 200.
    """
    page = _positive_int(args.get("page"), 1)
    if page is None:
        raise BadParameter(_l("“page” must be a whole number from 1 to 1000000."))
    per_page = _positive_int(args.get("per_page"), API_DEFAULT_PER_PAGE)
    if per_page is None or per_page > API_MAX_PER_PAGE:
        raise BadParameter(_l("“per_page” must be a whole number from 1 to 200."))
    return PageRequest(page=page, per_page=per_page)


def page_request(args: Mapping[str, str], per_page: int) -> PageRequest:
    """Read ``page`` for an HTML list, falling back to the first page on nonsense."""
    return PageRequest(page=_positive_int(args.get("page"), 1) or 1, per_page=per_page)


@dataclass(frozen=True)
class Window:
    """One page of a list whose rows and total were read by the caller.

    It answers what the pager macro (templates/macros/_pagination.html) asks of a
    Flask-SQLAlchemy pagination, for lists read with a query of their own (plain rows,
    a deferred join) rather than ``db.paginate``.
    """

    items: list
    page: int
    per_page: int
    total: int

    @classmethod
    def read(cls, wanted: PageRequest, total: int, rows: Callable[..., list]) -> Window:
        """Return the page ``wanted`` of a list ``total`` rows long.

        ``rows(offset=…, limit=…)`` reads that page's rows; it is not called for a page
        past the end.
        """
        offset = (wanted.page - 1) * wanted.per_page
        items = rows(offset=offset, limit=wanted.per_page) if offset < total else []
        return cls(items, wanted.page, wanted.per_page, total)

    @property
    def offset(self) -> int:
        """Return how many rows come before this page."""
        return (self.page - 1) * self.per_page

    @property
    def pages(self) -> int:
        """Return the number of pages (0 for an empty list)."""
        return -(-self.total // self.per_page)

    @property
    def first(self) -> int:
        """Return the position (from 1) of the first row on this page."""
        return self.offset + 1

    @property
    def last(self) -> int:
        """Return the position of the last row on this page."""
        return self.offset + len(self.items)

    @property
    def has_prev(self) -> bool:
        """Tell whether a page comes before this one."""
        return self.page > 1

    @property
    def has_next(self) -> bool:
        """Tell whether a page comes after this one."""
        return self.page < self.pages

    @property
    def prev_num(self) -> int | None:
        """Return the previous page's number."""
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        """Return the next page's number."""
        return self.page + 1 if self.has_next else None
