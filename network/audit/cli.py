"""``flask audit verify``."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from network.audit.queries import check_chain

audit_cli = AppGroup("audit", help="Check the audit log.")


@audit_cli.command("verify")
def verify() -> None:
    """Recompute every entry's hash and link; name the first broken entry."""
    report = check_chain()
    if report.intact:
        click.echo(
            f"Audit chain intact: {report.checked} entries, "
            f"head #{report.head_seq} {report.head_hash}"
        )
        return
    click.echo(f"Audit chain BROKEN at entry #{report.broken_at}: {report.reason}", err=True)
    raise SystemExit(1)
