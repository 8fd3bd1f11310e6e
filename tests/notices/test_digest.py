"""The daily digest: notices held for it go out once a day as one message, in the person's
language; each keeps its outcome in the outbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from network.auth.models import User
from network.db import db
from network.notices import services
from network.notices.digest import send_digests
from network.notices.forms import OPTIONAL_KINDS
from network.notices.models import MessageStatus, NoticeKind, NoticeMode
from network.notices.sender import deliver
from tests.notices.conftest import outbox
from tests.notices.test_governance import network, open_charter_vote  # noqa: F401
from tests.notices.test_queue import KOREAN_NAME

# Before the day's digest (07:00 UTC); in the past, so the sender finds the messages due.
MORNING = datetime(2025, 5, 1, 6, 0, tzinfo=UTC)
LATER = datetime.now(UTC) + timedelta(days=20)


def test_the_preferences_page_offers_a_daily_digest(app, network):  # noqa: F811
    client = network["clients"]["seoul"]
    assert 'value="digest"' in client.get("/account/notices").get_data(as_text=True)
    choices = {kind.value: "immediate" for kind in OPTIONAL_KINDS}
    response = client.post("/account/notices", data=choices | {"vote_opened": "digest"})
    assert response.status_code == 302
    with app.app_context():
        modes = services.preferences_of(db.session.get(User, network["ids"]["seoul"]))
    assert modes[NoticeKind.vote_opened] is NoticeMode.digest
    assert modes[NoticeKind.vote_reminder] is NoticeMode.immediate


def test_held_notices_go_out_once_a_day_in_one_digest(app, network, mail_to):  # noqa: F811
    seoul = network["ids"]["seoul"]
    with app.app_context():
        user = db.session.get(User, seoul)
        services.set_preferences(
            user,
            {
                NoticeKind.vote_opened: NoticeMode.digest,
                NoticeKind.vote_reminder: NoticeMode.digest,
            },
            now=MORNING,
        )
        db.session.commit()
    open_charter_vote(app, closes_at=LATER, now=MORNING)
    open_charter_vote(app, closes_at=LATER, now=MORNING)
    held = [row for row in outbox(app) if row.recipient_id == seoul]
    assert [row.status for row in held] == [MessageStatus.held, MessageStatus.held]
    with app.app_context():
        deliver()  # the others' messages go at once; the held ones wait
    assert {row.recipient_id for row in outbox(app) if row.status is MessageStatus.sent} == {
        network["ids"]["seoul-staff"],
        network["ids"]["hamburg"],
    }
    sent_before = len(mail_to.mailbox.received)

    with app.app_context():
        assert send_digests(MORNING + timedelta(minutes=30)) == 0  # not 07:00 yet
        assert send_digests(MORNING + timedelta(hours=1, minutes=1)) == 1
        db.session.commit()
        assert send_digests(MORNING + timedelta(hours=5)) == 0  # once a day
        db.session.commit()
    rows = {row.id: row for row in outbox(app)}
    [digest] = [row for row in rows.values() if row.kind is NoticeKind.digest]
    assert digest.recipient_id == seoul and digest.locale == "ko"
    assert KOREAN_NAME in digest.body_text
    assert (
        digest.body_text.count("Adoption of the charter, version 2") == 4
    )  # subject and words, twice
    # Each notice's own words, not its layout: one document, one header.
    assert digest.body_html.count("<!DOCTYPE") == 1 and digest.body_html.count("<!--notice-->") == 1
    for row in held:
        assert rows[row.id].status is MessageStatus.digested
        assert rows[row.id].digest_id == digest.id
    with app.app_context():
        assert deliver().sent == 1
    assert len(mail_to.mailbox.received) == sent_before + 1
    assert [row.status for row in outbox(app) if row.id == digest.id] == [MessageStatus.sent]

    # The outbox shows where a held message went.
    page = network["clients"]["secretariat"].get(f"/secretariat/outbox/{held[0].id}")
    assert f'href="/secretariat/outbox/{digest.id}"' in page.get_data(as_text=True)


def test_a_notice_held_after_the_hour_waits_for_the_next_day(app, network):  # noqa: F811
    seoul = network["ids"]["seoul"]
    later = MORNING + timedelta(hours=3)  # 09:00, after the day's digest time
    with app.app_context():
        services.set_preferences(
            db.session.get(User, seoul), {NoticeKind.vote_opened: NoticeMode.digest}, now=later
        )
        db.session.commit()
    open_charter_vote(app, closes_at=LATER, now=later)
    with app.app_context():
        assert send_digests(later + timedelta(hours=1)) == 0
        assert send_digests(later + timedelta(hours=22)) == 1  # 07:00 the next day
        db.session.commit()
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .where(sa.text("status = 'held'"))
                .select_from(sa.table("outbox_messages"))
            )
            == 0
        )
