"""Run the benchmark of issue #9 and print every figure with its target (``make bench``).

Environment: ``BENCH_SCALE`` (default 1: the full size; 0.1 for a quick run),
``BENCH_LOAD_SECONDS`` (seconds of load per route, default 4 at full size),
``BENCH_PG_URL`` (default ``postgresql://root@127.0.0.1:5432/test``; the benchmark
works in a schema of its own and drops it afterwards).
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import sqlalchemy as sa
from flask import Flask

from bench import dataset as data
from bench import (
    desk_bench,
    outbox_bench,
    peak_bench,
    practices_bench,
    profile_pages,
    progress_bench,
    tally_bench,
)
from bench import routes as route_list
from bench.load import LoadGenerator, Tally
from network import create_app, freeze_startup_objects
from network.audit.queries import check_chain
from network.audit.verification import run_checks
from network.config import normalise_database_url
from network.db import db

ROOT = Path(__file__).resolve().parent.parent
STATEMENT_TARGET = 10
P95_TARGET_MS = 50.0
RATIO_TARGET = {False: 0.3, True: 0.8}
TALLY_TARGET_MS = 100.0
MEMORY_TARGET_MB = 50.0
# Production builds links from its public address and refuses other hosts: here, loopback.
BENCH_PUBLIC_URL = "http://127.0.0.1"
VERIFY_TARGET_S = 60.0  # issue #18: the whole record verified in under a minute
SMALL_SCALE = 0.01
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


@dataclass
class Summary:
    """The final table: one row per figure."""

    rows: list[tuple[str, str, str, str]] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)

    def add(self, what: str, figure: str, target: str, verdict: bool | str | None) -> None:
        """Record a figure; ``verdict`` None means not measured, a string is said as is."""
        if isinstance(verdict, str):
            word = verdict
        else:
            word = "SKIP" if verdict is None else ("PASS" if verdict else "MISS")
        self.rows.append((what, figure, target, word))

    def print(self) -> None:
        """Print the table."""
        heading("Summary")
        widths = [max(len(row[i]) for row in self.rows) for i in range(3)]
        for what, figure, target, word in self.rows:
            print(
                f"{what:<{widths[0]}}  {figure:>{widths[1]}}  target {target:<{widths[2]}}  {word}"
            )
        if self.broken:
            print("\nBROKEN (not measured):")
            for line in self.broken:
                print(f"  {line}")


def heading(title: str) -> None:
    """Print a section heading, with the machine's load (other work skews the times)."""
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\n== {title} ==  (load average {load} on {os.cpu_count()} CPUs)", flush=True)


def verdict(ok: bool) -> str:
    """Return PASS or MISS."""
    return "PASS" if ok else "MISS"


def measuring_app(url: str) -> Flask:
    """Return the app as production runs it (public-page cache off), on ``url``.

    Like wsgi.py, it freezes what start-up built out of garbage collection.
    """
    os.environ["PUBLIC_CACHE"] = "0"
    app = create_app(
        "production",
        {
            "DATABASE_URL": url,
            "SECRET_KEY": secrets.token_hex(32),
            "BALLOT_KEY": secrets.token_hex(32),
            "RATELIMIT_ENABLED": False,
            "PUBLIC_URL": BENCH_PUBLIC_URL,
        },
    )
    freeze_startup_objects()
    return app


def build_database(url: str, scale: float) -> data.Dataset:
    """Build the dataset at ``scale`` in the empty database at ``url``."""
    app = create_app("testing", {"DATABASE_URL": url, "RATELIMIT_ENABLED": False})
    started = time.perf_counter()
    dataset = data.build(app, scale)
    with app.app_context():
        from network.db import db

        db.engine.dispose()
    logging.getLogger("alembic").setLevel(logging.WARNING)
    print(f"built {dataset.sizes} in {time.perf_counter() - started:.1f} s", flush=True)
    return dataset


@contextlib.contextmanager
def counting_statements() -> Iterator[list[str]]:
    """Collect the SQL statements run meanwhile (transaction control left out)."""
    seen: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        if not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
            seen.append(statement)

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", before)


