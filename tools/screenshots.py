"""Make the screenshots in docs/screenshots/ again, from the demo data.

Run with ``make screenshots`` (or ``.venv/bin/python -m tools.screenshots``). It builds
the demo on a fresh SQLite database in a temporary folder, moves it on as the browser
tests do (``tests/browser/world.py``: the charter adopted by roll call, the 2018
agreement signed by Seoul, and more), serves it with gunicorn on a free loopback port,
and has Debian's Chromium photograph the home page, the charter's adoption vote and
the Seoul Declaration at desktop (1280 px) and phone (375 px) widths, in English, and
the declaration in Korean too.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 812}}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _wait_until_up(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    sys.exit(f"the server did not answer at {url}")


def pages(world: dict) -> list[tuple[str, str, str]]:
    """Return (file stem, path, language) of each page to photograph."""
    return [
        ("home", "/", "en"),
        ("vote-result", f"/votes/{world['charter_vote']}", "en"),
        ("declaration", "/declarations/seoul-declaration-2017", "en"),
        ("declaration-ko", "/declarations/seoul-declaration-2017", "ko"),
    ]


def main() -> None:
    """Build the demo, serve it, and photograph each page at each size."""
    if not os.access(CHROMIUM, os.X_OK):
        sys.exit("Chromium is missing: run `make system-packages` (or `make test`) first.")
    with tempfile.TemporaryDirectory() as folder:
        env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
        env.update(
            NETWORK_ENV="development",
            FLASK_APP="tests.browser.serve:app",
            DATABASE_URL=f"sqlite:///{Path(folder) / 'screenshots.sqlite3'}",
            PUBLIC_CACHE="0",
            PYTHONWARNINGS="ignore",
        )
        flask = [sys.executable, "-m", "flask"]
        _run([*flask, "db", "upgrade"], env)
        _run([*flask, "network", "seed-demo"], env)
        world = json.loads(_run([sys.executable, "-m", "tests.browser.world"], env))
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers=1", f"--bind=127.0.0.1:{port}",
             "tests.browser.serve:app"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base + "/")
            OUT.mkdir(parents=True, exist_ok=True)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
                )
                for stem, path, language in pages(world):
                    for size, viewport in SIZES.items():
                        context = browser.new_context(
                            viewport=viewport, locale=language, device_scale_factor=1
                        )
                        page = context.new_page()
                        page.goto(base + path)
                        target = OUT / f"{stem}-{size}.png"
                        page.screenshot(path=str(target), full_page=True)
                        context.close()
                        print(target.relative_to(ROOT))
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
