"""``flask network tick``: open and close votes whose time has come."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from network.common import clock
from network.db import db
from network.votes.services import run_schedule


@click.command("tick")
@with_appcontext
def tick_command() -> None:
    """Open prepared votes due to open and close votes past their closing time.

    Run it every minute (cron or a systemd timer); ballots are refused after a vote's
    closing time whether or not this has run.
    """
    opened, closed = run_schedule(clock.now())
    db.session.commit()
    click.echo(f"Opened {len(opened)} vote(s), closed {len(closed)} vote(s).")
