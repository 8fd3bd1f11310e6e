"""``flask audit verify``: the chain, then every record against it."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from network.audit.queries import check_chain
from network.audit.verification import run_checks

audit_cli = AppGroup("audit", help="Check the audit log and the records against it.")

SHOWN = 50  # problems printed; the count is always complete


@audit_cli.command("verify")
def verify() -> None:
    """Check the chain of entries, then recompute every record against the entries.

    First each entry's hash and link (naming the first broken entry: a record's check
    means little against an altered log); then each domain's checks: ballots against
    participations, closed votes counted again against their published result and
    digest, signatures, resolutions, city statuses and charter versions against the
    state their entries carry. Exits 1, naming what is wrong, at the first kind of
    failure.
    """
    report = check_chain()
    if not report.intact:
        click.echo(f"Audit chain BROKEN at entry #{report.broken_at}: {report.reason}", err=True)
        raise SystemExit(1)
    names, problems = run_checks()
    if problems:
        for problem in problems[:SHOWN]:
            click.echo(f"Record differs from the audit log: {problem}", err=True)
        click.echo(f"{len(problems)} problem(s) with the records.", err=True)
        raise SystemExit(1)
    click.echo(
        f"Audit chain intact: {report.checked} entries, head #{report.head_seq} {report.head_hash}"
    )
    click.echo(f"Records agree with it: {'; '.join(names)}.")
