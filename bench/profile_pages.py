"""Where an uncached page's time goes (issue #19), for ``make bench`` and docs/performance.md.

Each page is asked for many times in the process under ``cProfile`` (public cache off,
production settings, the dataset's size) and every function's own time is put in one
of the parts a request goes through: the database driver and SQL execution, the ORM
turning rows into objects, Jinja rendering (our templates' code and Jinja's), building
addresses (``url_for``), Babel (translations and formatting), the session cookie,
Flask-Login, our own code, and the rest (Flask and Werkzeug's request handling, the
standard library). Built-ins and the standard library count for the part that called
them. The profiler slows every call alike, so the shares are what to
read, not the milliseconds; the time of one request without the profiler is printed
beside them.
"""

from __future__ import annotations

import cProfile
import pstats
import time
from collections import defaultdict
from typing import Any

PARTS = [
    ("SQL (driver, execution)", ("sqlalchemy/engine", "sqlalchemy/sql", "sqlalchemy/dialects",
                                 "sqlalchemy/pool", "psycopg", "sqlite3", "_sqlite3")),
    ("ORM loading", ("sqlalchemy/orm", "sqlalchemy/util", "sqlalchemy/event")),
    ("rendering (Jinja)", ("jinja2", "markupsafe", "templates/")),
    ("url_for", ("werkzeug/routing", "werkzeug/urls", "flask/helpers.py:url_for")),
    ("Babel", ("babel/", "flask_babel")),
    ("session cookie", ("flask/sessions", "itsdangerous")),
    ("Flask-Login", ("flask_login",)),
    ("our code", ("/network/",)),
]  # fmt: skip
OTHER = "Flask and Werkzeug (the request itself)"


def part_of(filename: str, function: str) -> str | None:
    """Return the part a function belongs to, from its file; None for shared helpers.

    Built-ins, the standard library and Werkzeug's context-local proxies serve every
    part: their time goes to the parts of the functions that called them.
    """
    where = f"{filename}:{function}"
    for name, markers in PARTS:
        if any(marker in where for marker in markers):
            return name
    if filename == "~" or "/lib/python3" in filename and "site-packages" not in filename:
        return None
    if "werkzeug/local.py" in filename or filename.startswith("<frozen"):
        return None
    return OTHER


def _shares(stats: dict[Any, Any]) -> dict[str, float]:
    """Return each part's own time, a shared helper's given to its callers' parts."""
    memo: dict[Any, dict[str, float]] = {}

    def weights(function: Any, depth: int = 0) -> dict[str, float]:
        """Return how ``function``'s time splits over the parts (fractions summing to 1)."""
        if function in memo:
            return memo[function]
        part = part_of(function[0], function[2])
        if part is not None or depth > 6 or function not in stats:
            memo[function] = {part or OTHER: 1.0}
            return memo[function]
        memo[function] = {OTHER: 1.0}  # a cycle of helpers: said as the rest
        callers = stats[function][4]
        total = sum(edge[2] for edge in callers.values()) or 0.0
        split: dict[str, float] = defaultdict(float)
        for caller, edge in callers.items():
            share = edge[2] / total if total else 1.0 / len(callers)
            for name, weight in weights(caller, depth + 1).items():
                split[name] += share * weight
        memo[function] = dict(split) or {OTHER: 1.0}
        return memo[function]

    own: dict[str, float] = defaultdict(float)
    for function, (_cc, _nc, tottime, _ct, _callers) in stats.items():
        for name, weight in weights(function).items():
            own[name] += tottime * weight
    return own


def profile(client: Any, path: str, requests: int = 60) -> tuple[float, dict[str, float]]:
    """Return one request's median ms without the profiler, and each part's share of time."""
    headers = {"Accept-Language": "en"}
    for _ in range(5):
        client.get(path, headers=headers).close()  # warm: templates compiled, caches filled
    plain = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(path, headers=headers).close()
        plain.append((time.perf_counter() - started) * 1000)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(path, headers=headers).close()
    profiler.disable()
    own = _shares(pstats.Stats(profiler).stats)  # type: ignore[attr-defined]
    total = sum(own.values()) or 1.0
    return sorted(plain)[len(plain) // 2], {part: own[part] / total for part in own}


def report(client: Any, pages: list[tuple[str, str]]) -> dict[str, tuple[float, dict[str, float]]]:
    """Profile each ``(name, path)``; print a table of shares; return the figures."""
    figures = {name: profile(client, path) for name, path in pages}
    names = [name for name, _ in pages]
    parts = [name for name, _ in PARTS] + [OTHER]
    print(f"{'share of the time':<42}" + "".join(f"{name:>12}" for name in names))
    for part in parts:
        print(
            f"{part:<42}"
            + "".join(f"{figures[name][1].get(part, 0) * 100:>11.0f}%" for name in names)
        )
    print(f"{'one request, no profiler (median)':<42}" + "".join(
        f"{figures[name][0]:>9.1f} ms" for name in names))  # fmt: skip
    return figures
