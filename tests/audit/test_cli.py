"""``flask audit verify`` on the demo data, before and after tampering."""

from __future__ import annotations

import sqlalchemy as sa

from network.audit.models import AuditEntry
from network.db import db


def test_verify_passes_on_demo_data_and_names_the_first_altered_entry(app, database):
    runner = app.test_cli_runner()
    seeded = runner.invoke(args=["network", "seed-demo"])
    assert seeded.exit_code == 0, seeded.output

    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "intact" in result.output

    with app.app_context():
        # Someone edits a stored entry's content directly in the database.
        db.session.execute(
            sa.update(AuditEntry).where(AuditEntry.seq == 7).values(subject_id="forged")
        )
        db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "BROKEN at entry #7" in result.output


def test_verify_notices_the_newest_entry_deleted(app, database):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["network", "seed-demo"]).exit_code == 0
    with app.app_context():
        last = db.session.scalar(sa.select(sa.func.max(AuditEntry.seq)))
        db.session.execute(sa.delete(AuditEntry).where(AuditEntry.seq == last))
        db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"#{last}" in result.output


def test_verify_notices_a_record_without_its_audit_entry(app, database):
    from network.declarations.models import Signature

    runner = app.test_cli_runner()
    assert runner.invoke(args=["network", "seed-demo"]).exit_code == 0
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    with app.app_context():
        # A signature whose code no audit entry records, as if written behind the log's back.
        code = db.session.scalars(sa.select(Signature.verification_code)).first()
        db.session.execute(
            sa.update(Signature)
            .where(Signature.verification_code == code)
            .values(verification_code="0000-0000-0000-0000")
        )
        db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "signature 0000-0000-0000-0000 of " in result.output
    assert "no audit entry records it" in result.output
