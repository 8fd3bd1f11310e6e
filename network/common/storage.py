"""Where uploaded files are kept: a small interface, and a folder on disk behind it.

Meeting papers are files, not rows: the database keeps what a paper is (title,
language, type, size, SHA-256) and a *key*; the bytes are in a store under that key.
A store does three things: ``put`` a key's bytes, ``open`` them for reading, and
``delete`` them. ``FilesystemStorage`` keeps them in a folder (``UPLOAD_DIR``, by
default ``instance/uploads``); on several servers that folder must be shared (NFS),
or the store pointed at an S3-compatible object store (docs/operations.md, "Uploads",
outlines that implementation: the same three methods over a bucket).

Keys are made by the platform (``papers/<32 hex digits>``), never from a file's name,
and a key that is not of that form is refused: no path from outside reaches the disk.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app

KEY = re.compile(r"^[a-z]+/[0-9a-f]{32}$")


class Storage(Protocol):
    """What the platform needs of a place to keep files."""

    def put(self, key: str, stream: BinaryIO) -> None:
        """Keep the bytes of ``stream`` (read from its current position) under ``key``."""

    def open(self, key: str) -> BinaryIO:
        """Return the bytes kept under ``key`` as a binary file to read and close.

        :raises FileNotFoundError: when nothing is kept under it.
        """

    def delete(self, key: str) -> None:
        """Forget what is kept under ``key`` (nothing happens when nothing is)."""


def check_key(key: str) -> str:
    """Return ``key`` if the platform could have made it.

    :raises ValueError: for anything else (a path, ``..``, an empty key).
    """
    if not KEY.fullmatch(key):
        raise ValueError(f"not a storage key: {key!r}")
    return key


class FilesystemStorage:
    """Files in a folder on disk, one per key (``papers/<hex>`` is ``papers/<hex>``)."""

    def __init__(self, root: Path) -> None:
        """Keep files under ``root`` (made when the first file is put)."""
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put(self, key: str, stream: BinaryIO) -> None:
        """Write the file under a temporary name, then rename it: never half a file."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".upload-", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as target:
                shutil.copyfileobj(stream, target, 1024 * 1024)
                target.flush()
                os.fsync(target.fileno())
            os.chmod(temporary, 0o640)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def open(self, key: str) -> BinaryIO:
        """Open the file kept under ``key``."""
        return self._path(key).open("rb")

    def delete(self, key: str) -> None:
        """Remove the file kept under ``key``, if there is one."""
        self._path(key).unlink(missing_ok=True)


def upload_dir() -> Path:
    """Return the folder uploads are kept in (``UPLOAD_DIR``, else instance/uploads)."""
    configured = current_app.config.get("UPLOAD_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "uploads"


def storage() -> Storage:
    """Return the application's store: ``UPLOAD_STORAGE`` if set, else the folder."""
    configured = current_app.config.get("UPLOAD_STORAGE")
    if configured is not None:
        return configured
    return FilesystemStorage(upload_dir())
