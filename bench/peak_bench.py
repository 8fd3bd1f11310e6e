"""The voting-day peak (issue #19), on gunicorn with PostgreSQL and Redis.

Three things happen on a voting day that an average day never shows:

- **Logins.** Verifying a password with argon2 (64 MiB, three passes, four lanes) is
  by design the dearest thing the site does. ``logins`` measures it twice: argon2
  alone, one verification after another in as many processes as the machine has
  cores, and whole logins over HTTP (the form, its CSRF token, the password, the new
  session), from which it works out the cores that 13,000 delegates logging in within
  ten minutes need.
- **Ballots in the room.** A vote opens in the live session and the delegates of
  2,000 cities cast their city's ballot within 30 seconds. ``ballots`` spreads their
  arrivals evenly over the window (an open loop: a slow answer does not slow the
  arrivals, as in a room), each delegate loading the ballot page (its CSRF token) and
  casting. Their sessions are made with the app's own key as the login form would
  make them, so that the peak measured is the ballots' and not the logins' (measured
  apart above). Afterwards the database must hold exactly one ballot per city and the
  turnout must say so.
- **The room's screens.** Alongside, 1,000 clients poll the session's ``live.json``
  every two seconds, each sending the ETag of its last answer: answered ``304`` while
  nothing changed, and from the shared page cache when it did.

Every figure is printed beside the bare route's throughput measured in the same run,
so a slower or busier machine reads as such.
"""

from __future__ import annotations

import http.client
import multiprocessing
import os
import random
import re
import socket
import statistics
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from flask import Flask, session
from flask_login import login_user

from bench import live_bench
from bench.desk_bench import PASSWORD
from network.auth.models import Role, User
from network.auth.passwords import hash_password
from network.auth.session import LAST_SEEN, STARTED
from network.cities.models import City, MembershipStatus
from network.common import clock
from network.db import db
from network.meetings.models import AgendaItem, Meeting
from network.votes.models import Ballot, Participation

CITIES = 2_000
WINDOW_S = 30.0
POLLERS = int(os.environ.get("BENCH_PEAK_POLLERS", "1000"))
POLL_EVERY_S = 2.0
LOGIN_ACCOUNTS = 64  # distinct delegates logging in, round and round
LOGIN_SECONDS = 12.0
DELEGATES_TO_LOG_IN = 13_000
LOGIN_WINDOW_S = 600.0
BALLOT_P95_TARGET_MS = 250.0
AGENT = "dwcn-bench/1 (voting-day peak)"
CSRF = re.compile(rb'name="csrf_token" type="hidden" value="([^"]+)"')


