"""Browser tests: a real server on loopback, Debian's Chromium, and the people who use it.

Each module starts its own server (gunicorn from this virtualenv) on a fresh database,
migrated with ``flask db upgrade`` and loaded with ``flask network seed-demo``: a
temporary SQLite file, or a schema of its own on PostgreSQL when ``TEST_DATABASE_URL``
is set. Nothing here uses the per-test transaction of ``tests/conftest.py``: the server
commits for real, as it does in production.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from network import ROOT
from network.demo.seed import DEMO_PASSWORD
from tests.conftest import make_database_url

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
DESKTOP = {"width": 1280, "height": 900}
PHONE_WIDTH = 375
SERVED_APP = "tests.browser.serve:app"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the test item, so fixtures can see a failure."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Launch Debian's Chromium (never a downloaded browser); fail, not skip, without it."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}: install Debian's package "
            "(apt-get install --no-install-recommends chromium); `make test` installs it.",
            pytrace=False,
        )
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """The folder where screenshots and server logs are kept, emptied for this run."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.iterdir():
        if old.is_file():
            old.unlink()
    return ARTIFACTS


# --- the server -------------------------------------------------------------------------


@dataclass
class LiveServer:
    """A running server: its address and the environment its commands run in."""

    base_url: str
    env: dict[str, str]
    log: Path

    def url(self, path: str) -> str:
        return self.base_url + path

    def run_python(self, module: str) -> Any:
        """Run ``python -m module`` against the server's database and return its JSON output."""
        done = _run([sys.executable, "-m", module], self.env, self.log)
        return json.loads(done.stdout)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run(command: list[str], env: dict[str, str], log: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False
    )
    with log.open("a") as out:
        out.write(f"$ {' '.join(command)}\n{done.stderr}")
    if done.returncode:
        pytest.fail(
            f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}",
            pytrace=False,
        )
    return done


def _compile_catalogues(env: dict[str, str], log: Path) -> None:
    """Compile the translations when a catalogue is newer than its build (as `make` does)."""
    stale = [
        po
        for po in (ROOT / "translations").glob("*/LC_MESSAGES/messages.po")
        if not po.with_suffix(".mo").exists()
        or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    if stale:
        pybabel = str(Path(sys.executable).with_name("pybabel"))
        _run([pybabel, "-q", "compile", "-d", "translations"], env, log)


def _wait_until_up(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server stopped at start-up:\n{log.read_text()[-3000:]}", False)
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    pytest.fail(f"the server did not answer at {url}:\n{log.read_text()[-3000:]}", False)


@pytest.fixture(scope="module")
def live_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, artifacts: Path
) -> Iterator[LiveServer]:
    """Serve the demo on a fresh database, on a free loopback port, for one test module."""
    name = request.module.__name__.rpartition(".")[2]
    database_url, drop = make_database_url(tmp_path_factory.mktemp("browser"), f"dwcn_{name}")
    log = artifacts / f"server-{name}.log"
    log.write_text("")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "SECRET_KEY", "TEST_DATABASE_URL"}
    }
    env.update(
        NETWORK_ENV="development",
        FLASK_APP=SERVED_APP,
        DATABASE_URL=database_url,
        PYTHONUNBUFFERED="1",
        PYTHONWARNINGS="ignore",
    )
    flask = [sys.executable, "-m", "flask"]
    _compile_catalogues(env, log)
    _run([*flask, "db", "upgrade"], env, log)
    _run([*flask, "network", "seed-demo"], env, log)
    port = _free_port()
    gunicorn = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers=1",
        "--threads=4",
        f"--bind=127.0.0.1:{port}",
        "--access-logfile=-",
        SERVED_APP,
    ]
    with log.open("a") as out:
        process = subprocess.Popen(gunicorn, cwd=ROOT, env=env, stdout=out, stderr=out)
    server = LiveServer(f"http://127.0.0.1:{port}", env, log)
    try:
        _wait_until_up(process, server.url("/"), log)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        drop()


# --- people -----------------------------------------------------------------------------


def new_person(browser: Browser, **options: Any) -> BrowserContext:
    """Open a browser context of its own (its own cookies) for one person."""
    context = browser.new_context(viewport=DESKTOP, locale="en-GB", **options)
    context.set_default_timeout(10_000)
    return context


def authenticator_code() -> str:
    """Return the demo secretariat's current authenticator code."""
    import pyotp

    from network.demo import seed

    return pyotp.TOTP(seed.DEMO_TOTP_SECRET).now()


def log_in(
    page: Page,
    server: LiveServer,
    email: str,
    password: str = DEMO_PASSWORD,
    *,
    on_second_step: Any = None,
) -> None:
    """Log in through the login form, and the second step when the account has one.

    An account with two-factor on is sent to ``/login/verify`` after its password; its
    code is computed from the demo key. A code works once: log each such account in
    once per server (or wait for the next 30-second step). ``on_second_step(page)`` is
    called on that page before the code is typed.
    """
    page.goto(server.url("/login"))
    main = page.get_by_role("main")
    main.get_by_label("E-mail address").fill(email)
    main.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation():
        main.get_by_role("button", name="Log in").click()
    code = page.get_by_role("main").get_by_label("Authentication code")
    if code.count():
        if on_second_step is not None:
            on_second_step(page)
        code.fill(authenticator_code())
        with page.expect_navigation():
            code.press("Enter")
    errors = page.locator(".error-summary, .error").all_inner_texts()
    assert not errors, f"logging in as {email} failed: {errors}"
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def submit_with_password(page: Page, button: Locator, password: str = DEMO_PASSWORD) -> None:
    """Press a form's button, first re-entering the password when that form asks for it."""
    form = page.locator("form").filter(has=button)
    asked = form.locator("input[name=password]")
    if asked.count():
        asked.fill(password)
    with page.expect_navigation():
        button.click()


def screenshot(page: Page, name: str) -> Path:
    """Keep a full-page screenshot as a test artefact."""
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def flash_text(page: Page) -> str:
    """Return the text of the page's flash messages."""
    return " ".join(page.locator(".flashes").all_inner_texts())
