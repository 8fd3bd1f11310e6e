"""Make the font the PDFs embed: Noto Sans CJK KR cut down to Korean and Latin.

A Korean PDF must come out right on a server with no fonts installed, so the project
ships its own font. Debian's fonts-noto-cjk holds the whole of Noto Sans CJK (every
CJK script, 65,000 glyphs, a 20 MB collection); the PDFs need Hangul, Latin with the
accents of the network's languages, and punctuation, which fit in a few MB.

Run it again (after ``apt-get install fonts-noto-cjk`` and ``pip install fonttools``,
which is needed only here, not by the application) with::

    .venv/bin/python -m tools.subset_fonts

It writes ``network/static/fonts/NotoSansKR-Subset.otf`` and the licence beside it.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
COPYRIGHT = Path("/usr/share/doc/fonts-noto-cjk/copyright")
# The collection's faces are JP, KR, SC, TC, HK, then the Mono ones: KR is the second.
KOREAN_FACE = "Noto Sans CJK KR"
TARGET = Path(__file__).resolve().parent.parent / "network" / "static" / "fonts"
FONT = TARGET / "NotoSansKR-Subset.otf"
LICENSE = TARGET / "NotoSansKR-LICENSE.txt"

# (first, last) code points, inclusive.
RANGES = [
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x00FF),  # Latin-1 Supplement: French, Spanish, German…
    (0x0100, 0x017F),  # Latin Extended-A: Central European, Turkish
    (0x0180, 0x024F),  # Latin Extended-B: Romanian ș ț
    (0x0300, 0x036F),  # combining diacritical marks
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x1E00, 0x1EFF),  # Latin Extended Additional: Vietnamese
    (0x2000, 0x206F),  # General Punctuation: dashes, quotes, ellipsis
    (0x20A0, 0x20CF),  # currency signs: ₩ €
    (0x2100, 0x214F),  # letterlike symbols: №
    (0x2190, 0x21FF),  # arrows
    (0x2460, 0x24FF),  # enclosed numbers ①
    (0x25A0, 0x25FF),  # geometric shapes: ● ■
    (0x3000, 0x303F),  # CJK Symbols and Punctuation: 「」 《》 、 。
    (0x3130, 0x318F),  # Hangul Compatibility Jamo
    (0x3200, 0x321E),  # parenthesised Hangul
    (0x3260, 0x327F),  # circled Hangul
    (0xA960, 0xA97F),  # Hangul Jamo Extended-A
    (0xAC00, 0xD7A3),  # Hangul Syllables: all 11,172
    (0xD7B0, 0xD7FF),  # Hangul Jamo Extended-B
    (0xFF01, 0xFF60),  # full-width forms
    (0xFFE0, 0xFFEE),  # full-width signs: ￦
]


def korean_face() -> int:
    """Return the index of the Korean face in the collection."""
    collection = TTCollection(str(SOURCE))
    for index, face in enumerate(collection.fonts):
        if face["name"].getDebugName(4) == KOREAN_FACE:
            return index
    raise SystemExit(f"{SOURCE} has no face named {KOREAN_FACE!r}")


def license_text() -> str:
    """Return the SIL Open Font License 1.1 with the font's copyright, from Debian's notice."""
    notice = COPYRIGHT.read_text(encoding="utf-8") if COPYRIGHT.exists() else ""
    if not notice and COPYRIGHT.with_suffix(".gz").exists():
        notice = gzip.decompress(COPYRIGHT.with_suffix(".gz").read_bytes()).decode("utf-8")
    # The licence's own paragraph (the "Files:" paragraphs name it on one line only).
    start = notice.find("\n\nLicense: SIL-1.1\n ")
    if start < 0:
        raise SystemExit(f"{COPYRIGHT} does not hold the SIL Open Font License 1.1")
    lines = []
    for line in notice[start + 2 :].splitlines()[1:]:
        if not line.startswith(" "):
            break
        lines.append("" if line.strip() == "." else line[1:])
    return (
        "NotoSansKR-Subset.otf is a subset of Noto Sans CJK KR (Regular), made by\n"
        "tools/subset_fonts.py from Debian's fonts-noto-cjk. It keeps Hangul, Latin with\n"
        "accents, and punctuation. Upstream: https://github.com/notofonts/noto-cjk\n\n"
        "Copyright 2014-2021 Adobe (http://www.adobe.com/), with Reserved Font Name\n"
        "'Source'. Source is a trademark of Adobe in the United States and/or other\n"
        "countries.\n\n"
        "This Font Software is licensed under the SIL Open Font License, Version 1.1.\n"
        "This license is copied below, and is also available with a FAQ at:\n"
        "https://openfontlicense.org\n\n" + "\n".join(lines).rstrip() + "\n"
    )


def main() -> None:
    """Write the subset font and its licence."""
    if not SOURCE.exists():
        sys.exit(f"{SOURCE} is missing: apt-get install fonts-noto-cjk")
    options = subset.Options()
    options.font_number = korean_face()
    options.layout_features = ["*"]  # keep kerning, ligatures and the Hangul jamo shaping
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    options.hinting = False  # a PDF is scaled, never rasterised at a fixed size
    options.desubroutinize = False
    font = subset.load_font(str(SOURCE), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[code for first, last in RANGES for code in range(first, last + 1)])
    subsetter.subset(font)
    TARGET.mkdir(parents=True, exist_ok=True)
    subset.save_font(font, str(FONT), options)
    LICENSE.write_text(license_text(), encoding="utf-8")
    print(f"{FONT}: {FONT.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