def percentile(values: list[float], share: float) -> float:
    """Return the ``share`` percentile (nearest rank) of ``values``, 0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


# --- logins -------------------------------------------------------------------------


def _argon2_worker(args: tuple[str, float, int, int, int]) -> int:
    stored, seconds, time_cost, memory_cost, parallelism = args
    hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)
    deadline = time.monotonic() + seconds
    done = 0
    while time.monotonic() < deadline:
        hasher.verify(stored, PASSWORD)
        done += 1
    return done


def argon2_alone(app: Flask, seconds: float = 6.0) -> tuple[float, float]:
    """Return (one verification's time in ms, verifications per second on every core)."""
    with app.app_context():
        stored = hash_password(PASSWORD)
    cost = (
        app.config["ARGON2_TIME_COST"],
        app.config["ARGON2_MEMORY_COST"],
        app.config["ARGON2_PARALLELISM"],
    )
    hasher = PasswordHasher(time_cost=cost[0], memory_cost=cost[1], parallelism=cost[2])
    times = []
    for _ in range(10):
        started = time.perf_counter()
        hasher.verify(stored, PASSWORD)
        times.append((time.perf_counter() - started) * 1000)
    cores = os.cpu_count() or 1
    with multiprocessing.get_context("fork").Pool(cores) as pool:
        done = sum(pool.map(_argon2_worker, [(stored, seconds, *cost)] * cores))
    return statistics.median(times), done / seconds


def _login_once(port: int, email: str) -> tuple[bool, float]:
    """Log in through the form as a browser would; return (logged in, seconds taken)."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", "/login", headers={"User-Agent": AGENT})
        page = connection.getresponse()
        body = page.read()
        cookie = (page.getheader("Set-Cookie") or "").split(";")[0]
        token = CSRF.search(body)
        if page.status != 200 or not token or not cookie:
            return False, time.perf_counter() - started
        connection.close()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        form = (f"csrf_token={token.group(1).decode()}&email={email}&password={PASSWORD}").encode()
        connection.request(
            "POST",
            "/login",
            body=form,
            headers={
                "User-Agent": AGENT,
                "Cookie": cookie,
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        answer = connection.getresponse()
        answer.read()
        return answer.status == 302, time.perf_counter() - started
    except (OSError, http.client.HTTPException):
        return False, time.perf_counter() - started
    finally:
        connection.close()


def logins_over_http(port: int, emails: list[str], threads: int) -> tuple[int, int, float, float]:
    """Log ``emails`` in, round and round, for LOGIN_SECONDS; return ok, failed, s, p95 ms."""
    deadline = time.monotonic() + LOGIN_SECONDS
    results: list[tuple[bool, float]] = []
    lock = threading.Lock()

    def client(offset: int) -> None:
        index = offset
        while time.monotonic() < deadline:
            outcome = _login_once(port, emails[index % len(emails)])
            with lock:
                results.append(outcome)
            index += threads

    started = time.monotonic()
    workers = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started
    ok = [seconds * 1000 for good, seconds in results if good]
    return len(ok), len(results) - len(ok), elapsed, percentile(ok, 0.95)


# --- ballots and pollers ------------------------------------------------------------


@dataclass
class Peak:
    """What happened during the ballot window."""

    page_ms: list[float] = field(default_factory=list)
    cast_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    late_s: list[float] = field(default_factory=list)  # how late each delegate started
    finished_s: float = 0.0


def _cast(port: int, vote_id: int, cookie: str, peak: Peak, lock: threading.Lock) -> None:
    headers = {"User-Agent": AGENT, "Cookie": cookie, "Accept-Language": "en"}
    path = f"/votes/{vote_id}/ballot"
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        page = connection.getresponse()
        body = page.read()
        loaded = time.perf_counter()
        connection.close()
        token = CSRF.search(body)
        if page.status != 200 or not token:
            with lock:
                peak.errors.append(f"ballot page {page.status}")
            return
        # The page's form token is kept in the session, which the page sent back.
        renewed = page.getheader("Set-Cookie")
        if renewed:
            headers["Cookie"] = renewed.split(";")[0]
        form = f"csrf_token={token.group(1).decode()}&choice=yes&step=confirm".encode()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        sent = time.perf_counter()
        connection.request(
            "POST",
            path,
            body=form,
            headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
        )
        answer = connection.getresponse()
        answer.read()
        cast = time.perf_counter()
        connection.close()
        with lock:
            peak.page_ms.append((loaded - started) * 1000)
            if answer.status == 302:
                peak.cast_ms.append((cast - sent) * 1000)
            else:
                peak.errors.append(f"cast {answer.status}")
    except (OSError, http.client.HTTPException) as error:
        with lock:
            peak.errors.append(f"{type(error).__name__}: {error}")


def _poll(port: int, request_line: bytes, etag: bytes | None) -> tuple[int, bytes | None]:
    """Ask once, on a fresh connection (gunicorn's sync workers close each one)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        condition = b"If-None-Match: " + etag + b"\r\n" if etag else b""
        sock.sendall(request_line + condition + b"Connection: close\r\n\r\n")
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head = b"".join(chunks).split(b"\r\n\r\n", 1)[0]
    status = int(head[9:12])
    found = re.search(rb"(?im)^etag:\s*(\S+)", head)
    return status, found.group(1) if found else etag


def _pollers(args: tuple[int, str, int, float, float]) -> tuple[int, int, int, list[float]]:
    """One process's share of the pollers: each asks every POLL_EVERY_S until ``stop_at``."""
    port, path, count, start_at, stop_at = args
    request_line = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: {AGENT}\r\n".encode()
    threads = 16
    tallies = [[0, 0, 0] for _ in range(threads)]
    latencies: list[list[float]] = [[] for _ in range(threads)]

    def run(number: int) -> None:
        rng = random.Random(number)
        mine = range(number, count, threads)
        # Each poller's first ask is spread over the first interval, as screens come on.
        due = {poller: start_at + rng.uniform(0, POLL_EVERY_S) for poller in mine}
        etags: dict[int, bytes | None] = dict.fromkeys(mine)
        while True:
            poller = min(due, key=due.__getitem__)
            wait = due[poller] - time.time()
            if due[poller] >= stop_at:
                return
            if wait > 0:
                time.sleep(wait)
            sent = time.perf_counter()
            try:
                status, etags[poller] = _poll(port, request_line, etags[poller])
                latencies[number].append((time.perf_counter() - sent) * 1000)
                tallies[number][0 if status == 304 else 1 if status == 200 else 2] += 1
            except (OSError, ValueError):
                tallies[number][2] += 1
            due[poller] += POLL_EVERY_S

    workers = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return (
        sum(t[0] for t in tallies),
        sum(t[1] for t in tallies),
        sum(t[2] for t in tallies),
        [ms for part in latencies for ms in part],
    )


def ballots_with_pollers(
    port: int, vote_id: int, cookies: list[str], live_path: str, pollers: int
) -> tuple[Peak, tuple[int, int, int, list[float]]]:
    """Cast one ballot per cookie, arrivals spread over WINDOW_S, with ``pollers`` polling."""
    peak, lock = Peak(), threading.Lock()
    rng = random.Random(19)
    offsets = sorted(rng.uniform(0, WINDOW_S) for _ in cookies)
    start_at = time.time() + 2.0
    polled: Any = None
    pool = None
    if pollers:
        processes = 2
        pool = multiprocessing.get_context("fork").Pool(processes)
        share = [
            (port, live_path, pollers // processes, start_at - POLL_EVERY_S, start_at + WINDOW_S)
        ] * processes
        polled = pool.map_async(_pollers, share)

    def delegate(index: int) -> None:
        wait = start_at + offsets[index] - time.time()
        if wait > 0:
            time.sleep(wait)
        with lock:
            peak.late_s.append(max(0.0, -wait))
        _cast(port, vote_id, cookies[index], peak, lock)

    with ThreadPoolExecutor(max_workers=96) as executor:
        list(executor.map(delegate, range(len(cookies))))
    peak.finished_s = time.time() - start_at
    polls = (0, 0, 0, [])
    if pool is not None:
        parts = polled.get()
        pool.close()
        pool.join()
        polls = (
            sum(p[0] for p in parts),
            sum(p[1] for p in parts),
            sum(p[2] for p in parts),
            [ms for p in parts for ms in p[3]],
        )
    return peak, polls


# --- preparing the database ---------------------------------------------------------


def prepare(app: Flask, login_hash_accounts: int) -> tuple[str, int, list[int], list[str]]:
    """Open the session's vote; pick a delegate per city; give some a production hash.

    :returns: the live.json path, the vote's id, the voting delegates' ids (one per
        member city, at most CITIES) and the e-mail addresses of the accounts whose
        password hash now has production's cost (the login measurement's).
    """
    live_path = live_bench.prepare(app)
    meeting_id = int(live_path.split("/")[2])
    with app.app_context():
        vote_id = db.session.scalar(
            sa.select(AgendaItem.vote_id)
            .join(Meeting, Meeting.current_item_id == AgendaItem.id)
            .where(Meeting.id == meeting_id)
        )
        voters = list(
            db.session.scalars(
                sa.select(sa.func.min(User.id))
                .join(City, City.id == User.city_id)
                .where(
                    User.role == Role.delegate,
                    User.active.is_(True),
                    City.status == MembershipStatus.member,
                )
                .group_by(User.city_id)
                .order_by(sa.func.min(User.id).desc())  # the bulk cities, not the demo's
                .limit(CITIES)
            )
        )
        # The dataset's hashes are cheap (built with the tests' argon2 settings): the
        # accounts that log in get one made with production's.
        stored = hash_password(PASSWORD)
        login_ids = voters[:login_hash_accounts]
        db.session.execute(
            sa.update(User).where(User.id.in_(login_ids)).values(password_hash=stored)
        )
        emails = list(db.session.scalars(sa.select(User.email).where(User.id.in_(login_ids))))
        db.session.commit()
        db.session.remove()
    return live_path, vote_id, voters, emails


def session_cookies(app: Flask, user_ids: list[int]) -> list[str]:
    """Return a logged-in session cookie for each account, as the login form makes it."""
    cookies = []
    with app.app_context():
        users = db.session.scalars(sa.select(User).where(User.id.in_(user_ids))).all()
        for user in users:
            with app.test_request_context(
                "/", environ_base={"REMOTE_ADDR": "127.0.0.1"}, headers={"User-Agent": AGENT}
            ):
                login_user(user)
                session[LAST_SEEN] = session[STARTED] = clock.now().timestamp()
                response = app.response_class()
                app.session_interface.save_session(app, session, response)
                cookies.append(response.headers["Set-Cookie"].split(";")[0])
        db.session.remove()
    return cookies


def stored_ballots(app: Flask, vote_id: int) -> tuple[int, int, int]:
    """Return (participations, distinct cities among them, ballots) of the vote."""
    with app.app_context():
        row = db.session.execute(
            sa.select(
                sa.func.count(Participation.city_id),
                sa.func.count(sa.distinct(Participation.city_id)),
            ).where(Participation.vote_id == vote_id)
        ).one()
        ballots = db.session.scalar(
            sa.select(sa.func.count()).select_from(Ballot).where(Ballot.vote_id == vote_id)
        )
        db.session.remove()
    return row[0], row[1], ballots or 0


def shown_turnout(port: int, live_path: str) -> int | None:
    """Return the turnout (ballots cast) that live.json shows now."""
    import json

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", live_path, headers={"User-Agent": AGENT})
    state = json.loads(connection.getresponse().read())
    connection.close()
    return (state.get("vote") or {}).get("cast")


def bare_rate(port: int, seconds: float = 3.0, threads: int = 4) -> float:
    """Return the bare route's requests per second, measured now."""
    from bench.load import LoadGenerator

    load = LoadGenerator(processes=2, threads=threads // 2)
    try:
        return load.run(port, "/__bench/bare", seconds).per_second
    finally:
        load.close()


# --- the section ----------------------------------------------------------------------


def section_peak(
    add: Callable[[str, str, str, bool | str | None], None],
    broken: list[str],
    app: Flask,
    serve: Callable[[], AbstractContextManager[int]],
) -> None:
    """Measure logins, then 2,000 cities' ballots in 30 s with 1,000 pollers; print figures.

    ``app`` is an app on the database to serve with the server's SECRET_KEY (the
    sessions made here must be the server's); ``serve()`` starts gunicorn on it and
    yields its port, once the vote is open.
    """
    live_path, vote_id, voters, emails = prepare(app, LOGIN_ACCOUNTS)
    print(f"a vote open in the live session: {len(voters)} cities' delegates ready to cast")
    with serve() as port:
        measure(add, broken, app, port, (live_path, vote_id, voters, emails))


def measure(
    add: Callable[[str, str, str, bool | str | None], None],
    broken: list[str],
    app: Flask,
    port: int,
    prepared: tuple[str, int, list[int], list[str]],
) -> None:
    """Measure on the server at ``port`` (see ``section_peak``)."""
    live_path, vote_id, voters, emails = prepared
    cores = os.cpu_count() or 1
    bare_before = bare_rate(port)
    print(f"bare route now: {bare_before:.0f} req/s")

    # Logins.
    one_ms, verifications = argon2_alone(app)
    per_core_alone = verifications / cores
    print(
        f"argon2 alone: one verification {one_ms:.0f} ms; {verifications:.1f}/s on "
        f"{cores} cores ({per_core_alone:.1f} per core)"
    )
    ok, failed, seconds, p95 = logins_over_http(port, emails, threads=2 * cores)
    rate = ok / seconds if seconds else 0.0
    per_core = rate / cores
    needed = DELEGATES_TO_LOG_IN / LOGIN_WINDOW_S
    cores_needed = needed / per_core if per_core else float("inf")
    print(
        f"logins over HTTP (form, CSRF, argon2, session), {2 * cores} clients: {ok} in "
        f"{seconds:.1f} s = {rate:.1f}/s ({per_core:.1f} per core of this machine, the "
        f"load generator sharing them), p95 {p95:.0f} ms, {failed} failed"
    )
    print(
        f"13,000 delegates in 10 minutes = {needed:.1f} logins/s: {cores_needed:.1f} app "
        f"cores at {per_core:.1f}/s per core"
    )
    add("logins per second per core (HTTP, argon2 64 MiB t=3 p=4)", f"{per_core:.1f}", "", "-")
    add("app cores for 13,000 logins in 10 minutes", f"{cores_needed:.1f}", "", "-")
    if failed:
        broken.append(f"logins: {failed} of {ok + failed} failed")

    # Ballots with pollers.
    cookies = session_cookies(app, voters)
    peak, (not_modified, full, poll_errors, poll_ms) = ballots_with_pollers(
        port, vote_id, cookies, live_path, POLLERS
    )
    cast = peak.cast_ms
    participations, cities, ballots = stored_ballots(app, vote_id)
    turnout = shown_turnout(port, live_path)
    p50, p95, p99 = (percentile(cast, share) for share in (0.5, 0.95, 0.99))
    polls = not_modified + full + poll_errors
    print(
        f"{len(cookies)} cities casting within {WINDOW_S:.0f} s, {POLLERS} clients polling "
        f"{live_path} every {POLL_EVERY_S:.0f} s:"
    )
    print(
        f"  ballots cast: {len(cast)} in {peak.finished_s:.1f} s "
        f"({len(cast) / peak.finished_s if peak.finished_s else 0:.1f}/s); casting p50 "
        f"{p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms — "
        f"{'PASS' if p95 <= BALLOT_P95_TARGET_MS else 'MISS'} (target p95 <= "
        f"{BALLOT_P95_TARGET_MS:.0f} ms); ballot page p95 {percentile(peak.page_ms, 0.95):.0f} "
        f"ms; delegates started late by at most {max(peak.late_s, default=0):.1f} s"
    )
    print(f"  errors: {len(peak.errors)} {sorted(set(peak.errors))[:5]}")
    print(
        f"  stored: {participations} participations of {cities} distinct cities, {ballots} "
        f"ballots; live.json turnout {turnout}"
    )
    print(
        f"  polls: {polls} ({polls / (WINDOW_S + POLL_EVERY_S):.0f}/s): {not_modified} "
        f"answered 304, {full} answered 200 (the turnout had changed), {poll_errors} failed; "
        f"p50 {percentile(poll_ms, 0.5):.0f} ms, p95 {percentile(poll_ms, 0.95):.0f} ms"
    )
    bare_after = bare_rate(port)
    print(f"bare route after: {bare_after:.0f} req/s")
    exact = participations == cities == ballots == len(cookies) == turnout
    add(f"ballots of {len(cookies)} cities in {WINDOW_S:.0f} s: errors", str(len(peak.errors)),
        "0", not peak.errors)  # fmt: skip
    add("one ballot stored per city, turnout right", f"{ballots} / {turnout}",
        str(len(cookies)), exact)  # fmt: skip
    add("casting p50 / p95 / p99, 1,000 pollers alongside", f"{p50:.0f} / {p95:.0f} / {p99:.0f} ms",
        f"p95 <= {BALLOT_P95_TARGET_MS:.0f} ms", p95 <= BALLOT_P95_TARGET_MS)  # fmt: skip
    add("live.json polls answered 304 / 200 / failed", f"{not_modified} / {full} / {poll_errors}",
        "no failure", not poll_errors)  # fmt: skip
    if not exact:
        broken.append(
            f"peak: {participations} participations, {cities} cities, {ballots} ballots, "
            f"turnout {turnout} for {len(cookies)} cities"
        )
