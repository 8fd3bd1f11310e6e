"""Reminders before a period's deadline: once each, to signatory cities yet to submit."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from network.auth.models import User
from network.commitments.models import CommitmentStatus, ReportReminder
from network.commitments.reminders import send_due_report_reminders
from network.common import clock
from network.db import db
from network.notices import services as notices
from network.notices.models import NoticeKind, NoticeMode, is_optional
from tests.commitments.conftest import open_period, report
from tests.notices.conftest import outbox

S = CommitmentStatus


def tick_at(app, moment) -> int:
    with app.app_context():
        sent = send_due_report_reminders(moment)
        db.session.commit()
        return len(sent)


def reminded(app) -> list[tuple[int, str]]:
    return [
        (row.recipient_id, row.subject)
        for row in outbox(app)
        if row.kind is NoticeKind.report_reminder
    ]


def test_reminders_14_and_3_days_before_once_each_to_cities_yet_to_submit(app, people):
    with app.app_context():
        period_id = open_period(people, days=30)
        report(people, period_id, people.hamburg, people.hamburg_delegate, S.planned)
        report(people, period_id, people.seoul, people.seoul_delegate, S.planned, submit=False)
    now = clock.now()
    assert tick_at(app, now + timedelta(days=10)) == 0  # too early
    assert tick_at(app, now + timedelta(days=16)) == 1
    first = reminded(app)
    # Seoul's two delegates (its draft is not submitted), not Hamburg's nor Vienna's.
    assert sorted(r for r, _ in first) == sorted([people.seoul_delegate.id, people.seoul_staff.id])
    assert "Your city's report is due: Living wage, 2026" in first[0][1]
    assert tick_at(app, now + timedelta(days=17)) == 0  # sent once
    assert tick_at(app, now + timedelta(days=27, hours=1)) == 1
    assert len(reminded(app)) == 4
    assert tick_at(app, now + timedelta(days=31)) == 0  # past the deadline
    with app.app_context():
        assert sorted(db.session.scalars(sa.select(ReportReminder.days_before))) == [3, 14]
        message = next(row for row in outbox(app) if row.kind is NoticeKind.report_reminder)
        assert "/declarations/living-wage-2019/report" in message.body_text


def test_a_person_may_turn_report_reminders_off(app, people):
    assert is_optional(NoticeKind.report_reminder)
    with app.app_context():
        staff = db.session.get(User, people.seoul_staff.id)
        notices.set_preferences(
            staff, {NoticeKind.report_reminder: NoticeMode.off}, now=clock.now()
        )
        db.session.commit()
        open_period(people, days=10)
    tick_at(app, clock.now() + timedelta(days=8))
    recipients = {r for r, _ in reminded(app)}
    assert people.seoul_delegate.id in recipients and people.seoul_staff.id not in recipients


def test_a_period_opened_after_the_14_day_mark_gets_the_3_day_one_only(app, people):
    with app.app_context():
        open_period(people, days=10)
    now = clock.now()
    assert tick_at(app, now + timedelta(hours=1)) == 0
    assert tick_at(app, now + timedelta(days=8)) == 1
    with app.app_context():
        assert db.session.scalars(sa.select(ReportReminder.days_before)).all() == [3]