def fetch(client: Any, url: str) -> tuple[int, int]:
    """GET ``url`` and read the whole body; return the status and the body's length."""
    response = client.get(url, headers={"Accept-Language": "en"})
    try:
        size = sum(len(chunk) for chunk in response.iter_encoded())
        return response.status_code, size
    finally:
        response.close()


def count_statements(app: Flask, urls: list[tuple[str, str]]) -> dict[str, int | None]:
    """Count the statements of one request to each route (None when it is not a 200)."""
    client = app.test_client()
    counts: dict[str, int | None] = {}
    for template, url in urls:
        fetch(client, url)  # warm: first-use work (templates, mappers) is not per request
        with counting_statements() as seen:
            status, _size = fetch(client, url)
        counts[template] = len(seen) if status == 200 else None
        if status != 200:
            print(f"  {url}: status {status}", flush=True)
    return counts


def is_export(template: str) -> bool:
    """Tell whether a route is a download of a whole list (CSV or JSON, streamed)."""
    return template.split("?", 1)[0].endswith((".csv", ".json"))


def percentile(values: list[float], share: float) -> float:
    """Return the nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def section_progress(summary: Summary, sqlite_url: str) -> None:
    """Time a declaration's progress with every member city reporting (issue #20)."""
    heading("A declaration's progress: every member city signs and reports on 8 commitments")
    started = time.perf_counter()
    signatories, city = progress_bench.fill(sqlite_url)
    print(
        f"{signatories} signatories × 8 commitments × 2 periods in "
        f"{time.perf_counter() - started:.1f} s"
    )
    app = measuring_app(sqlite_url)
    for row in progress_bench.measure(app, time_route, count_statements, city):
        statements = row["statements"]
        ok = (
            statements is not None
            and statements <= progress_bench.STATEMENT_BOUND
            and row["p95"] < progress_bench.TARGET_MS
        )
        print(
            f"  {row['what']}: median {row['median']:.1f} ms, p95 {row['p95']:.1f} ms, "
            f"{row['size'] // 1024} KiB, {statements} statements — {verdict(ok)} "
            f"(bound {progress_bench.STATEMENT_BOUND}, target < "
            f"{progress_bench.TARGET_MS:.0f} ms)"
        )
        summary.add(
            f"progress of 13,000 signatories, {row['what']}",
            f"{row['p95']:.1f} ms, {statements} st.",
            f"≤ {progress_bench.STATEMENT_BOUND} st., < {progress_bench.TARGET_MS:.0f} ms",
            ok,
        )
    with app.app_context():
        db.engine.dispose()


def time_route(client: Any, url: str, requests: int) -> tuple[float, float, int, int]:
    """Time a route after a warm-up; return median and p95 in ms, the count and body size."""
    started = time.perf_counter()
    fetch(client, url)
    warm = time.perf_counter() - started
    # Slow routes get fewer repetitions so the run stays short (at least 5).
    n = requests if warm <= 0.1 else max(5, min(requests, int(3.0 / warm)))
    times, size = [], 0
    for _ in range(n):
        started = time.perf_counter()
        _status, size = fetch(client, url)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), percentile(times, 0.95), n, size


