"""Periods, drafts, submissions and corrections through the services: each rule, each refusal."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from network.auth.models import User
from network.cities.models import City
from network.commitments import services
from network.commitments.models import (
    CommitmentStatus,
    Report,
    ReportEntry,
    ReportingPeriod,
    ReportVersion,
)
from network.common import clock
from network.common.errors import Conflict, InvalidInput, NotAllowed
from network.db import db
from network.declarations import services as declarations
from network.declarations.models import Signature
from tests.commitments.conftest import declaration, entries, open_period, report

S = CommitmentStatus


def counts() -> dict[str, int]:
    return {
        model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (ReportingPeriod, Report, ReportVersion, ReportEntry)
    }


def test_the_secretariat_opens_one_period_at_a_time_and_closes_it(app, people, ledger):
    with app.app_context():
        before = ledger.audit_seq()
        period_id = open_period(people, "2026")
        [opened] = ledger.entries_since(before)
        assert (opened.action, opened.public) == ("reporting_period.opened", True)
        assert opened.data["label"] == "2026" and opened.data["declaration"] == declaration().slug
        officer = db.session.get(User, people.secretariat.id)
        with pytest.raises(Conflict, match="2026 is still open"):
            services.open_period(
                declaration(),
                label="2027",
                due_on=clock.today() + timedelta(days=3),
                actor=officer,
                now=clock.now(),
            )
        db.session.rollback()
        period = db.session.get(ReportingPeriod, period_id)
        services.close_period(period, actor=officer, now=clock.now())
        db.session.commit()
        assert not period.is_open
        with pytest.raises(Conflict):
            services.close_period(period, actor=officer, now=clock.now())
        db.session.rollback()
        with pytest.raises(Conflict, match="already has a period named 2026"):
            services.open_period(
                declaration(), label="2026", due_on=clock.today(), actor=officer, now=clock.now()
            )
        db.session.rollback()
        assert open_period(people, "2027") != period_id
        actions = [entry.action for entry in ledger.entries_since(before)]
        assert actions == [
            "reporting_period.opened",
            "reporting_period.closed",
            "reporting_period.opened",
        ]


@pytest.mark.parametrize(
    ("label", "days", "error"),
    [("", 10, "letters, digits"), ("two words", 10, "letters, digits"), ("2026", -1, "deadline")],
)
def test_a_bad_period_is_refused_and_nothing_is_written(app, people, ledger, label, days, error):
    with app.app_context():
        officer = db.session.get(User, people.secretariat.id)
        before = ledger.audit_seq()
        with pytest.raises(InvalidInput, match=error):
            services.open_period(
                declaration(),
                label=label,
                due_on=clock.today() + timedelta(days=days),
                actor=officer,
                now=clock.now(),
            )
        db.session.rollback()
        assert ledger.audit_seq() == before and counts()["reporting_periods"] == 0


@pytest.mark.parametrize("who", ["seoul_delegate", "observer"])
def test_only_the_secretariat_opens_a_period(app, people, who):
    with app.app_context():
        actor = db.session.get(User, getattr(people, who).id)
        with pytest.raises(NotAllowed):
            services.open_period(
                declaration(), label="2026", due_on=clock.today(), actor=actor, now=clock.now()
            )


def test_a_draft_declaration_has_no_period(app, people):
    with app.app_context():
        officer = db.session.get(User, people.secretariat.id)
        draft = declarations.save_declaration(
            None,
            slug="a-draft",
            authoritative_language="en",
            texts=[declarations.TextEntry("en", "Draft", "Text.", ["One."])],
            actor=officer,
            now=clock.now(),
        )
        with pytest.raises(Conflict, match="draft"):
            services.open_period(
                draft, label="2026", due_on=clock.today(), actor=officer, now=clock.now()
            )


def test_a_draft_is_private_until_submitted_then_public_and_current(app, people, ledger):
    with app.app_context():
        period_id = open_period(people)
        before = ledger.audit_seq()
        version = report(
            people,
            period_id,
            people.seoul,
            people.seoul_delegate,
            S.achieved,
            S.in_progress,
            submit=False,
        )
        [saved] = ledger.entries_since(before)
        assert (saved.action, saved.public) == ("report.saved", False)
        assert not version.is_submitted and not version.is_current
        # Another delegate of the city goes on with the same draft.
        staff = db.session.get(User, people.seoul_staff.id)
        report_row = db.session.get(Report, version.report_id)
        services.submit(report_row, actor=staff, now=clock.now())
        db.session.commit()
        [submitted] = ledger.entries_since(before + 1)
        assert (submitted.action, submitted.public) == ("report.submitted", True)
        assert submitted.data["commitments"] == [
            {"number": 1, "status": "achieved", "account": "", "links": [], "practices": []},
            {"number": 2, "status": "in-progress", "account": "", "links": [], "practices": []},
        ]
        db.session.refresh(version)
        assert version.is_submitted and version.is_current and version.number == 1
        with pytest.raises(Conflict, match="no draft"):
            services.submit(report_row, actor=staff, now=clock.now())


def test_a_correction_is_a_new_version_with_its_reason_the_old_one_stays(app, people, ledger):
    with app.app_context():
        period_id = open_period(people)
        first = report(people, period_id, people.seoul, people.seoul_delegate, S.planned)
        second = report(
            people, period_id, people.seoul, people.seoul_delegate, S.achieved, submit=False
        )
        assert second.number == 2 and second.id != first.id
        actor = db.session.get(User, people.seoul_delegate.id)
        report_row = db.session.get(Report, first.report_id)
        before = ledger.audit_seq()
        with pytest.raises(InvalidInput, match="Say why"):
            services.submit(report_row, actor=actor, now=clock.now())
        db.session.rollback()
        assert ledger.audit_seq() == before
        report(
            people,
            period_id,
            people.seoul,
            people.seoul_delegate,
            S.achieved,
            reason="The law passed in June.",
        )
        [saved, corrected] = ledger.entries_since(before)
        assert saved.action == "report.saved"
        assert (corrected.action, corrected.public) == ("report.corrected", True)
        assert (
            corrected.data["version"] == 2 and corrected.data["reason"] == "The law passed in June."
        )
        versions = db.session.scalars(
            sa.select(ReportVersion).where(ReportVersion.report_id == first.report_id)
        ).all()
        assert [(v.number, v.is_current, v.is_submitted) for v in versions] == [
            (1, False, True),
            (2, True, True),
        ]
        assert versions[0].entries[0].status is S.planned  # the old version is unchanged


@pytest.mark.parametrize(
    ("who", "city"),
    [
        ("hamburg_delegate", "seoul"),  # another city's delegate
        ("secretariat", "seoul"),
        ("observer", "seoul"),
        ("vienna_delegate", "vienna"),  # Vienna did not sign
    ],
)
def test_only_a_delegate_of_a_signatory_city_reports_for_it(app, people, ledger, who, city):
    with app.app_context():
        period = db.session.get(ReportingPeriod, open_period(people))
        before = ledger.audit_seq()
        with pytest.raises(NotAllowed):
            services.save_draft(
                period,
                db.session.get(City, getattr(people, city).id),
                entries(S.planned),
                reason=None,
                actor=db.session.get(User, getattr(people, who).id),
                now=clock.now(),
            )
        db.session.rollback()
        assert ledger.audit_seq() == before and counts()["commitment_reports"] == 0


def test_a_city_that_withdrew_its_signature_no_longer_reports(app, people):
    with app.app_context():
        period = db.session.get(ReportingPeriod, open_period(people))
        signature = db.session.scalar(
            sa.select(Signature).where(Signature.city_id == people.hamburg.id)
        )
        officer = db.session.get(User, people.secretariat.id)
        declarations.withdraw(signature, "Asked by the city.", actor=officer, now=clock.now())
        db.session.commit()
        with pytest.raises(services.NotASignatory):
            services.save_draft(
                period,
                db.session.get(City, people.hamburg.id),
                entries(S.planned),
                reason=None,
                actor=db.session.get(User, people.hamburg_delegate.id),
                now=clock.now(),
            )


@pytest.mark.parametrize(
    ("given", "error"),
    [
        ({"account": "x" * 1001}, "under 1000 characters"),
        ({"links": ["javascript:alert(1)"]}, "not a web address"),
        ({"links": [f"https://example.org/{n}" for n in range(6)]}, "at most 5 links"),
        ({"commitment": 4}, "each once"),
        ({"practices": ["hamburg"]}, "your city's published practices"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_changes(app, people, ledger, given, error):
    with app.app_context():
        period = db.session.get(ReportingPeriod, open_period(people))
        if given.get("practices") == ["hamburg"]:
            given = {"practices": [people.hamburg_practice_id]}
        before, rows = ledger.audit_seq(), counts()
        with pytest.raises(InvalidInput, match=error):
            services.save_draft(
                period,
                db.session.get(City, people.seoul.id),
                [services.EntryInput(**{"commitment": 1, "status": S.planned, **given})],
                reason=None,
                actor=db.session.get(User, people.seoul_delegate.id),
                now=clock.now(),
            )
        db.session.rollback()
        assert ledger.audit_seq() == before and counts() == rows


def test_a_commitment_given_twice_is_refused(app, people):
    with app.app_context():
        period = db.session.get(ReportingPeriod, open_period(people))
        twice = [services.EntryInput(1, S.planned), services.EntryInput(1, S.achieved)]
        with pytest.raises(InvalidInput, match="each once"):
            services.save_draft(
                period,
                db.session.get(City, people.seoul.id),
                twice,
                reason=None,
                actor=db.session.get(User, people.seoul_delegate.id),
                now=clock.now(),
            )


def test_evidence_names_the_citys_published_practices(app, people):
    with app.app_context():
        period = db.session.get(ReportingPeriod, open_period(people))
        actor = db.session.get(User, people.seoul_delegate.id)
        version = services.save_draft(
            period,
            db.session.get(City, people.seoul.id),
            [
                services.EntryInput(
                    1,
                    S.in_progress,
                    account="Paid since 2015.",
                    links=["https://example.org/wage"],
                    practices=[people.practice_id],
                )
            ],
            reason=None,
            actor=actor,
            now=clock.now(),
        )
        services.submit(version.report, actor=actor, now=clock.now())
        db.session.commit()
        [entry] = version.entries
        assert [p.slug for p in entry.practices] == ["seoul-living-wage"]
        assert entry.links == ["https://example.org/wage"]


def test_a_blank_commitment_is_not_reported_and_a_status_is_needed_to_submit(app, people):
    with app.app_context():
        period = db.session.get(ReportingPeriod, open_period(people))
        actor = db.session.get(User, people.seoul_delegate.id)
        city = db.session.get(City, people.seoul.id)
        notes = [services.EntryInput(1, None, account="Notes."), services.EntryInput(2, None)]
        version = services.save_draft(
            period, city, notes, reason=None, actor=actor, now=clock.now()
        )
        assert [(e.commitment, e.status) for e in version.entries] == [(1, None)]
        with pytest.raises(InvalidInput, match="Commitment 1 has an account"):
            services.submit(version.report, actor=actor, now=clock.now())
        db.session.rollback()
        blank = [services.EntryInput(1, None), services.EntryInput(2, None)]
        with pytest.raises(InvalidInput, match="at least one commitment before saving"):
            services.save_draft(period, city, blank, reason=None, actor=actor, now=clock.now())


def test_a_closed_period_takes_no_draft_and_no_submission(app, people):
    with app.app_context():
        period_id = open_period(people)
        version = report(
            people, period_id, people.seoul, people.seoul_delegate, S.planned, submit=False
        )
        officer = db.session.get(User, people.secretariat.id)
        period = db.session.get(ReportingPeriod, period_id)
        services.close_period(period, actor=officer, now=clock.now())
        db.session.commit()
        actor = db.session.get(User, people.seoul_delegate.id)
        with pytest.raises(services.PeriodClosed):
            services.submit(db.session.get(Report, version.report_id), actor=actor, now=clock.now())
        db.session.rollback()
        with pytest.raises(services.PeriodClosed):
            services.save_draft(
                period,
                db.session.get(City, people.seoul.id),
                entries(S.achieved),
                reason=None,
                actor=actor,
                now=clock.now(),
            )
