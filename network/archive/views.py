"""The public download of the complete archive."""

from __future__ import annotations

from flask import Blueprint, g, request, send_file
from werkzeug import Response

from network.archive import services
from network.common import clock
from network.common.decorators import public

bp = Blueprint("archive", __name__)


@bp.route("/archive.zip")
@public
def download() -> Response:
    """Send the archive of the current record, built once per audit head.

    Its ETag is the audit head (number and hash), so a client holding the latest gets
    a 304 without anything being built or read beyond the head. The ZIP is sent from
    its file on disk, piece by piece.
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
    response = send_file(
        path,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"{services.PREFIX}-{head.seq}.zip",
        etag=head.tag,
        conditional=True,
        last_modified=path.stat().st_mtime,
    )
    response.headers["Cache-Control"] = "public, no-cache"
    response.headers["Link"] = f'<{services.DATA_LICENSE_URL}>; rel="license"'
    return response
