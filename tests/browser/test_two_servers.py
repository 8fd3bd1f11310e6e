"""Two app servers behind nginx, one PostgreSQL and one Redis: the deployment, tested.

The module starts what ``deploy/`` describes, on loopback: two gunicorn servers in
production mode against the same PostgreSQL schema and Redis database, and Debian's
nginx running ``deploy/nginx/dwcn.conf`` itself (its ports, certificate and paths
replaced, a self-signed certificate for TLS). A delegate then goes through nginx, whose
round robin sends consecutive requests to different servers: the session made on one
is honoured by the other, the ballot cast on one is seen by the other's cached pages at
once, the login rate limit counts across both, and stopping one server midway loses
nothing but that server. Each server's access log says which one answered what.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect

from network import ROOT
from network.config import normalise_database_url
from tests.browser.conftest import (
    LiveServer,
    _free_port,
    _run,
    flash_text,
    log_in,
    new_person,
    screenshot,
)
from tests.conftest import make_database_url, on_postgres

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not on_postgres(),
        reason="several servers share one PostgreSQL (SQLite serves one server): "
        "set TEST_DATABASE_URL, as .ci/run does",
    ),
]

NGINX = "/usr/sbin/nginx"
NGINX_CONF = ROOT / "deploy" / "nginx" / "dwcn.conf"
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
REDIS_URL = "redis://127.0.0.1:6379/6"
CHARTER_VOTE = "Adoption of the council charter, version 1"


@dataclass
class AppServer:
    """One gunicorn server: its port, its process and its access log."""

    port: int
    process: subprocess.Popen[bytes]
    access_log: Path

    def requests(self) -> list[str]:
        """Return the request lines it answered so far, each as "METHOD PATH STATUS"."""
        if not self.access_log.exists():
            return []
        return [line.strip() for line in self.access_log.read_text().splitlines() if line]


@dataclass
class Deployment:
    """nginx in front of two app servers."""

    url: str
    servers: list[AppServer]
    database_url: str
    log: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def site(self) -> LiveServer:
        return LiveServer(self.url, {}, self.log)

    def direct(self, server: AppServer, path: str) -> tuple[int, dict[str, str], str]:
        """GET ``path`` from one server without nginx, as nginx would ask it."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{server.port}{path}",
            headers={
                "X-Forwarded-Host": self.url.removeprefix("https://"),
                "X-Forwarded-Proto": "https",
                "X-Forwarded-For": "127.0.0.1",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()


def _log_format() -> str:
    # One line per request: method, path (no query), status.
    return "%(m)s %(U)s %(s)s"


def _render_nginx(tmp: Path, https_port: int, http_port: int, upstreams: list[int]) -> Path:
    """Write ``deploy/nginx/dwcn.conf`` with this run's ports and paths, and a main file."""
    certificate, key = tmp / "site.crt", tmp / "site.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(certificate)],
        check=True,
        capture_output=True,
    )
    lines = []
    for line in NGINX_CONF.read_text().splitlines():
        marker = re.search(r"# test: (\w+)$", line)
        if not marker:
            lines.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip())]
        match marker.group(1):
            case "upstream":
                if "8001" in line:
                    lines += [f"{indent}server 127.0.0.1:{port} max_fails=1;" for port in upstreams]
            case "http":
                if "[::]" not in line:
                    lines.append(f"{indent}listen 127.0.0.1:{http_port};")
            case "https":
                if "[::]" not in line:
                    lines.append(f"{indent}listen 127.0.0.1:{https_port} ssl http2;")
            case "certificate":
                lines.append(f"{indent}ssl_certificate {certificate};")
            case "key":
                lines.append(f"{indent}ssl_certificate_key {key};")
            case "static":
                lines.append(f"{indent}alias {ROOT / 'network' / 'static'}/;")
            case other:
                raise AssertionError(f"unknown test marker {other!r} in {NGINX_CONF}")
    site = tmp / "dwcn.conf"
    site.write_text("\n".join(lines) + "\n")
    main = tmp / "nginx.conf"
    user = "user root;\n" if os.geteuid() == 0 else ""
    main.write_text(
        f"{user}worker_processes 1;\ndaemon off;\npid {tmp / 'nginx.pid'};\n"
        f"error_log {tmp / 'error.log'} warn;\n"
        "events { worker_connections 256; }\n"
        "http {\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n"
        f"  access_log {tmp / 'access.log'};\n"
        + "".join(
            f"  {kind}_temp_path {tmp / kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"  include {site};\n}}\n"
    )
    return main