def section_routes(
    summary: Summary, full_url: str, full: data.Dataset, small_url: str, small: data.Dataset
) -> None:
    """Statements per request (small vs full) and server time per route (full)."""
    heading("SQL statements and server time per route (SQLite, in-process, cache off)")
    small_app = measuring_app(small_url)
    small_counts = count_statements(
        small_app, route_list.fill(route_list.ROUTES, small.placeholders())
    )
    app = measuring_app(full_url)
    full_urls = route_list.fill(route_list.ROUTES, full.placeholders())
    full_counts = count_statements(app, full_urls)
    client = app.test_client()
    print(
        f"{'route':<62} {'stmts':>5} {'small':>5} {'':4} {'median':>8} {'p95':>8} "
        f"{'n':>3} {'bytes':>9} {'':4}"
    )
    over_statements, grew, over_time, worst_p95, worst_count = [], [], [], 0.0, 0
    slow_exports, worst_export = [], 0.0
    for template, url in full_urls:
        count, small_count = full_counts[template], small_counts[template]
        if count is None or small_count is None:
            summary.broken.append(f"{template}: not a 200 answer")
            print(f"{template:<62} ERROR (not a 200 answer)")
            continue
        statements_ok = count <= STATEMENT_TARGET and count == small_count
        median, p95, n, size = time_route(client, url, 30)
        worst_count = max(worst_count, count)
        if count > STATEMENT_TARGET:
            over_statements.append(template)
        if count != small_count:
            grew.append(template)
        # A full export streams every row from one query: its time grows with the rows
        # by nature (its memory does not; see the memory section).
        export = is_export(template) and p95 > P95_TARGET_MS
        if export:
            slow_exports.append(template)
            worst_export = max(worst_export, p95)
        else:
            worst_p95 = max(worst_p95, p95)
            if p95 > P95_TARGET_MS:
                over_time.append(template)
        time_verdict = (
            "streamed export — time proportional to rows"
            if export
            else verdict(p95 <= P95_TARGET_MS)
        )
        print(
            f"{template:<62} {count:>5} {small_count:>5} {verdict(statements_ok):4} "
            f"{median:>6.1f}ms {p95:>6.1f}ms {n:>3} {size:>9} {time_verdict}",
            flush=True,
        )
    measured = len(full_urls) - len(summary.broken)
    print(
        f"\nstatement bound: at most {STATEMENT_TARGET} per request, the same at "
        f"{small.sizes.members} and {full.sizes.members} member cities"
    )
    for name, routes in (
        (f"over {STATEMENT_TARGET} statements", over_statements),
        ("statements grow with the data", grew),
        (f"p95 over {P95_TARGET_MS:.0f} ms", over_time),
        (f"streamed exports over {P95_TARGET_MS:.0f} ms (time proportional to rows)", slow_exports),
    ):
        print(f"{name}: {', '.join(routes) if routes else 'none'}")
    summary.add(
        f"statements per request, max over {measured} routes",
        str(worst_count),
        f"<= {STATEMENT_TARGET}",
        not over_statements,
    )
    summary.add(
        "routes whose statements grow with the data",
        str(len(grew)),
        "0",
        not grew,
    )
    summary.add(
        f"server p95, worst of {measured - len(slow_exports)} routes (SQLite)",
        f"{worst_p95:.1f} ms",
        f"<= {P95_TARGET_MS:.0f} ms",
        not over_time,
    )
    summary.add(
        "routes with p95 over 50 ms (streamed exports apart)",
        str(len(over_time)),
        "0",
        not over_time,
    )
    if slow_exports:
        summary.add(
            f"streamed full exports, worst p95 ({len(slow_exports)} routes)",
            f"{worst_export:.1f} ms",
            "proportional to rows",
            "NOTE",
        )
    with app.app_context():
        from network.db import db

        db.engine.dispose()


def section_memory(summary: Summary, url: str, full: data.Dataset) -> None:
    """Peak memory growth while exporting the big declaration's signatures as CSV."""
    heading("Memory while exporting the big declaration's signatures as CSV (SQLite)")
    app = measuring_app(url)
    client = app.test_client()
    path = f"/declarations/{full.big_declaration}/signatures.csv"
    fetch(client, path)  # warm: imports, templates, mappers
    process = psutil.Process()
    peak_rss = [process.memory_info().rss]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak_rss[0] = max(peak_rss[0], process.memory_info().rss)
            time.sleep(0.002)

    rss_before = process.memory_info().rss
    sampler = threading.Thread(target=sample)
    sampler.start()
    tracemalloc.start()
    baseline, _ = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    status, size = fetch(client, path)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    done.set()
    sampler.join()
    growth_mb = (peak - baseline) / 2**20
    rss_mb = (peak_rss[0] - rss_before) / 2**20
    if status != 200:
        summary.broken.append(f"{path}: status {status}")
        return
    rows = full.sizes.members
    print(
        f"{path}: {size} bytes ({rows} signatures); Python allocations peak +{growth_mb:.1f} MB "
        f"(tracemalloc), process RSS peak +{rss_mb:.1f} MB (psutil, sampled every 2 ms) "
        f"— {verdict(growth_mb < MEMORY_TARGET_MB)} (target < {MEMORY_TARGET_MB:.0f} MB)"
    )
    summary.add(
        f"CSV export of {full.sizes.members} signatures, peak growth",
        f"{growth_mb:.1f} MB",
        f"< {MEMORY_TARGET_MB:.0f} MB",
        growth_mb < MEMORY_TARGET_MB,
    )


