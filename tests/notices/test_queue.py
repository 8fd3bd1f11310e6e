"""Queueing: in the caller's transaction, in the recipient's language, with the right headers."""

from __future__ import annotations

import time
from email import message_from_bytes
from email.policy import default

import pytest
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from network.auth import services as accounts
from network.auth.models import Role, User
from network.common import clock
from network.db import db
from network.notices import services
from network.notices.compose import Composer, Recipient, build_email
from network.notices.models import MessageStatus, NoticeKind, NoticeMode, OutboxMessage
from network.notices.sender import deliver
from tests.conftest import on_postgres
from tests.notices.conftest import links_in, outbox

KOREAN_NAME = "좋은 일자리도시 네트워크"


def generic(kind=NoticeKind.vote_opened):  # noqa: ANN001
    """Context of the generic template, with words said in the recipient's language."""
    return {
        "subject": _l("Decent Work City Network"),
        "paragraphs": [_l("Delegate")],
        "link": "https://dwcn.example/votes/1",
        "link_text": _l("Vote"),
    }


def as_email(row: OutboxMessage):  # noqa: ANN201
    return message_from_bytes(build_email(row).as_bytes(), policy=default)


def test_a_rolled_back_change_sends_no_mail(app, make, mail_to):
    officer = make.secretariat()
    with app.app_context():
        actor = db.session.get(User, officer.id)
        accounts.invite_user(
            "new.delegate@example.org",
            accounts.AccountDetails(name="New Delegate", role=Role.observer),
            actor=actor,
            now=clock.now(),
        )
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 1
        db.session.rollback()  # the change fails: its notice goes with it
        assert deliver().sent == 0
    assert outbox(app) == []
    assert mail_to.mailbox.received == []


def test_a_message_is_in_the_recipients_language_with_text_html_and_absolute_links(
    app, make, monkeypatch
):
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://dwcn.example")
    seoul = make.city("Seoul", names={"ko": "서울"})
    user = make.delegate(seoul, password=None, name="김민준")
    officer = make.secretariat()
    with app.app_context():
        db.session.execute(sa.update(User).where(User.id == user.id).values(locale="ko"))
        accounts.renew_invitation(
            db.session.get(User, user.id),
            actor=db.session.get(User, officer.id),
            now=clock.now(),
        )
        db.session.commit()
    [row] = outbox(app)
    assert row.kind is NoticeKind.invitation and row.locale == "ko"
    email = as_email(row)
    assert email["Content-Language"] == "ko"
    assert email.get_content_type() == "multipart/alternative"
    text = email.get_body(("plain",)).get_content()
    html = email.get_body(("html",)).get_content()
    for body in (text, html):
        assert KOREAN_NAME in body  # the layout, in Korean
        assert "대표" in body  # the role, in Korean
        assert "서울" in body  # the city, by its Korean name
        assert "김민준" in body
    assert '<html lang="ko">' in html
    [invitation_link] = [link for link in links_in(text) if "/invitations/" in link]
    assert invitation_link.startswith("https://dwcn.example/invitations/")
    assert f'href="{invitation_link}"' in html
    # Every link of the message is absolute, to the public address.
    assert all(link.startswith("https://dwcn.example") for link in links_in(text))


def test_links_never_come_from_the_requests_host(app, make, client, login_as, monkeypatch):
    # The request comes to http://localhost; links go to the configured public address.
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://dwcn.example")
    login_as(make.secretariat())
    response = client.post(
        "/secretariat/accounts/invite",
        data={"email": "obs@example.org", "name": "An Observer", "role": "observer"},
    )
    assert response.status_code == 302
    rows = outbox(app)
    assert [row.kind for row in rows] == [NoticeKind.invitation]
    assert "https://dwcn.example/invitations/" in rows[0].body_text
    assert "localhost" not in rows[0].body_text + rows[0].body_html


