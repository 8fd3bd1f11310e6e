"""``flask network export DIR``: write the complete archive into a directory."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask.cli import with_appcontext

from network.archive import services
from network.common import clock


@click.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def export_command(directory: Path) -> None:
    """Write the complete public record as one ZIP (with README and manifest) into DIRECTORY."""
    started = time.perf_counter()
    path, head = services.export_to(directory, now=clock.now())
    click.echo(
        f"Wrote {path} ({path.stat().st_size} bytes, audit head #{head.seq}) "
        f"in {time.perf_counter() - started:.1f} s."
    )
