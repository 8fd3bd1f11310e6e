"""The dashboard's undelivered-mail card: failed messages, and messages waiting too long."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

import sqlalchemy as sa

from network.auth.models import User
from network.common import clock
from network.db import db
from network.notices import services
from network.notices.models import MessageStatus, NoticeKind, OutboxMessage
from tests.notices.test_queue import generic


def card(html: str) -> str:
    start = html.index('aria-labelledby="mail-heading"')
    return html[start : html.index("</section>", start)]


def test_the_card_names_failures_and_long_waits_and_links_to_the_outbox(app, make, as_user):
    officer = as_user(make.secretariat())
    person = make.observer(email="olga@example.org")
    assert "Every notice has gone out or is on its way." in card(
        unescape(officer.get("/secretariat/").get_data(as_text=True))
    )
    now = clock.now()
    with app.app_context():
        user = db.session.get(User, person.id)
        failed = services.queue(NoticeKind.vote_opened, user, now=now, context=generic())
        stale = services.queue(
            NoticeKind.vote_opened, user, now=now - timedelta(hours=3), context=generic()
        )
        services.queue(NoticeKind.vote_opened, user, now=now, context=generic())  # just queued
        db.session.flush()
        failed.status, failed.last_error = MessageStatus.failed, "550 5.1.1 No such mailbox"
        db.session.commit()
        failed_id, stale_id = failed.id, stale.id

    html = unescape(officer.get("/secretariat/").get_data(as_text=True))
    panel = card(html)
    assert "1 message failed" in panel and "1 message is waiting too long" in panel
    assert 'href="/secretariat/outbox?status=failed"' in panel
    assert 'href="/secretariat/outbox?waiting=overdue"' in panel
    assert f'href="/secretariat/outbox/{failed_id}"' in panel
    assert "550 5.1.1 No such mailbox" in panel and "olga@example.org" in panel

    listed = officer.get("/secretariat/outbox?waiting=overdue").get_data(as_text=True)
    assert f"/secretariat/outbox/{stale_id}" in listed
    assert f'/secretariat/outbox/{failed_id}"' not in listed
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 3


def test_only_the_secretariat_sees_the_card(make, as_user):
    delegate = as_user(make.delegate(make.city("Seoul")))
    assert delegate.get("/secretariat/").status_code == 403
