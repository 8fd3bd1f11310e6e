"""CSV export helpers: cells neutralised against formulas, rows sent in bounded chunks."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from flask import Response, stream_with_context

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Rows are sent in chunks of about this many characters: one write per row made 13,000
# writes to the socket for a large export, while memory stays as flat either way.
CHUNK = 64 * 1024


def safe_cell(value: object) -> str:
    """Return a cell's text, neutralising what a spreadsheet would run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def csv_lines(header: list[str], rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """Yield the header and the rows as CSV, every cell neutralised, ``CHUNK`` at a time.

    One buffer of about ``CHUNK`` is reused, so memory stays flat however many rows
    there are.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    # The header goes alone, before any row is read: Flask starts a streamed answer by
    # asking for its first piece inside the view, and the query waits for the client.
    yield buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
        if buffer.tell() >= CHUNK:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def chunked(pieces: Iterable[str]) -> Iterator[str]:
    """Join small pieces of a streamed answer into chunks of about ``CHUNK`` characters.

    The first piece (the answer's head) goes alone, as ``csv_lines`` sends its header.
    """
    pieces = iter(pieces)
    head = next(pieces, None)
    if head is None:
        return
    yield head
    batch: list[str] = []
    size = 0
    for piece in pieces:
        batch.append(piece)
        size += len(piece)
        if size >= CHUNK:
            yield "".join(batch)
            batch, size = [], 0
    if batch:
        yield "".join(batch)


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
