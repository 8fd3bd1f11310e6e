"""Reminders before a vote closes: 48 h and 24 h before, once each, to the cities yet to vote.

And the secretariat's "remind now" on the dashboard: its own, audited, refused when
the vote is not open.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
import time_machine

from network.audit.models import AuditEntry
from network.common import clock
from network.db import db
from network.notices.models import NoticeKind, VoteReminder
from network.notices.reminders import send_due_reminders
from network.votes import services as votes
from network.votes.models import Vote
from tests.notices.conftest import outbox
from tests.notices.test_governance import network, open_charter_vote, received  # noqa: F401


def reminded(app, network) -> list[set[str]]:  # noqa: F811
    """Return, reminder by reminder (by Date), who received it."""
    names = {user_id: key for key, user_id in network["ids"].items()}
    by_date: dict[str, set[str]] = {}
    for row in outbox(app):
        if row.kind is NoticeKind.vote_reminder:
            by_date.setdefault(row.headers["Date"], set()).add(names[row.recipient_id])
    return list(by_date.values())


def tick_at(app, moment) -> None:
    with app.app_context():
        send_due_reminders(moment)
        db.session.commit()


def test_reminders_48_and_24_hours_before_once_each_to_cities_yet_to_vote(app, network):  # noqa: F811
    start = clock.now()
    closes = start + timedelta(hours=72)
    vote_id = open_charter_vote(app, closes_at=closes, now=start)

    tick_at(app, closes - timedelta(hours=49))
    assert reminded(app, network) == []
    tick_at(app, closes - timedelta(hours=48))
    assert reminded(app, network) == [{"seoul", "seoul-staff", "hamburg"}]
    tick_at(app, closes - timedelta(hours=47))  # the tick runs every minute: not again
    assert len(reminded(app, network)) == 1

    response = network["clients"]["hamburg"].post(
        f"/votes/{vote_id}/ballot", data={"choice": "yes", "step": "confirm"}
    )
    assert response.status_code == 302
    tick_at(app, closes - timedelta(hours=24))
    assert reminded(app, network)[1] == {"seoul", "seoul-staff"}  # not Hamburg: it voted
    tick_at(app, closes - timedelta(hours=1))
    assert len(reminded(app, network)) == 2
    with app.app_context():
        rows = db.session.scalars(sa.select(VoteReminder.hours_before)).all()
    assert sorted(rows) == [24, 48]
    korean = next(
        row
        for row in outbox(app)
        if row.kind is NoticeKind.vote_reminder and row.recipient_id == network["ids"]["seoul"]
    )
    assert korean.locale == "ko" and f"/votes/{vote_id}" in korean.body_text


def test_a_vote_opened_a_day_and_a_half_before_closing_gets_the_24_hour_one_only(app, network):  # noqa: F811
    start = clock.now()
    closes = start + timedelta(hours=36)
    open_charter_vote(app, closes_at=closes, now=start)
    tick_at(app, start + timedelta(minutes=1))
    assert reminded(app, network) == []  # its 48-hour time was before it opened
    tick_at(app, closes - timedelta(hours=23))
    assert reminded(app, network) == [{"seoul", "seoul-staff", "hamburg"}]


def test_two_reminders_due_at_once_send_one_message(app, network):  # noqa: F811
    start = clock.now()
    closes = start + timedelta(hours=72)
    open_charter_vote(app, closes_at=closes, now=start)
    tick_at(app, closes - timedelta(hours=2))  # the tick was down for two days
    assert len(reminded(app, network)) == 1
    tick_at(app, closes - timedelta(hours=1))
    assert len(reminded(app, network)) == 1


def test_the_tick_sends_the_reminders(app, network):  # noqa: F811
    start = clock.now()
    closes = start + timedelta(hours=72)
    open_charter_vote(app, closes_at=closes, now=start)
    runner = app.test_cli_runner()
    with time_machine.travel(closes - timedelta(hours=47)):
        output = runner.invoke(args=["network", "tick"]).output
    assert "Sent 1 vote reminder(s)" in output
    assert reminded(app, network) == [{"seoul", "seoul-staff", "hamburg"}]


def test_remind_now_reminds_the_cities_yet_to_vote_and_is_audited(app, network):  # noqa: F811
    vote_id = open_charter_vote(app, closes_at=clock.now() + timedelta(days=10))
    clients = network["clients"]
    assert (
        clients["hamburg"]
        .post(f"/votes/{vote_id}/ballot", data={"choice": "no", "step": "confirm"})
        .status_code
        == 302
    )
    page = clients["secretariat"].get("/secretariat/").get_data(as_text=True)
    assert f'action="/secretariat/votes/{vote_id}/remind"' in page

    response = clients["secretariat"].post(f"/secretariat/votes/{vote_id}/remind")
    assert response.status_code == 302 and response.location.endswith("/secretariat/")
    assert reminded(app, network) == [{"seoul", "seoul-staff"}]
    with app.app_context():
        entry = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "vote.reminded")
        ).one()
        assert entry.actor_id == network["ids"]["secretariat"]
        assert entry.data["cities"] == 1 and entry.data["messages"] == 2
        reminder = db.session.scalars(sa.select(VoteReminder)).one()
        assert reminder.hours_before is None and reminder.sent_by_id == entry.actor_id
    # Pressed again, it reminds again: it is the secretariat's call.
    clients["secretariat"].post(f"/secretariat/votes/{vote_id}/remind")
    reminders = [row for row in outbox(app) if row.kind is NoticeKind.vote_reminder]
    assert len(reminders) == 4


def test_only_the_secretariat_may_remind(app, network):  # noqa: F811
    vote_id = open_charter_vote(app, closes_at=clock.now() + timedelta(days=10))
    for who in ("seoul", "observer"):
        response = network["clients"][who].post(f"/secretariat/votes/{vote_id}/remind")
        assert response.status_code == 403
    assert reminded(app, network) == []


def test_remind_now_is_refused_when_the_vote_is_not_open(app, network):  # noqa: F811
    vote_id = open_charter_vote(app, closes_at=clock.now() + timedelta(days=10))
    with app.app_context():
        votes.close_vote(db.session.get(Vote, vote_id), actor=None, now=clock.now())
        db.session.commit()
        before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    officer = network["clients"]["secretariat"]
    response = officer.post(f"/secretariat/votes/{vote_id}/remind", follow_redirects=True)
    assert "Only an open vote&#39;s cities can be reminded to vote." in response.get_data(
        as_text=True
    )
    assert reminded(app, network) == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == before
        assert db.session.scalar(sa.select(sa.func.count()).select_from(VoteReminder)) == 0
    assert officer.post("/secretariat/votes/999999/remind").status_code == 404
