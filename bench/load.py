"""A load generator on loopback: processes of threads, each a keep-alive ``http.client``.

gunicorn's sync workers close the connection after each answer, so a client opens a
new one whenever the server says it will close; it never waits between requests.
"""

from __future__ import annotations

import http.client
import multiprocessing
import threading
import time
from dataclasses import dataclass


@dataclass
class Tally:
    """What a load run achieved."""

    requests: int = 0  # answered 200
    failures: int = 0  # other statuses and connection errors
    seconds: float = 0.0

    @property
    def per_second(self) -> float:
        """Return the successful requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0


def _client(port: int, path: str, deadline: float, out: list[int]) -> None:
    ok = failed = 0
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Accept-Language": "en", "Accept-Encoding": "identity"}
    while time.monotonic() < deadline:
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                ok += 1
            else:
                failed += 1
            if response.will_close:
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        except (OSError, http.client.HTTPException):
            failed += 1
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.close()
    out.extend((ok, failed))


def _process(args: tuple[int, str, float, int]) -> tuple[int, int, float]:
    port, path, seconds, threads = args
    started = time.monotonic()
    deadline = started + seconds
    results: list[list[int]] = [[] for _ in range(threads)]
    workers = [
        threading.Thread(target=_client, args=(port, path, deadline, results[i]))
        for i in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started  # to the end of the last answer
    return sum(r[0] for r in results), sum(r[1] for r in results), elapsed


class LoadGenerator:
    """A pool of client processes, reused for every route of a run."""

    def __init__(self, processes: int = 2, threads: int = 2) -> None:
        self.processes = processes
        self.threads = threads
        self.pool = multiprocessing.get_context("fork").Pool(processes)

    def run(self, port: int, path: str, seconds: float) -> Tally:
        """Send requests for ``path`` for ``seconds`` from every client at once."""
        parts = self.pool.map(_process, [(port, path, seconds, self.threads)] * self.processes)
        return Tally(
            requests=sum(part[0] for part in parts),
            failures=sum(part[1] for part in parts),
            seconds=max(part[2] for part in parts),
        )

    def close(self) -> None:
        """Stop the client processes."""
        self.pool.close()
        self.pool.join()
