"""QR codes for the PDFs: an address as inline SVG."""

from __future__ import annotations

import segno
from markupsafe import Markup


def qr_svg(address: str) -> Markup:
    """Return a QR code of ``address`` as an inline SVG element, sized by the stylesheet.

    Error correction M (15 %) survives a printed copy's smudges; the quiet zone is
    left to the stylesheet's margin.
    """
    return Markup(segno.make(address, error="m").svg_inline(scale=1, border=2, omitsize=True))
