"""Draw the site's raster icons from its emblem, network/static/img/emblem.svg.

Browsers that take an SVG icon use the emblem itself; the others get ``favicon.ico``
(16, 32 and 48 pixels), and phones putting the site on a home screen get
``apple-touch-icon.png`` (180 pixels, on white: iOS fills transparency with black).
Debian's Chromium draws them, so the pictures match what browsers show.

Run again after changing the emblem: ``.venv/bin/python tools/favicons.py``.
"""

from __future__ import annotations

import base64
import struct
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

IMG = Path(__file__).resolve().parent.parent / "network" / "static" / "img"
CHROMIUM = "/usr/bin/chromium"
ICO_SIZES = (16, 32, 48)
TOUCH_SIZE = 180


def draw(page: Page, svg: bytes, size: int, background: str = "transparent") -> bytes:
    """Return the SVG drawn as a PNG of ``size`` pixels square."""
    data = base64.b64encode(svg).decode()
    padding = size // 12 if background != "transparent" else 0
    page.set_content(
        "<!doctype html><style>html,body{margin:0}"
        f"div{{width:{size}px;height:{size}px;background:{background};padding:{padding}px;"
        "box-sizing:border-box}img{display:block;width:100%;height:100%}</style>"
        f"<div><img src='data:image/svg+xml;base64,{data}'></div>"
    )
    return page.locator("div").screenshot(omit_background=background == "transparent")


def ico(pngs: dict[int, bytes]) -> bytes:
    """Pack PNG images into one ICO file (PNG entries, read by every current browser)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries, images = b"", b""
    for size, png in pngs.items():
        side = 0 if size >= 256 else size  # 0 means 256 in an ICO entry
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        images += png
        offset += len(png)
    return header + entries + images


def main() -> None:
    """Write favicon.ico and apple-touch-icon.png beside the emblem."""
    svg = (IMG / "emblem.svg").read_bytes()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        pngs = {size: draw(page, svg, size) for size in ICO_SIZES}
        touch = draw(page, svg, TOUCH_SIZE, background="#ffffff")
        browser.close()
    (IMG / "favicon.ico").write_bytes(ico(pngs))
    (IMG / "apple-touch-icon.png").write_bytes(touch)


if __name__ == "__main__":
    main()
