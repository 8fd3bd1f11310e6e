"""What each process hears announced of the state marks, so a read needs no round trip.

Every commit that wrote an audit entry announces the state marks it leaves (the
audit head, the closing times of open votes; see ``conditional``) on a channel: a
Redis channel when the site has Redis, else PostgreSQL's ``NOTIFY``, which the
database sends when, and only if, the transaction commits. Each process listens on a
connection of its own and, before using the marks, reads without waiting what
arrived since: a few microseconds, instead of a query or a Redis round trip.

A process trusts what it heard only while it is sure nothing was missed. It is not
sure, and the caller asks the database (or Redis) and reports the answer with
:meth:`Listener.asked`, when it has just started listening (or started again after a
fork, an error or a lost connection), or when it last asked more than
``TRUSTED_SECONDS`` ago: a connection dropped without a word cannot hide an
announcement for longer than that.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

# The audit head entry's number, its hash, the open votes' closing times, and when the
# head entry was written (for Last-Modified; None in marks announced before it was kept).
Marks = tuple[int, str, list[datetime], datetime | None]

# How long a process trusts what it heard without asking.
TRUSTED_SECONDS = 1.0


class ListenerLost(Exception):
    """The connection listened on failed; the listener starts again at the next call."""


class Restart(Exception):  # noqa: N818 - a signal, not an error
    """Raised by a listener's ``_receive`` when announcements may have been missed."""


def encode(marks: Marks) -> str:
    """Return the announcement of ``marks`` (JSON; also how Redis keeps them)."""
    seq, head_hash, closings, head_at = marks
    written = head_at.isoformat() if head_at else None
    return json.dumps([seq, head_hash, [c.isoformat() for c in closings], written])


def decode(raw: str | bytes | None) -> Marks | None:
    """Return the marks of an announcement (None for None)."""
    if raw is None:
        return None
    seq, head_hash, closings, *rest = json.loads(raw)
    head_at = datetime.fromisoformat(rest[0]) if rest and rest[0] else None
    return seq, head_hash, [datetime.fromisoformat(c) for c in closings], head_at


class Listener:
    """The newest marks one process heard, and whether it can be sure of them."""

    def __init__(self) -> None:
        """Start with nothing heard; the connection is made at the first call, per process."""
        self._lock = threading.Lock()
        self._pid = 0
        self._listening = False
        self._heard: Marks | None = None
        self._asked_at = 0.0

    def heard(self) -> Marks | None:
        """Return the marks this process is sure of without asking, else None.

        Raises ListenerLost (once) when the connection fails; the next call listens
        again on a new one.
        """
        with self._lock:
            try:
                if not self._listening or self._pid != os.getpid():
                    self._heard = None
                    self._start()
                    self._pid, self._listening = os.getpid(), True
                for marks in self._receive():
                    self._hear(marks)
            except Restart:
                self._heard = None
            except Exception as error:
                self._listening, self._heard = False, None
                with contextlib.suppress(Exception):
                    self._stop()
                raise ListenerLost from error
            if self._heard is None or time.monotonic() - self._asked_at > TRUSTED_SECONDS:
                return None
            return self._heard

    def asked(self, marks: Marks) -> None:
        """Take ``marks``, just read where they are kept, as known now (unless newer were heard).

        Only once listening: what was read before may already be out of date.
        """
        with self._lock:
            if self._listening and self._pid == os.getpid():
                self._hear(marks)
                self._asked_at = time.monotonic()

    def close(self) -> None:
        """Stop listening and close the connection (the next call starts again)."""
        with self._lock:
            self._listening, self._heard = False, None
            self._stop()

    def forget(self) -> None:
        """Be unsure until the next time the marks are asked for (a publication failed)."""
        with self._lock:
            self._heard = None

    def _hear(self, marks: Marks) -> None:
        if self._heard is None or marks[0] >= self._heard[0]:
            self._heard = marks

    def _start(self) -> None:
        """Connect and listen (any earlier connection of this process is left behind)."""
        raise NotImplementedError

    def _receive(self) -> Iterator[Marks]:
        """Yield the marks announced since the last call, without waiting; Restart if unsure."""
        raise NotImplementedError

    def _stop(self) -> None:
        """Close the connection."""
        raise NotImplementedError


class RedisListener(Listener):
    """Listens on a Redis channel (redis-py's publish/subscribe)."""

    def __init__(self, client: Any, channel: str) -> None:
        """Listen with ``client``'s connection settings on ``channel``."""
        super().__init__()
        self.client = client
        self.channel = channel
        self._subscription: Any = None

    def _start(self) -> None:
        self._subscription = self.client.pubsub()
        self._subscription.subscribe(self.channel)
        # redis-py reconnects and subscribes again by itself: what was announced while
        # the connection was down never reaches us, so what we heard is forgotten.
        self._subscription.connection.register_connect_callback(self._reconnected)

    def _reconnected(self, _connection: Any) -> None:
        self._heard = None  # called by redis-py inside _receive, under the lock

    def _receive(self) -> Iterator[Marks]:
        while (message := self._subscription.get_message(timeout=0)) is not None:
            if message["type"] != "message":
                raise Restart  # (re)subscribed: earlier announcements may be lost
            marks = decode(message["data"])
            if marks is not None:
                yield marks

    def _stop(self) -> None:
        subscription, self._subscription = self._subscription, None
        if subscription is not None:
            subscription.close()


class PostgresListener(Listener):
    """Listens with ``LISTEN`` on a PostgreSQL connection of its own (psycopg 3)."""

    # NOTIFY takes at most 8,000 bytes. Longer marks (hundreds of open votes) are
    # announced empty: every listener asks the database.
    LONGEST = 7_999

    def announcement(self, marks: Marks) -> str:
        """Return what to announce of ``marks``."""
        text = encode(marks)
        return text if len(text.encode()) <= self.LONGEST else ""

    def __init__(self, conninfo: str, channel: str) -> None:
        """Listen on ``channel`` of the database at ``conninfo`` (a libpq URI)."""
        super().__init__()
        self.conninfo = conninfo
        self.channel = channel
        self._connection: Any = None

    def _start(self) -> None:
        import psycopg
        from psycopg import sql

        self._connection = psycopg.connect(self.conninfo, autocommit=True, connect_timeout=5)
        self._connection.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))

    def _receive(self) -> Iterator[Marks]:
        # libpq's own calls (psycopg.pq): a look at the socket, without waiting, then
        # what arrived. psycopg's notifies(timeout=0) does not notice a lost connection.
        connection = self._connection.pgconn
        if not select.select([connection.socket], [], [], 0)[0]:
            return
        connection.consume_input()  # raises once the server has closed the connection
        heard = 0
        while (notification := connection.notifies()) is not None:
            heard += 1
            marks = decode(notification.extra.decode() or None)
            if marks is None:
                raise Restart  # too long to announce: ask the database
            yield marks
        if not heard:
            # Not an announcement: most likely the server ending this connection (its
            # last words come before the close). Start again on a new one.
            raise ConnectionError("the listening connection said something else")

    def _stop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()
