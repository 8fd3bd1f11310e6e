"""``flask network deliver``: the mail sender."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from network.db import db
from network.notices.sender import deliver


@click.command("deliver")
@click.option("--once", is_flag=True, help="Send what is due, then stop (for cron or a timer).")
@click.option(
    "--interval",
    default=10.0,
    show_default=True,
    help="Seconds to wait between passes when running continuously.",
)
@click.option(
    "--batch-size", type=click.IntRange(1, 10_000), default=None, help="Messages per batch."
)
@with_appcontext
def deliver_command(once: bool, interval: float, batch_size: int | None) -> None:
    """Send the outbox's due messages, with retries; run continuously, or once with --once.

    Any number of senders may run at once, on any number of servers: each message is
    claimed by one (PostgreSQL's SKIP LOCKED) and keeps one Message-ID for life.
    """
    while True:
        report = deliver(batch_size)
        if report.attempted or report.deferred or once:
            click.echo(report.summary())
        db.session.remove()
        if once:
            return
        time.sleep(interval)
