"""The public download of the complete archive."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from flask import Blueprint, g, request
from werkzeug import Response

from network.archive import services
from network.common import clock
from network.common.decorators import public

bp = Blueprint("archive", __name__)
CHUNK = 256 * 1024


def _read(path: Path) -> Iterator[bytes]:
    """Yield the file piece by piece, opened only once the answer is being sent.

    An open file survives its removal (a newer archive replacing it), so a download
    started is a download finished.
    """
    with path.open("rb") as file:
        while piece := file.read(CHUNK):
            yield piece


@bp.route("/archive.zip")
@public
def download() -> Response:
    """Send the archive of the current record, built once per audit head.

    Its ETag is the audit head (number and hash), so a client holding the latest gets
    a 304 without anything being built or read beyond the head. The ZIP is sent from
    its file on disk, piece by piece: never whole in memory.
    """
    # The validator is the archive's own (the head), not the page cache's, which adds
    # the day and the open votes' closing times: mark this answer as already validated.
    g.public_answered = True
    head = services.current_head()
    if request.if_none_match.contains(head.tag):
        response = Response(status=304)
        response.set_etag(head.tag)
        return response
    path, head = services.published_archive(clock.now())
    response = Response(_read(path), mimetype="application/zip", direct_passthrough=True)
    response.content_length = path.stat().st_size
    response.set_etag(head.tag)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{services.PREFIX}-{head.seq}.zip"'
    )
    response.headers["Cache-Control"] = "public, no-cache"
    response.headers["Link"] = f'<{services.DATA_LICENSE_URL}>; rel="license"'
    return response
