"""The ``flask network`` command group."""

from __future__ import annotations

from flask.cli import AppGroup

from network.auth.cli import create_secretariat_command
from network.demo.cli import seed_demo_command
from network.votes.cli import tick_command

network_cli = AppGroup("network", help="Run the network: demo data, accounts.")
network_cli.add_command(seed_demo_command)
network_cli.add_command(create_secretariat_command)
network_cli.add_command(tick_command)