def section_tally(summary: Summary, url: str, full: data.Dataset) -> None:
    """Tally time of the big vote: approval, and instant-runoff beside pyrankvote."""
    heading("Tally of the big vote (network/votes/tally.py; pyrankvote beside it)")
    app = measuring_app(url)
    figures = tally_bench.measure(app, full.big_vote)
    same = figures.irv_winner == figures.pyrankvote_winner
    faster = figures.irv_ms < figures.pyrankvote_ms
    print(
        f"approval, {figures.ballots} ballots: {figures.approval_ms:.2f} ms "
        f"(outcome {figures.approval_outcome}) — "
        f"{verdict(figures.approval_ms < TALLY_TARGET_MS)} (target < 100 ms)"
    )
    print(
        f"instant-runoff, {figures.ballots} ballots, {tally_bench.CANDIDATES} candidates: "
        f"ours {figures.irv_ms:.1f} ms ({figures.irv_rounds} rounds, winner "
        f"{figures.irv_winner}); pyrankvote {figures.pyrankvote_ms:.1f} ms (winner "
        f"{figures.pyrankvote_winner}); same winner: {'yes' if same else 'NO'}; "
        f"{figures.pyrankvote_ms / figures.irv_ms:.1f}× faster — "
        f"{verdict(figures.irv_ms < TALLY_TARGET_MS and faster and same)} "
        "(target < 100 ms, faster than pyrankvote, same winner)"
    )
    summary.add(
        f"tally, approval, {figures.ballots} ballots",
        f"{figures.approval_ms:.2f} ms",
        "< 100 ms",
        figures.approval_ms < TALLY_TARGET_MS,
    )
    summary.add(
        f"tally, instant-runoff, {tally_bench.CANDIDATES} candidates",
        f"{figures.irv_ms:.1f} ms",
        "< 100 ms",
        figures.irv_ms < TALLY_TARGET_MS,
    )
    summary.add(
        "pyrankvote instant-runoff, same ballots",
        f"{figures.pyrankvote_ms:.1f} ms",
        "slower than ours",
        faster,
    )
    summary.add("instant-runoff: same winner as pyrankvote", "yes" if same else "no", "yes", same)


def free_port() -> int:
    """Return a free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(
    url: str,
    public_cache: bool,
    redis_url: str | None = None,
    *,
    workers: int = 2,
    keys: tuple[str, str] | None = None,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Serve ``bench.wsgi_bench:app`` with ``workers``; yield the port and its cache config.

    ``keys`` are the SECRET_KEY and BALLOT_KEY to serve with (fresh ones by default).

    With ``redis_url`` the workers share the page cache and the state marks in Redis
    (as production runs with ``REDIS_URL``); without, each keeps its own pages and
    hears the marks from PostgreSQL.
    """
    port = free_port()
    env = {
        **os.environ,
        "NETWORK_ENV": "production",
        "SECRET_KEY": keys[0] if keys else secrets.token_hex(32),
        "BALLOT_KEY": keys[1] if keys else secrets.token_hex(32),
        "DATABASE_URL": url,
        "PUBLIC_CACHE": "1" if public_cache else "0",
        "PUBLIC_URL": BENCH_PUBLIC_URL,
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)  # rate limits are off in wsgi_bench
    if redis_url:
        env["REDIS_URL"] = redis_url
    command = [
        sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
        "--log-level", "warning", "bench.wsgi_bench:app",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/__bench/config") as answer:
                    config = json.load(answer)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        yield port, config
    finally:
        server.terminate()
        server.wait(timeout=30)


def postgres_schema(base_url: str) -> tuple[str, Callable[[], None]]:
    """Create a schema of its own; return its URL and a function that drops it."""
    base = normalise_database_url(base_url)
    schema = f"dwcn_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(
        base, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5}
    )
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in base else "?"

    def drop() -> None:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()

    return f"{base}{separator}options=-csearch_path%3D{schema}", drop


