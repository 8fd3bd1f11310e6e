"""CSV export helpers: cells neutralised against formulas, rows sent in bounded chunks.

Every CSV export is written the same way: UTF-8, a header row, booleans as ``true`` or
``false``, no value as an empty cell, and a cell that starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return prefixed with ``'`` so a spreadsheet shows it instead
of running it. ``?bom=1`` starts the file with a byte order mark, which Excel on
Windows needs to read UTF-8 (Korean, accents) rather than the system's code page.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from flask import Response, request, stream_with_context
from flask_babel import gettext as _

from network.common.errors import BadParameter

# The byte order mark, as the first character of the file: EF BB BF in UTF-8.
BOM = "\ufeff"
BOM_VALUES = {"1": True, "0": False}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Rows are sent in chunks of about this many characters: one write per row made 13,000
# writes to the socket for a large export, while memory stays as flat either way.
CHUNK = 64 * 1024


def safe_cell(value: object) -> str:
    """Return a cell's text, neutralising what a spreadsheet would run as a formula.

    Booleans are ``true`` and ``false`` in every export (as in the JSON), never
    Python's ``True``.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
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


def asked_bom() -> bool:
    """Return whether the request asks for a byte order mark (``?bom=1``; ``0`` or none: no).

    Any other value, an empty one or the parameter given twice is refused with a 400
    rather than ignored, so a typo does not silently give a file Excel garbles.
    """
    values = request.args.getlist("bom")
    if not values:
        return False
    if len(values) > 1 or values[0] not in BOM_VALUES:
        raise BadParameter(
            _("The bom parameter must be 1 (start the file with a byte order mark) or 0.")
        )
    return BOM_VALUES[values[0]]


def with_bom(lines: Iterator[str]) -> Iterator[str]:
    """Yield ``lines`` with the byte order mark before the first one."""
    yield BOM + next(lines, "")
    yield from lines


def csv_response(header: list[str], rows: Iterable[Iterable[object]], filename: str) -> Response:
    """Stream a CSV download; ``rows`` is read lazily, while the response is sent.

    The request context (and so the database session) stays open until the last row.
    ``?bom=`` is checked here, before any row is read: a wrong value answers 400.
    """
    lines = csv_lines(header, rows)
    if asked_bom():
        lines = with_bom(lines)
    return Response(
        stream_with_context(lines),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )
