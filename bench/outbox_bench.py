"""A notice to the delegates of every member city: queued, then delivered (issue #15).

``build`` migrates an empty PostgreSQL schema with Alembic, loads the demo and puts its
charter in force (as ``bench.dataset.build`` does), has the secretariat propose a motion
and a demo delegate second it, then adds the member cities and their two delegates each
in bulk (``bench.dataset.add_cities`` and ``add_accounts``: 13,000 cities at full size).

``measure`` then times what production does when the motion is put to the vote of the
whole network: one transaction opens the vote (its electorate of every member city, its
audit entries) and queues the vote-opened notice to the delegates of those cities, about
26,000 messages written with ``COPY`` (``notices.services.queue_many``), and commits.
The notice's own share (``notify.vote_opened``) is timed apart.

The sender (``notices.sender.deliver``, what ``flask network deliver`` runs) then
delivers everything due, in batches of ``MAIL_BATCH_SIZE``, to an aiosmtpd server on
loopback running in a process of its own (so that its memory and its share of the GIL
are not the sender's); the server only counts the messages and their Message-IDs. The
sender's resident memory is read after each batch: it should stay flat from the first
batch to the last, since nothing is kept beyond one batch.
"""

from __future__ import annotations

import random
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import psutil
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from bench import dataset as data
from network import create_app
from network.auth.models import Role, User
from network.cities.models import City, MembershipStatus
from network.common import clock
from network.db import db
from network.demo.seed import DEMO_SECRETARIAT, seed_demo
from network.motions import services as motions
from network.motions.models import Motion, MotionKind
from network.notices import notify
from network.notices.backends import SmtpBackend
from network.notices.models import MessageStatus, NoticeKind, OutboxMessage
from network.notices.sender import deliver
from network.votes.models import Secrecy

ROOT = Path(__file__).resolve().parent.parent
QUEUE_TARGET_S = 5.0
MEMORY_TARGET_MB = 20.0  # RSS growth from the first batch to the last: flat, give or take
PUBLIC_URL = "http://127.0.0.1"
MOTION_TITLE = "Outbox benchmark: a motion before the whole network"

# The SMTP server, run with ``python -c``: it accepts every message, keeps only their
# number and Message-IDs, prints "ready" once listening and, when its standard
# input is closed, "<messages> <distinct Message-IDs>".
SINK = r"""
import re, sys
from aiosmtpd.controller import Controller

MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


class Count:
    def __init__(self):
        self.messages = 0
        self.ids = set()

    async def handle_DATA(self, server, session, envelope):
        self.messages += 1
        found = MESSAGE_ID.search(envelope.original_content or b"")
        if found:
            self.ids.add(found.group(1))
        return "250 2.0.0 Accepted"


count = Count()
controller = Controller(count, hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
sys.stdin.read()
controller.stop()
print(count.messages, len(count.ids), flush=True)
"""


def build(url: str, scale: float) -> data.Sizes:
    """Fill the empty database at ``url``: the demo, a seconded motion, the member cities."""
    sizes = data.Sizes.at(scale)
    app = create_app("testing", {"DATABASE_URL": url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
        now = clock.now().replace(microsecond=0)
        seed_demo(now)
        db.session.commit()
        secretariat = db.session.scalar(sa.select(User).where(User.email == DEMO_SECRETARIAT.email))
        data.adopt_charter(secretariat, now)
        # Proposed and seconded while the network is the demo's: these notices are few.
        seconder = db.session.scalar(
            sa.select(User)
            .join(City, City.id == User.city_id)
            .where(
                User.role == Role.delegate,
                User.signing_authority.is_(True),
                City.status == MembershipStatus.member,
            )
            .order_by(User.id)
            .limit(1)
        )
        motion = motions.propose(
            title=MOTION_TITLE,
            text="A motion put to every member city, whose delegates are all told.",
            kind=MotionKind.ordinary,
            subject_city=None,
            charter_version=None,
            actor=secretariat,
            now=now,
        )
        motions.second(motion, actor=seconder, now=now)
        db.session.commit()
        bulk_now = now + timedelta(seconds=1)
        data.add_cities(sizes, random.Random(15), bulk_now)
        data.add_accounts(sizes, bulk_now)
        db.session.commit()
        db.session.remove()
        data.analyse(db.engine)
        db.engine.dispose()
    return sizes


def sending_app(url: str) -> Flask:
    """Return the app as production runs it, on ``url``."""
    return create_app(
        "production",
        {
            "DATABASE_URL": url,
            "SECRET_KEY": secrets.token_hex(32),
            "BALLOT_KEY": secrets.token_hex(32),
            "RATELIMIT_ENABLED": False,
            "PUBLIC_URL": PUBLIC_URL,
        },
    )


def queue_notice(app: Flask) -> tuple[float, float, int]:
    """Put the motion to the vote of every member city, in one transaction, and commit.

    :return: the transaction's seconds, the notice's share of them, and how many
        vote-opened messages it queued.
    """
    timed = [0.0]
    original = notify.vote_opened

    def vote_opened(*args: Any, **kwargs: Any) -> int:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            timed[0] += time.perf_counter() - started

    with app.app_context():
        motion = db.session.scalar(sa.select(Motion).where(Motion.title == MOTION_TITLE))
        officer = db.session.scalar(sa.select(User).where(User.email == DEMO_SECRETARIAT.email))
        now = clock.now()
        notify.vote_opened = vote_opened  # type: ignore[assignment]
        try:
            started = time.perf_counter()
            motions.put_to_vote(
                motion,
                secrecy=Secrecy.recorded,
                closes_at=now + timedelta(days=7),
                actor=officer,
                now=now,
            )
            db.session.commit()
            seconds = time.perf_counter() - started
        finally:
            notify.vote_opened = original  # type: ignore[assignment]
        queued = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.kind == NoticeKind.vote_opened)
        )
        db.session.remove()
    return seconds, timed[0], queued