def section_throughput(summary: Summary, scale: float, seconds: float) -> None:
    """Throughput of public pages under gunicorn on PostgreSQL, as a ratio to a bare route."""
    heading("Throughput under gunicorn, 2 workers, PostgreSQL (ratio to a bare route)")
    base = os.environ.get("BENCH_PG_URL", "postgresql://root@127.0.0.1:5432/test")
    try:
        url, drop = postgres_schema(base)
    except sa.exc.OperationalError as error:
        reason = str(error).splitlines()[0]
        print(f"PostgreSQL unreachable at {base} ({reason}): throughput section SKIPPED")
        for cached in (False, True):
            summary.add(f"throughput ratio, PUBLIC_CACHE={int(cached)}", "-", "", None)
        return
    try:
        full = build_database(url, scale)
        urls = route_list.fill(route_list.LOAD_ROUTES, full.placeholders())
        load = LoadGenerator(processes=2, threads=2)
        print(
            f"load: 2 client processes × 2 threads on loopback, {seconds:g} s per route, "
            "in 4 slices taken in turns with as many of the bare route"
        )
        runs: list[tuple[bool, str | None]] = [(False, None), (True, None)]
        redis_url = reachable_redis()
        if redis_url:
            runs.append((True, redis_url))
        else:
            print("Redis unreachable: the shared-cache run is SKIPPED")
            summary.add("throughput ratio, PUBLIC_CACHE=1 with Redis", "-", "", None)
        try:
            for cached, shared in runs:
                throughput_run(summary, load, url, urls, cached, seconds, shared)
        finally:
            load.close()
        # Last on this database: it opens a vote and casts ballots in it.
        section_peak(summary, url, redis_url)
    finally:
        drop()


def section_peak(summary: Summary, url: str, redis_url: str | None) -> None:
    """Measure the voting-day peak (issue #19): logins, ballots in the room, live pollers."""
    workers = 2 * (os.cpu_count() or 1)  # as deploy/gunicorn.conf.py
    heading(
        f"The voting-day peak: gunicorn ({workers} workers), PostgreSQL, Redis "
        "(bench/peak_bench.py)"
    )
    if not redis_url:
        print("Redis unreachable: the peak section is SKIPPED (production runs with Redis)")
        summary.add("voting-day peak", "-", "", None)
        return
    keys = (secrets.token_hex(32), secrets.token_hex(32))
    app = create_app(
        "production",
        {
            "DATABASE_URL": url,
            "SECRET_KEY": keys[0],
            "BALLOT_KEY": keys[1],
            "RATELIMIT_ENABLED": False,
            "PUBLIC_URL": BENCH_PUBLIC_URL,
        },
    )

    @contextlib.contextmanager
    def serve() -> Iterator[int]:
        with gunicorn(url, True, redis_url, workers=workers, keys=keys) as (port, _config):
            yield port

    peak_bench.section_peak(summary.add, summary.broken, app, serve)
    with app.app_context():
        db.engine.dispose()


def reachable_redis() -> str | None:
    """Return ``BENCH_REDIS_URL`` (default: database 15 on loopback) if Redis answers there."""
    import redis

    url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        return url if redis.Redis.from_url(url, socket_timeout=1).ping() else None
    except redis.RedisError:
        return None


def interleaved(
    load: LoadGenerator, port: int, path: str, seconds: float, slices: int = 4
) -> tuple[Tally, Tally]:
    """Load ``path`` and the bare route in turns, ``seconds`` each in all; return both tallies.

    The machine's pace drifts over a run (other work, clock speed): measuring each page
    beside the bare route, slice by slice, keeps the drift out of their ratio.
    """
    page, bare = Tally(), Tally()
    for _ in range(slices):
        for total, target in ((bare, "/__bench/bare"), (page, path)):
            part = load.run(port, target, seconds / slices)
            total.requests += part.requests
            total.failures += part.failures
            total.seconds += part.seconds
    return page, bare


