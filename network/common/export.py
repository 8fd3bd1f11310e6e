"""CSV export helpers: cells neutralised against formulas, rows written one at a time."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from flask import Response, stream_with_context

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """Return a cell's text, neutralising what a spreadsheet would run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def csv_lines(header: list[str], rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """Yield the header and then each row as one CSV line, every cell neutralised.

    One small buffer is reused, so memory stays flat however many rows there are.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    yield buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([safe_cell(cell) for cell in row])
        yield buffer.getvalue()


def csv_text(header: list[str], rows: Iterable[Iterable[object]]) -> str:
    """Write a header and rows as CSV text, every cell neutralised."""
    return "".join(csv_lines(header, rows))


def csv_response(header: list[str], rows: Iterable[Iterable[object]], filename: str) -> Response:
    """Stream a CSV download; ``rows`` is read lazily, while the response is sent.

    The request context (and so the database session) stays open until the last row.
    """
    return Response(
        stream_with_context(csv_lines(header, rows)),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )
