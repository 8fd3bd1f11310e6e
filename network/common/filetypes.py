"""What a file is, told from its content, never from its name (meeting papers).

Meeting papers come as PDF, as office documents (Word, Excel and PowerPoint's Office
Open XML; OpenDocument's text, spreadsheet and presentation) and as plain text. The
name a browser sends is whatever the sender's computer called the file, so it says
nothing: the type is read from the bytes.

- PDF: the file starts with ``%PDF-`` (ISO 32000-2, 7.5.2; readers tolerate junk
  before it, which is refused here: a paper's first bytes are its header).
- OpenDocument (ISO/IEC 26300, part 3, 3.3): a ZIP whose *first* member is named
  ``mimetype``, stored uncompressed, holding the document's media type.
- Office Open XML (ECMA-376, part 2): a ZIP with ``[Content_Types].xml`` naming the
  main part's content type (``…wordprocessingml.document.main+xml`` for a document).
  Macro-enabled files (``.docm``, ``.xlsm``, ``.pptm``) name another main type and are
  refused: a paper is for reading, not for running code.
- Plain text: UTF-8 (a BOM allowed) with no control character but tabs, line breaks
  and form feeds.

Why not a library: ``filetype`` and ``puremagic`` (both on PyPI) read magic bytes,
and for an office file they see a ZIP and guess from the first member's name; neither
tells a document from its macro-enabled twin nor knows plain text. The rules above are
short, are the formats' own, and are tested on crafted files.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

# How much of a ZIP member is read to tell the type: the ``mimetype`` member is a few
# dozen bytes and ``[Content_Types].xml`` a few kilobytes; a larger one is not a
# document's (and reading a bounded amount keeps a ZIP bomb from costing anything).
MEMBER_READ = 256 * 1024
TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class FileType:
    """A kind of paper the network accepts."""

    extension: str
    media_type: str
    # PDF is shown in the browser; office files and text are always downloaded (an
    # office file opened in place could run in a plug-in; text could be sniffed).
    inline: bool = False


PDF = FileType("pdf", "application/pdf", inline=True)
TEXT = FileType("txt", "text/plain; charset=utf-8")
OOXML = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": FileType(
        "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": FileType(
        "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": (
        FileType(
            "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"
        )
    ),
}
ODF = {
    media_type: FileType(extension, media_type)
    for extension, media_type in (
        ("odt", "application/vnd.oasis.opendocument.text"),
        ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
        ("odp", "application/vnd.oasis.opendocument.presentation"),
    )
}
ACCEPTED: tuple[FileType, ...] = (PDF, *OOXML.values(), *ODF.values(), TEXT)
# The main part of an OOXML package: the Override for "/word/document.xml" and the like.
_OVERRIDE = re.compile(
    rb"<Override\b[^>]*?\bContentType\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE | re.DOTALL
)


def detect(stream: BinaryIO) -> FileType | None:
    """Return the type of the file ``stream`` holds (a seekable binary file), or None.

    The stream is left at its start.
    """
    stream.seek(0)
    head = stream.read(1024)
    stream.seek(0)
    try:
        if not head:
            return None
        if head.startswith(b"%PDF-"):
            return PDF
        if head.startswith(b"PK\x03\x04"):
            return _zip_document(stream)
        return TEXT if _is_text(stream) else None
    finally:
        stream.seek(0)


def _zip_document(stream: BinaryIO) -> FileType | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
            if names and names[0] == "mimetype":
                info = archive.getinfo("mimetype")
                if info.compress_type != zipfile.ZIP_STORED or info.file_size > 200:
                    return None
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
                return ODF.get(declared)
            if "[Content_Types].xml" in names:
                with archive.open("[Content_Types].xml") as member:
                    types = member.read(MEMBER_READ)
                found = {match.decode("ascii", "replace") for match in _OVERRIDE.findall(types)}
                kinds = [OOXML[name] for name in found if name in OOXML]
                return kinds[0] if len(kinds) == 1 else None
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, EOFError, ValueError):
        return None
    return None


def _is_text(stream: BinaryIO) -> bool:
    data = stream.read()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return bool(text.strip()) and TEXT_CONTROL.search(text) is None
