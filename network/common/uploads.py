"""Files people upload: received once, checked, kept by key, and served back safely.

Meeting papers and practices' documents take files the same way. A file is read once,
into a temporary file, counting and hashing as it goes, and never beyond the limit
(``receive``); its type is read from its content (``network.common.filetypes``), not
from the name the sender's computer gave it, and it is kept in the upload store
(``network.common.storage``) under a key the platform makes. The name it is saved
under keeps only the sent name's stem, with the detected type's extension
(``safe_filename``).

A download (``stored_file_response``) is served as the store holds it, with its own
validator (the ETag is the file's SHA-256, which never changes), ``nosniff`` and a
Content-Disposition that names the file safely: ``inline`` for a PDF only,
``attachment`` for office files and text. Files readable by anyone may sit in shared
caches; the others stay private.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO
from urllib.parse import quote

from flask import abort, current_app, request
from flask_babel import format_decimal
from flask_babel import gettext as _
from werkzeug import Response
from werkzeug.wsgi import wrap_file

from network.common import filetypes
from network.common.errors import InvalidInput
from network.common.storage import Storage

CHUNK = 1024 * 1024
MAX_NAME = 120  # characters of a file name's stem kept
# Room in a request for the form around the file (title, language, token, boundaries).
FORM_ALLOWANCE = 64 * 1024
# A file up to this size is read at once and closed; a larger one is streamed.
IN_MEMORY = 1024 * 1024
# Characters no file name carries: path separators, what Windows forbids, quotes.
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


@dataclass(frozen=True)
class Received:
    """A file taken in and kept: its store key, detected type, size and SHA-256."""

    key: str
    kind: filetypes.FileType
    size: int
    sha256: str


def safe_filename(sent: str, extension: str, *, fallback: str = "file") -> str:
    """Return a file name to save an upload under: the sent name's stem, the true extension.

    Only the last path component counts (``../../etc/passwd`` is ``passwd``), characters
    no name may carry are dropped, and the extension is the detected type's, whatever
    the sender's name claimed.

    :param fallback: the stem when nothing of the sent name is left.
    """
    name = unicodedata.normalize("NFC", sent or "")
    name = re.split(r"[/\\]", name)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
    stem = _UNSAFE_NAME.sub(" ", stem).strip(" .")
    stem = re.sub(r"\s+", " ", stem)[:MAX_NAME].strip(" .") or fallback
    return f"{stem}.{extension}"


def content_disposition(filename: str, *, inline: bool) -> str:
    """Return a Content-Disposition naming ``filename`` (RFC 6266, RFC 5987's ``filename*``).

    ``filename`` is for old clients: ASCII, no quote or backslash. ``filename*`` is the
    real name in UTF-8, percent-encoded.
    """
    fallback = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    fallback = re.sub(r"[^A-Za-z0-9._ -]+", "_", fallback).strip() or "file"
    disposition = "inline" if inline else "attachment"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _copy_bounded(stream: BinaryIO, target: BinaryIO, limit: int) -> tuple[int, str]:
    """Copy at most ``limit`` + 1 bytes; return the size copied and its SHA-256."""
    digest = hashlib.sha256()
    size = 0
    while size <= limit:
        chunk = stream.read(min(CHUNK, limit + 1 - size))
        if not chunk:
            break
        digest.update(chunk)
        target.write(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


def receive(
    stream: BinaryIO,
    *,
    max_size: int,
    store: Storage,
    prefix: str,
    too_large: Callable[[str], str],
    check: Callable[[filetypes.FileType], None] | None = None,
) -> Received:
    """Take in an uploaded file and keep it in ``store`` under a new key ``<prefix>/<hex>``.

    Nothing is kept unless the file is accepted. The caller's transaction must delete
    the key from the store if it does not commit.

    :param max_size: the largest file accepted, in bytes.
    :param too_large: the message for a file over the limit, given the limit in MB.
    :param check: called with the detected type before the file is kept; raises to refuse.
    :raises InvalidInput: for an empty or too large file, or a type not accepted.
    """
    with tempfile.SpooledTemporaryFile(max_size=CHUNK) as copy:
        size, digest = _copy_bounded(stream, copy, max_size)
        if size == 0:
            raise InvalidInput(_("The file is empty."), field="file")
        if size > max_size:
            raise InvalidInput(too_large(format_decimal(max_size / 1_000_000)), field="file")
        kind = filetypes.detect(copy)  # type: ignore[arg-type]
        if kind is None:
            raise InvalidInput(
                _(
                    "This file is not a PDF, an office document (docx, xlsx, pptx, odt, ods, "
                    "odp) or plain text. Its content was checked, not its name."
                ),
                field="file",
            )
        if check is not None:
            check(kind)
        key = f"{prefix}/{secrets.token_hex(16)}"
        copy.seek(0)
        store.put(key, copy)  # type: ignore[arg-type]
    return Received(key=key, kind=kind, size=size, sha256=digest)


def file_type(media_type: str) -> filetypes.FileType:
    """Return the accepted type a stored media type names."""
    return next(kind for kind in filetypes.ACCEPTED if kind.media_type == media_type)


def stored_file_response(
    store: Storage,
    key: str,
    *,
    media_type: str,
    size: int,
    sha256: str,
    filename: str,
    public: bool,
) -> Response:
    """Send a stored file: a PDF shown in the browser, any other type saved to disk.

    :param public: whether anyone may read it (shared caches may keep it).
    """
    kind = file_type(media_type)
    try:
        handle = store.open(key)
    except FileNotFoundError:
        current_app.logger.error("no file under %s", key)
        abort(404)
    if size <= IN_MEMORY:
        with handle:
            response = Response(handle.read(), content_type=kind.media_type)
    else:  # streamed in blocks; the server closes the file once sent
        response = Response(
            wrap_file(request.environ, handle),
            content_type=kind.media_type,
            direct_passthrough=True,
        )
    response.headers["Content-Length"] = str(size)
    response.headers["Content-Disposition"] = content_disposition(filename, inline=kind.inline)
    response.headers["X-Content-Type-Options"] = "nosniff"
    # A stored file's bytes never change: its hash is its validator. Those not for
    # everyone stay out of shared caches.
    response.set_etag(sha256)
    response.cache_control.no_cache = True
    if public:
        response.cache_control.public = True
    else:
        response.cache_control.private = True
    response.make_conditional(request)
    return response
