"""The ``flask network`` command group."""

from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext

from network.archive.cli import export_command
from network.auth.cli import create_secretariat_command
from network.common import clock
from network.db import db
from network.demo.cli import seed_demo_command
from network.elections.services import close_due_nominations
from network.motions.services import lapse_due
from network.votes.services import run_schedule

network_cli = AppGroup("network", help="Run the network: demo data, accounts, schedules.")
network_cli.add_command(seed_demo_command)
network_cli.add_command(create_secretariat_command)
network_cli.add_command(export_command)


@network_cli.command("tick")
@with_appcontext
def tick_command() -> None:
    """Close nominations, lapse unseconded motions, open and close votes when due.

    Run it every minute (cron or a systemd timer); ballots are refused after a vote's
    closing time whether or not this has run.
    """
    now = clock.now()
    nominations = close_due_nominations(now)
    lapsed = lapse_due(now)
    opened, closed = run_schedule(now)
    db.session.commit()
    click.echo(
        f"Closed nominations of {len(nominations)} election(s). "
        f"{len(lapsed)} unseconded motion(s) lapsed. "
        f"Opened {len(opened)} vote(s), closed {len(closed)} vote(s)."
    )