def test_unsubscribe_headers_only_on_optional_kinds(app, make, client, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://dwcn.example")
    user = make.delegate(make.city("Seoul"))
    with app.app_context():
        now = clock.now()
        services.queue(NoticeKind.security, user, now=now, context={"event": "deactivated"})
        services.queue(
            NoticeKind.vote_opened, user, now=now, template="notices/generic", context=generic()
        )
        db.session.commit()
    mandatory, optional = outbox(app)
    assert "List-Unsubscribe" not in as_email(mandatory)
    assert "List-Unsubscribe-Post" not in as_email(mandatory)
    email = as_email(optional)
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = email["List-Unsubscribe"].strip("<>")
    assert link.startswith("https://dwcn.example/notices/unsubscribe/")
    assert link in email.get_body(("plain",)).get_content()

    # RFC 8058: one POST, as a mail client sends it, without a cookie or a form token.
    path = link.removeprefix("https://dwcn.example")
    assert client.get(path).status_code == 200  # a GET only asks
    with app.app_context():
        assert services.preferences_of(user)[NoticeKind.vote_opened] is NoticeMode.immediate
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    with app.app_context():
        assert services.preferences_of(user)[NoticeKind.vote_opened] is NoticeMode.off
        now = clock.now()
        assert (
            services.queue(
                NoticeKind.vote_opened, user, now=now, template="notices/generic", context=generic()
            )
            is None
        )
        assert services.queue(NoticeKind.security, user, now=now, context={"event": "deactivated"})
        db.session.rollback()
    assert client.post("/notices/unsubscribe/forged", data={}).status_code == 400


def test_a_person_chooses_their_optional_notices(app, make, client, login_as):
    user = make.delegate(make.city("Seoul"))
    login_as(user)
    page = client.get("/account/notices").get_data(as_text=True)
    assert "A vote opened" in page and "Security notice" not in page
    response = client.post("/account/notices", data={"vote_reminder": "off"})
    assert response.status_code == 302
    with app.app_context():
        modes = services.preferences_of(user)
    assert modes[NoticeKind.vote_reminder] is NoticeMode.off
    assert modes[NoticeKind.vote_opened] is NoticeMode.immediate
    assert client.post("/account/notices", data={"vote_reminder": "never"}).status_code == 422


def test_many_recipients_are_composed_from_one_rendering_per_language(app, make):
    city = make.city("Seoul")
    people = [
        Recipient(id=make.delegate(city).id, email=f"p{n}@example.org", name=name, locale=locale)
        for n, (name, locale) in enumerate(
            [("Ana <&> Ruiz", "es"), ("Kim", "ko"), ("Lee", "ko"), ("Jo", None)]
        )
    ]
    with app.app_context():
        composer = Composer(
            kind=NoticeKind.vote_opened,
            template="notices/generic",
            context=generic(),
            now=clock.now(),
            personal=lambda person: {"ballot": f"https://dwcn.example/b/{person.id}"},
        )
        rows = [composer.compose(person) for person in people]
        assert len(composer._rendered) == 3  # es, ko, en: one rendering each
        count = services.queue_many(
            NoticeKind.vote_opened,
            people,
            now=clock.now(),
            template="notices/generic",
            context=generic(),
        )
        db.session.commit()
    assert count == 4
    assert "Ana <&> Ruiz" in rows[0]["body_text"]  # as it is in the text
    assert "Ana &lt;&amp;&gt; Ruiz" in rows[0]["body_html"]
    assert "Ana <&>" not in rows[0]["body_html"]
    assert KOREAN_NAME in rows[1]["subject"] and rows[3]["locale"] == "en"
    assert len({row["message_id"] for row in rows}) == 4
    stored = outbox(app)
    assert [row.recipient_address for row in stored] == [p.email for p in people]
    assert {row.status for row in stored} == {MessageStatus.pending}
    assert [row.locale for row in stored] == ["es", "ko", "ko", "en"]


def test_people_who_turned_a_kind_off_are_left_out_of_a_bulk_notice(app, make):
    city = make.city("Seoul")
    keen, quiet = make.delegate(city), make.delegate(city)
    with app.app_context():
        services.set_preferences(
            db.session.get(User, quiet.id),
            {NoticeKind.vote_opened: NoticeMode.off},
            now=clock.now(),
        )
        count = services.queue_many(
            NoticeKind.vote_opened,
            services.recipients_where(User.city_id == city.id),
            now=clock.now(),
            template="notices/generic",
            context=generic(),
        )
        db.session.commit()
    assert count == 1
    assert [row.recipient_id for row in outbox(app)] == [keen.id]


def test_a_mandatory_kind_cannot_be_turned_off(app, make):
    user = make.delegate(make.city("Seoul"))
    with app.app_context(), pytest.raises(Exception, match="cannot be turned off"):
        services.set_preferences(user, {NoticeKind.security: NoticeMode.off}, now=clock.now())


@pytest.mark.skipif(not on_postgres(), reason="the time budget is PostgreSQL's (production)")
def test_a_notice_to_26000_delegates_is_queued_in_one_transaction_within_5_seconds(app, make):
    city = make.city("Seoul")
    count = 26_000
    with app.app_context():
        db.session.execute(
            sa.insert(User),
            [
                {
                    "email": f"delegate{n}@example.org",
                    "name": f"Delegate {n}",
                    "role": Role.delegate,
                    "city_id": city.id,
                    "locale": ("en", "ko", "fr", "es")[n % 4],
                }
                for n in range(count)
            ],
        )
        started = time.perf_counter()
        queued = services.queue_many(
            NoticeKind.vote_opened,
            services.recipients_where(User.city_id == city.id),
            now=clock.now(),
            template="notices/generic",
            context=generic(),
        )
        db.session.flush()
        elapsed = time.perf_counter() - started
        assert queued == count
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == count
        db.session.rollback()
    print(f"queued {count} messages in {elapsed:.2f} s")
    assert elapsed < 5, f"queued {count} messages in {elapsed:.1f} s"