class MeasuredBackend:
    """An SMTP backend that reads the process's memory after every ``batch`` messages."""

    def __init__(self, backend: SmtpBackend, batch: int) -> None:
        self.backend, self.batch = backend, batch
        self.process = psutil.Process()
        self.sent = 0
        self.before = self.process.memory_info().rss  # before the first batch
        self.rss: list[int] = []  # after each whole batch

    def __enter__(self) -> MeasuredBackend:
        self.backend.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.backend.__exit__(*exc)

    def send(self, email: EmailMessage, **kwargs: Any) -> None:
        """Send through SMTP; count, and read the memory at the end of a batch."""
        self.backend.send(email, **kwargs)
        self.sent += 1
        if self.sent % self.batch == 0:
            self.rss.append(self.process.memory_info().rss)


def start_sink() -> tuple[subprocess.Popen[str], int]:
    """Start the counting SMTP server in a process of its own; return it and its port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-c", SINK, str(port)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    line = server.stdout.readline()
    if line.strip() != "ready":
        server.kill()
        raise RuntimeError(f"the SMTP server did not start ({line!r})")
    return server, port


def stop_sink(server: subprocess.Popen[str]) -> tuple[int, int]:
    """Stop the server; return the messages it received and their distinct Message-IDs."""
    output, _errors = server.communicate(input="", timeout=60)
    received, distinct = (int(word) for word in output.split()[-2:])
    return received, distinct


def measure_delivery(app: Flask) -> dict[str, Any]:
    """Deliver every due message to the SMTP server on loopback; return what was seen."""
    server, port = start_sink()
    try:
        with app.app_context():
            batch = app.config["MAIL_BATCH_SIZE"]
            backend = MeasuredBackend(SmtpBackend("127.0.0.1", port, timeout=30), batch)
            due = db.session.scalar(
                sa.select(sa.func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status == MessageStatus.pending)
            )
            db.session.commit()
            started = time.perf_counter()
            report = deliver(batch, backend=backend)  # type: ignore[arg-type]
            seconds = time.perf_counter() - started
            left = db.session.scalar(
                sa.select(sa.func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status != MessageStatus.sent)
            )
            db.session.remove()
            db.engine.dispose()
    finally:
        received, distinct = stop_sink(server)
    return {
        "due": due,
        "report": report,
        "seconds": seconds,
        "left": left,
        "received": received,
        "distinct": distinct,
        "batch": batch,
        "rss": backend.rss,
        "rss_before": backend.before,
    }


def section_outbox(
    add: Callable[[str, str, str, bool | str | None], None],
    broken: list[str],
    url: str,
    scale: float,
) -> None:
    """Build, queue the notice, deliver it; print each figure and ``add`` it to the summary."""
    started = time.perf_counter()
    sizes = build(url, scale)
    print(
        f"built the demo and {sizes.members} member cities with two delegates each "
        f"in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    app = sending_app(url)
    seconds, notice, queued = queue_notice(app)
    ok = seconds < QUEUE_TARGET_S
    print(
        f"a motion put to the vote of {sizes.members} member cities: {queued} vote-opened "
        f"messages queued and the vote opened in one transaction in {seconds:.2f} s "
        f"(the notice {notice:.2f} s of it, COPY) — "
        f"{'PASS' if ok else 'MISS'} (target < {QUEUE_TARGET_S:.0f} s)",
        flush=True,
    )
    add(f"notice to {queued} delegates queued, one transaction", f"{seconds:.2f} s",
        f"< {QUEUE_TARGET_S:.0f} s", ok)  # fmt: skip
    seen = measure_delivery(app)
    report = seen["report"]
    rate = report.sent / seen["seconds"] if seen["seconds"] else 0.0
    rss = seen["rss"]
    exact = report.sent == seen["due"] == seen["received"] == seen["distinct"] and seen["left"] == 0
    if not exact or len(rss) < 2:
        broken.append(
            f"outbox delivery: {seen['due']} due, {report.summary()}, {seen['received']} "
            f"received ({seen['distinct']} Message-IDs), {seen['left']} not sent"
        )
        return
    first, last, peak = (value / 2**20 for value in (rss[0], rss[-1], max(rss)))
    growth = last - first
    flat = growth < MEMORY_TARGET_MB
    print(
        f"delivered by the sender in {len(rss)} batches of {seen['batch']} to aiosmtpd on "
        f"loopback: {report.sent} messages in {seen['seconds']:.1f} s, {rate:.0f} messages/s; "
        f"the server received {seen['received']} with {seen['distinct']} distinct "
        f"Message-IDs, none left unsent",
        flush=True,
    )
    print(
        f"sender's RSS {seen['rss_before'] / 2**20:.1f} MB before the first batch, "
        f"{first:.1f} MB after it, after the last {last:.1f} MB "
        f"(growth {growth:+.1f} MB, highest {peak:.1f} MB) — "
        f"{'PASS' if flat else 'MISS'} (flat: growth < {MEMORY_TARGET_MB:.0f} MB)",
        flush=True,
    )
    add(f"outbox delivery over SMTP, {report.sent} messages", f"{rate:.0f} msg/s", "", "-")
    add("sender's RSS growth, first batch to last", f"{growth:+.1f} MB",
        f"< {MEMORY_TARGET_MB:.0f} MB", flat)  # fmt: skip
