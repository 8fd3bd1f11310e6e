"""The ``flask network`` command group."""

from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext

from network.archive.cli import export_command
from network.auth.cli import create_secretariat_command
from network.commitments.reminders import send_due_report_reminders
from network.common import clock
from network.db import db, run_alone
from network.demo.cli import seed_demo_command
from network.elections.services import close_due_nominations
from network.motions.services import lapse_due
from network.notices.cli import deliver_command
from network.notices.digest import send_digests
from network.notices.reminders import send_due_reminders
from network.votes.services import run_schedule

network_cli = AppGroup("network", help="Run the network: demo data, accounts, schedules.")
network_cli.add_command(seed_demo_command)
network_cli.add_command(create_secretariat_command)
network_cli.add_command(export_command)
network_cli.add_command(deliver_command)


@network_cli.command("tick")
@with_appcontext
def tick_command() -> None:
    """Close nominations, lapse motions, open and close votes, remind, send digests when due.

    Run it every minute (cron or a systemd timer) on as many servers as you like: one
    tick at a time does the work, the others stand aside. Ballots are refused after a
    vote's closing time whether or not this has run.
    """
    if not run_alone("tick"):
        db.session.rollback()
        click.echo("Another tick is running; this one stands aside.")
        return
    now = clock.now()
    nominations = close_due_nominations(now)
    lapsed = lapse_due(now)
    opened, closed = run_schedule(now)
    reminders = send_due_reminders(now)
    report_reminders = send_due_report_reminders(now)
    digests = send_digests(now)
    db.session.commit()
    click.echo(
        f"Closed nominations of {len(nominations)} election(s). "
        f"{len(lapsed)} unseconded motion(s) lapsed. "
        f"Opened {len(opened)} vote(s), closed {len(closed)} vote(s). "
        f"Sent {len(reminders)} vote reminder(s), {len(report_reminders)} report "
        f"reminder(s) and {digests} daily digest(s)."
    )