def throughput_run(
    summary: Summary,
    load: LoadGenerator,
    url: str,
    urls: list[tuple[str, str]],
    cached: bool,
    seconds: float,
    redis_url: str | None = None,
) -> None:
    """Serve with PUBLIC_CACHE off or on (per process, or shared in Redis); load each route."""
    with gunicorn(url, cached, redis_url) as (port, config):
        if not config["known"]:
            state = "the app has no PUBLIC_CACHE setting yet: this run is UNCACHED"
        else:
            state = f"the app's PUBLIC_CACHE is {config['public_cache']}"
        where = (
            "pages in Redis, shared by the workers, and a copy in each; state marks "
            "announced by Redis"
            if redis_url
            else "pages in each worker; state marks announced by PostgreSQL (NOTIFY)"
        )
        print(f"\nPUBLIC_CACHE={int(cached)} ({state}; {where})")
        effective = bool(config["known"] and config["public_cache"])
        target = RATIO_TARGET[effective]
        for _template, path in urls:  # warm each worker's connection, templates and cache
            load.run(port, path, 0.3)
        print(f"{'route':<52} {'req/s':>8}  {'bare':>6}  ratio")
        worst, below, bares = math.inf, [], []
        rates: dict[str, float] = {}
        for template, path in urls:
            tally, bare = interleaved(load, port, path, seconds)
            bares.append(bare.per_second)
            rates[template] = tally.per_second / bare.per_second if bare.per_second else 0.0
            ratio = tally.per_second / bare.per_second if bare.per_second else 0.0
            worst = min(worst, ratio)
            if ratio < target:
                below.append(template)
            failures = f"  {tally.failures} failed" if tally.failures else ""
            print(
                f"{template:<52} {tally.per_second:>8.1f}  {bare.per_second:>6.0f}  {ratio:5.3f}  "
                f"{verdict(ratio >= target)}{failures}",
                flush=True,
            )
            if tally.failures and not tally.requests:
                summary.broken.append(f"{template} under gunicorn: every request failed")
        print(f"bare route across the run: {min(bares):.0f} to {max(bares):.0f} req/s")
        if not effective:
            print("floor of the stack (not targets: the layout alone, then with one query):")
            floors: dict[str, float] = {}
            for path in route_list.FLOOR_ROUTES:
                tally, bare = interleaved(load, port, path, seconds)
                ratio = tally.per_second / bare.per_second if bare.per_second else 0.0
                floors[path] = ratio
                figures = f"{tally.per_second:>8.1f}  {bare.per_second:>6.0f}"
                print(f"  {path:<50} {figures}  {ratio:5.3f}")
            section_floor_ratio(summary, rates, floors.get("/verify/", 0.0))
        print(f"below {target}: {', '.join(below) if below else 'none'}")
        label = ("cached, Redis" if redis_url else "cached") if effective else "uncached"
        summary.add(
            f"throughput ratio, PUBLIC_CACHE={int(cached)} ({label}), worst of {len(urls)}",
            f"{worst:.3f}",
            f">= {target}",
            not below,
        )
        summary.add(
            f"pages below {target} with PUBLIC_CACHE={int(cached)} ({label})",
            str(len(below)),
            "0",
            not below,
        )


# Issue #19: uncached, these pages at least this share of the layout-only page's rate.
FLOOR_PAGES = ["/elections/{election}", "/votes/{big_vote}", "/cities/"]
FLOOR_TARGET = 0.4


def section_floor_ratio(summary: Summary, rates: dict[str, float], verify: float) -> None:
    """Print each page's rate as a share of ``/verify/``'s (both relative to the bare route)."""
    if not verify:
        return
    print(f"uncached, as a share of /verify/ (the layout alone; target >= {FLOOR_TARGET}):")
    for template in FLOOR_PAGES:
        share = rates.get(template, 0.0) / verify
        print(f"  {template:<50} {share:5.2f}  {verdict(share >= FLOOR_TARGET)}")
        summary.add(
            f"uncached {template} / /verify/", f"{share:.2f}", f">= {FLOOR_TARGET}",
            share >= FLOOR_TARGET,
        )  # fmt: skip


