"""``flask network create-secretariat``."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from network.auth import services
from network.common import clock
from network.common.errors import DomainError
from network.db import db


@click.command("create-secretariat")
@with_appcontext
@click.argument("email")
@click.option("--name", prompt="Full name", help="The officer's full name.")
@click.password_option(help="Asked for twice when not given.")
def create_secretariat_command(email: str, name: str, password: str) -> None:
    """Create an active secretariat account for EMAIL."""
    try:
        user = services.create_secretariat(email, name, password, now=clock.now())
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from None
    db.session.commit()
    click.echo(f"Secretariat account {user.email} created.")
