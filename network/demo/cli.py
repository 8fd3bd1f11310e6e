"""``flask network seed-demo``."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from network.cities.models import City
from network.common import clock
from network.db import db
from network.demo.seed import DEMO_PASSWORD, seed_demo


@click.command("seed-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Do nothing when cities already exist.")
def seed_demo_command(if_empty: bool) -> None:
    """Load the demo cities and accounts (refused in production)."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException(
            "seed-demo refuses to run in production mode (NETWORK_ENV=production)."
        )
    if db.session.scalar(sa.select(sa.func.count()).select_from(City)):
        if if_empty:
            click.echo("Demo data: the database already has cities; nothing loaded.")
            return
        raise click.ClickException("The database already has cities; seed an empty one.")
    seed_demo(clock.now())
    db.session.commit()
    click.echo(f"Demo data loaded. Every demo account's password is {DEMO_PASSWORD!r}.")