def section_profile(summary: Summary, url: str, full: data.Dataset) -> None:
    """Where an uncached page's time goes (docs/performance.md keeps the table)."""
    heading("Where an uncached page's time goes (SQLite, in-process, cProfile; shares)")
    app = measuring_app(url)
    values = full.placeholders()
    pages = [
        ("/verify/", "/verify/"),
        ("election", f"/elections/{values['election']}"),
        ("vote", f"/votes/{values['big_vote']}"),
        ("directory", "/cities/"),
    ]
    figures = profile_pages.report(app.test_client(), pages)
    floor = figures["/verify/"][0]
    for name, _path in pages[1:]:
        share = floor / figures[name][0] if figures[name][0] else 0.0
        print(f"{name}: {share:.2f} of /verify/'s rate in-process")
    with app.app_context():
        db.engine.dispose()


def section_verify(summary: Summary, url: str, full: data.Dataset) -> None:
    """Time ``flask audit verify``'s work on the whole dataset: the chain, then every record."""
    heading("flask audit verify on the whole record (SQLite)")
    app = measuring_app(url)
    with app.app_context():
        started = time.perf_counter()
        report = check_chain()
        chained = time.perf_counter()
        names, problems = run_checks()
        done = time.perf_counter()
        db.session.remove()
    if not report.intact or problems:
        summary.broken.append(
            f"audit verify: chain {'intact' if report.intact else 'BROKEN'}, "
            f"{len(problems)} problem(s): {problems[:3]}"
        )
        return
    seconds = done - started
    print(
        f"{report.checked} entries: chain {chained - started:.1f} s, records "
        f"({len(names)} checks) {done - chained:.1f} s, total {seconds:.1f} s — "
        f"{verdict(seconds < VERIFY_TARGET_S)} (target < {VERIFY_TARGET_S:.0f} s)"
    )
    summary.add(
        f"audit verify, {report.checked} entries and their records",
        f"{seconds:.1f} s",
        f"< {VERIFY_TARGET_S:.0f} s",
        seconds < VERIFY_TARGET_S,
    )


def section_desk(
    summary: Summary, full_url: str, full: data.Dataset, small_url: str, small: data.Dataset
) -> None:
    """Measure a delegate's desk and the secretariat's dashboard, logged in (issue #15)."""
    heading("A delegate's desk and the secretariat's dashboard, logged in (SQLite, in-process)")
    counts: dict[str, list[int]] = {desk_bench.DESK: [], desk_bench.DASHBOARD: []}
    timed: dict[str, tuple[float, float, int, int]] = {}
    for url, dataset in ((small_url, small), (full_url, full)):
        email = desk_bench.prepare(measuring_app(url))
        app = measuring_app(url)
        delegate, officer = app.test_client(), app.test_client()
        desk_bench.log_in(delegate, email)
        desk_bench.log_in_secretariat(officer)
        for client, path in ((delegate, desk_bench.DESK), (officer, desk_bench.DASHBOARD)):
            fetch(client, path)  # warm
            with counting_statements() as seen:
                response = client.get(path, headers={"Accept-Language": "en"})
            # Both pages show the vote prepared: a ballot to cast, a vote's turnout.
            shown = desk_bench.shows_the_vote(path, response.get_data(as_text=True))
            if response.status_code != 200 or not shown:
                summary.broken.append(f"{path}: status {response.status_code}, vote shown {shown}")
                return
            counts[path].append(len(seen))
            if dataset is full:
                timed[path] = time_route(client, path, 30)
        with app.app_context():
            db.engine.dispose()
    for path, what in ((desk_bench.DESK, "delegate's desk"), (desk_bench.DASHBOARD, "dashboard")):
        small_count, full_count = counts[path]
        median, p95, n, size = timed[path]
        print(
            f"{what} ({path}): {full_count} statements at {full.sizes.members} member cities, "
            f"{small_count} at {small.sizes.members} — {verdict(full_count == small_count)}; "
            f"median {median:.1f} ms, p95 {p95:.1f} ms ({n} requests, {size} bytes) — "
            f"{verdict(p95 <= P95_TARGET_MS)} (target <= {P95_TARGET_MS:.0f} ms)"
        )
        summary.add(
            f"{what} statements, small / full",
            f"{small_count} / {full_count}",
            "the same",
            small_count == full_count,
        )
        summary.add(
            f"{what} p95 at {full.sizes.members} cities (SQLite)",
            f"{p95:.1f} ms",
            f"<= {P95_TARGET_MS:.0f} ms",
            p95 <= P95_TARGET_MS,
        )