def _wait(url: str, deadline_seconds: float = 30) -> None:
    context = ssl._create_unverified_context()  # the test's own self-signed certificate
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2, context=context) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"nothing answered at {url}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory, artifacts: Path) -> Iterator[Deployment]:
    if not os.access(NGINX, os.X_OK):
        pytest.fail(
            f"nginx is missing at {NGINX}: apt-get install --no-install-recommends nginx "
            "(`make test` installs it)",
            pytrace=False,
        )
    tmp = tmp_path_factory.mktemp("deploy")
    database_url, drop = make_database_url(tmp, "dwcn_deploy")
    log = artifacts / "server-two-servers.log"
    log.write_text("")
    base = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "SECRET_KEY", "BALLOT_KEY", "TEST_DATABASE_URL"}
    }
    base.update(DATABASE_URL=database_url, PYTHONUNBUFFERED="1", PYTHONWARNINGS="ignore")
    setup = {**base, "NETWORK_ENV": "development", "FLASK_APP": "wsgi.py"}
    flask = [sys.executable, "-m", "flask"]
    _run([*flask, "db", "upgrade"], setup, log)
    _run([*flask, "network", "seed-demo"], setup, log)
    redis.Redis.from_url(REDIS_URL).flushdb()

    https_port, http_port = _free_port(), _free_port()
    ports = [_free_port(), _free_port()]
    production = {
        **base,
        "NETWORK_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "BALLOT_KEY": secrets.token_hex(32),
        "PUBLIC_URL": f"https://127.0.0.1:{https_port}",
        "REDIS_URL": REDIS_URL,
        "TRUST_PROXY_HOPS": "1",
    }
    servers = []
    processes = []
    try:
        for number, port in enumerate(ports, start=1):
            access_log = tmp / f"access-{number}.log"
            command = [sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_CONF)]
            command += ["--workers=2", f"--bind=127.0.0.1:{port}"]
            command += [f"--access-logfile={access_log}", f"--access-logformat={_log_format()}"]
            with log.open("a") as out:
                process = subprocess.Popen(
                    [*command, "wsgi:app"], cwd=ROOT, env=production, stdout=out, stderr=out
                )
            processes.append(process)
            servers.append(AppServer(port, process, access_log))
        for server in servers:
            _wait(f"http://127.0.0.1:{server.port}/health/live")
        main = _render_nginx(tmp, https_port, http_port, ports)
        check = subprocess.run(
            [NGINX, "-t", "-p", str(tmp), "-c", str(main)], capture_output=True, text=True
        )
        assert check.returncode == 0, check.stderr
        with log.open("a") as out:
            processes.append(
                subprocess.Popen([NGINX, "-p", str(tmp), "-c", str(main)], stdout=out, stderr=out)
            )
        _wait(f"https://127.0.0.1:{https_port}/health/live")
        for server in servers:  # the health checks are not part of the journey
            server.access_log.write_text("")
        yield Deployment(f"https://127.0.0.1:{https_port}", servers, database_url, log, processes)
    finally:
        for process in reversed(processes):
            _stop(process)
        for name in ("error.log", "access.log"):
            if (tmp / name).exists():
                shutil.copy(tmp / name, artifacts / f"nginx-{name}")
        for number, server in enumerate(servers, start=1):
            if server.access_log.exists():
                shutil.copy(server.access_log, artifacts / f"gunicorn-{number}-access.log")
        drop()


def _charter_vote_id(deployment: Deployment) -> int:
    engine = sa.create_engine(normalise_database_url(deployment.database_url))
    try:
        with engine.connect() as connection:
            return connection.scalar(
                sa.text("SELECT id FROM votes WHERE title = :title AND status = 'open'"),
                {"title": CHARTER_VOTE},
            )
    finally:
        engine.dispose()


def _served(server: AppServer, method: str, path: str, status: int | None = None) -> int:
    """Count the requests ``server`` answered for this method and path (and status)."""
    count = 0
    for line in server.requests():
        seen_method, seen_path, seen_status = line.split(" ")
        if (seen_method, seen_path) == (method, path) and status in (None, int(seen_status)):
            count += 1
    return count


def _which_served(
    deployment: Deployment,
    method: str,
    path: str,
    before: list[int],
    status: int | None = None,
    wait: float = 5.0,
) -> list[int]:
    """Return the servers that answered one more such request than ``before`` says.

    Gunicorn writes a request's access-log line after sending its answer, so the browser
    may have it before the line is there: wait (up to ``wait`` seconds) for the line.
    """
    deadline = time.monotonic() + wait
    while True:
        served = [
            index
            for index, server in enumerate(deployment.servers)
            if _served(server, method, path, status) > before[index]
        ]
        if served or time.monotonic() > deadline:
            return served
        time.sleep(0.05)


def _served_at_least(
    server: AppServer, method: str, path: str, status: int, count: int, wait: float = 5.0
) -> int:
    """Count as ``_served`` does, waiting (up to ``wait`` seconds) for ``count`` lines."""
    deadline = time.monotonic() + wait
    while (seen := _served(server, method, path, status)) < count:
        if time.monotonic() > deadline:
            break
        time.sleep(0.05)
    return seen


def person(browser: Browser, deployment: Deployment, email: str) -> Page:
    context = new_person(browser, ignore_https_errors=True)
    page = context.new_page()
    log_in(page, deployment.site, email)
    return page


