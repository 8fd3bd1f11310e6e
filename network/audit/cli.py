"""``flask audit verify``."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from network.audit.completeness import missing_entries
from network.audit.queries import check_chain

audit_cli = AppGroup("audit", help="Check the audit log.")


@audit_cli.command("verify")
def verify() -> None:
    """Recompute every entry's hash and link; name the first broken entry.

    Also check that every ballot, signature and resolution has its entry.
    """
    report = check_chain()
    missing = missing_entries()
    if missing:
        for problem in missing[:20]:
            click.echo(f"No audit entry for the {problem}", err=True)
        click.echo(f"{len(missing)} record(s) without their audit entry.", err=True)
        raise SystemExit(1)
    if report.intact:
        click.echo(
            f"Audit chain intact: {report.checked} entries, "
            f"head #{report.head_seq} {report.head_hash}"
        )
        return
    click.echo(f"Audit chain BROKEN at entry #{report.broken_at}: {report.reason}", err=True)
    raise SystemExit(1)