def section_outbox(summary: Summary, scale: float) -> None:
    """Queue a notice to every member city's delegates, then deliver it (issue #15)."""
    heading("A notice to the delegates of every member city: queued, then sent over SMTP")
    base = os.environ.get("BENCH_PG_URL", "postgresql://root@127.0.0.1:5432/test")
    try:
        url, drop = postgres_schema(base)
    except sa.exc.OperationalError as error:
        print(f"PostgreSQL unreachable at {base} ({str(error).splitlines()[0]}): SKIPPED")
        summary.add("notice to every member city's delegates queued", "-", "", None)
        return
    try:
        outbox_bench.section_outbox(summary.add, summary.broken, url, scale)
    finally:
        drop()


def section_practices(summary: Summary, sqlite_url: str, scale: float) -> None:
    """Search the practices library at 13,000 cities × 5 practices (issue #20)."""
    heading("The practices library's search, 5 practices per member city (page and API)")
    base = os.environ.get("BENCH_PG_URL", "postgresql://root@127.0.0.1:5432/test")
    try:
        pg_url, drop = postgres_schema(base)
    except sa.exc.OperationalError as error:
        print(f"PostgreSQL unreachable at {base} ({str(error).splitlines()[0]}): SQLite only")
        pg_url, drop = None, lambda: None
    try:
        runs = [("SQLite, FTS5", sqlite_url, False)]
        if pg_url:
            runs.append(("PostgreSQL, GIN", pg_url, True))
        for label, url, fresh in runs:
            started = time.perf_counter()
            added, city = practices_bench.fill(url, scale, fresh=fresh)
            print(f"{label}: {added} practices added in {time.perf_counter() - started:.1f} s")
            app = measuring_app(url)
            for row in practices_bench.measure(app, time_route, count_statements, city):
                worst = max(row["page_p95"], row["api_p95"])
                ok = worst < practices_bench.TARGET_MS
                print(
                    f"  {row['what']} ({row['words']!r}): {row['total']} found; p95 page "
                    f"{row['page_p95']:.1f} ms, API {row['api_p95']:.1f} ms, "
                    f"{row['statements']} statements — {verdict(ok)} "
                    f"(target < {practices_bench.TARGET_MS:.0f} ms)"
                )
                summary.add(
                    f"practices search, {row['what']} ({label})",
                    f"{worst:.1f} ms",
                    f"< {practices_bench.TARGET_MS:.0f} ms",
                    ok,
                )
            with app.app_context():
                db.engine.dispose()
    finally:
        drop()


def main() -> int:
    """Build the datasets, run every section, print the summary."""
    # Stopped from outside, still drop the PostgreSQL schema and the temporary files.
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(143))
    scale = float(os.environ.get("BENCH_SCALE", "1"))
    seconds = float(os.environ.get("BENCH_LOAD_SECONDS", "4" if scale >= 1 else "1"))
    summary = Summary()
    started = time.perf_counter()
    print(f"Benchmark of issue #9 at BENCH_SCALE={scale:g} (1 is the full size)", flush=True)
    with tempfile.TemporaryDirectory(prefix="dwcn-bench-") as tmp:
        heading("Datasets (SQLite, migrated with Alembic)")
        full_url = f"sqlite:///{tmp}/full.sqlite3"
        small_url = f"sqlite:///{tmp}/small.sqlite3"
        full = build_database(full_url, scale)
        small = build_database(small_url, min(SMALL_SCALE, scale / 10))
        section_routes(summary, full_url, full, small_url, small)
        section_profile(summary, full_url, full)
        section_memory(summary, full_url, full)
        section_tally(summary, full_url, full)
        section_verify(summary, full_url, full)
        # Last on these databases: it opens a vote of the whole network.
        section_desk(summary, full_url, full, small_url, small)
        section_practices(summary, full_url, scale)
        section_progress(summary, full_url)
    section_throughput(summary, scale, seconds)
    section_outbox(summary, scale)
    summary.print()
    print(f"\n(total {time.perf_counter() - started:.0f} s)")
    return 1 if summary.broken else 0


if __name__ == "__main__":
    sys.exit(main())