def test_both_servers_answer_one_session_and_see_one_state(browser, deployment):
    first, second = deployment.servers
    vote_id = _charter_vote_id(deployment)
    vote_path = f"/votes/{vote_id}"

    # Before: both servers give the public vote page the same ETag.
    before = [deployment.direct(server, vote_path) for server in deployment.servers]
    assert [status for status, _headers, _body in before] == [200, 200]
    etag = before[0][1]["ETag"]
    assert before[1][1]["ETag"] == etag

    # Logged in through nginx, the delegate's requests land on both servers, as logged in.
    page = person(browser, deployment, "seoul@example.org")
    for _ in range(4):
        page.goto(deployment.url + "/account")
        expect(page.get_by_role("button", name="Log out")).to_be_visible()
    assert _served_at_least(first, "GET", "/account", 200, 1) >= 1
    assert _served_at_least(second, "GET", "/account", 200, 1) >= 1

    # The ballot: reviewed and cast through nginx; whichever server took the POST, the
    # other showed the page that followed, flash and all (the session is the cookie).
    page.goto(deployment.url + vote_path + "/ballot")
    page.get_by_role("radio", name="Yes", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Review the ballot").click()
    casts_before = [_served(server, "POST", vote_path + "/ballot") for server in deployment.servers]
    pages_before = [_served(server, "GET", vote_path, 200) for server in deployment.servers]
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm and cast the ballot").click()
    assert "Your city's ballot is cast." in flash_text(page)
    expect(page.get_by_role("region", name="Your city's ballot")).to_contain_text(
        "Your city voted: Yes"
    )
    screenshot(page, "two-servers-01-ballot-cast")
    cast_on = _which_served(deployment, "POST", vote_path + "/ballot", casts_before)
    shown_on = _which_served(deployment, "GET", vote_path, pages_before, status=200)
    assert len(cast_on) == 1 and len(shown_on) == 1
    assert cast_on != shown_on, "nginx sent the ballot and the page after it to one server"

    # At once, both servers' public page has a new ETag, the same on both, and the
    # turnout counts the ballot; the old ETag gets the new page, not a 304.
    after = [deployment.direct(server, vote_path) for server in deployment.servers]
    assert after[0][1]["ETag"] == after[1][1]["ETag"] != etag
    for _status, _headers, body in after:
        assert "Seoul" in body


def test_the_login_rate_limit_counts_across_both_servers(browser, deployment):
    context = new_person(browser, ignore_https_errors=True)
    page = context.new_page()
    statuses: list[int] = []
    landed: list[int] = []  # which server took each attempt
    for _ in range(7):
        if len(landed) >= 2 and landed[-1] == landed[-2]:
            # A form's GET and POST are two requests, so round robin would send every
            # POST to the same server: one more request sends the next to the other.
            page.goto(deployment.url + "/login")
        page.goto(deployment.url + "/login")
        posts_before = [_served(server, "POST", "/login") for server in deployment.servers]
        main = page.get_by_role("main")
        main.get_by_label("E-mail address").fill("hamburg@example.org")
        main.get_by_label("Password", exact=True).fill("not the password at all")
        with page.expect_response(lambda r: r.request.method == "POST") as answer:
            main.get_by_role("button", name="Log in").click()
        statuses.append(answer.value.status)
        landed += _which_served(deployment, "POST", "/login", posts_before)
    # Five failures a minute for one account from one address, wherever they land: the
    # sixth is refused (with one counter per server it would take ten).
    assert statuses[:5] == [422] * 5 and statuses[5:] == [429, 429], statuses
    assert len(landed) == 7 and landed.count(0) >= 2 and landed.count(1) >= 2, landed


def test_static_files_come_from_nginx_with_a_long_life(deployment):
    context = ssl._create_unverified_context()
    with urllib.request.urlopen(deployment.url + "/", context=context) as response:
        home = response.read().decode()
        assert "max-age=31536000" not in response.headers.get("Cache-Control", "")
    stylesheet = re.search(r'href="(/static/css/site\.css\?v=[0-9a-f]{12})"', home)
    assert stylesheet, "the stylesheet's address carries its content's digest"
    with urllib.request.urlopen(deployment.url + stylesheet.group(1), context=context) as response:
        assert response.status == 200
        assert "immutable" in response.headers["Cache-Control"]
        assert "max-age=31536000" in response.headers["Cache-Control"]
    assert not any(_served(server, "GET", "/static/css/site.css") for server in deployment.servers)


def test_a_server_stopped_midway_loses_no_session(browser, deployment):
    page = person(browser, deployment, "vienna@example.org")
    page.goto(deployment.url + "/account")
    first, second = deployment.servers
    _stop(first.process)
    before = _served(second, "GET", "/account", 200)
    for _ in range(3):
        response = page.goto(deployment.url + "/account")
        assert response is not None and response.status == 200
        expect(page.get_by_role("button", name="Log out")).to_be_visible()
    assert _served_at_least(second, "GET", "/account", 200, before + 3) == before + 3
    screenshot(page, "two-servers-02-one-server-left")
