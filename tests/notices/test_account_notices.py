"""Account notices: invitations by mail, a forgotten password, security changes."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import sqlalchemy as sa

from network.audit.models import AuditEntry
from network.auth import services as accounts
from network.auth.models import User
from network.common import clock
from network.db import db
from network.notices.models import MessageStatus, NoticeKind
from network.notices.sender import deliver
from tests.conftest import PASSWORD, log_in
from tests.notices.conftest import links_in, outbox

NEW_PASSWORD = "lantern orchard velvet"


def link_path(row, marker: str) -> str:  # noqa: ANN001
    [link] = [link for link in links_in(row.body_text) if marker in link]
    assert link.startswith("http://localhost/")  # MAIL_LINK_FALLBACK in the tests
    return link.removeprefix("http://localhost")


def test_an_invitation_arrives_by_mail_and_its_link_sets_the_password(
    app, client, make, login_as, mail_to
):
    login_as(make.secretariat())
    response = client.post(
        "/secretariat/accounts/invite",
        data={"email": "Obs@Example.org", "name": "Olivia Observer", "role": "observer"},
    )
    assert response.status_code == 302
    with app.app_context():
        assert deliver().sent == 1
    [received] = mail_to.mailbox.messages()
    assert received["To"] == "Olivia Observer <obs@example.org>"
    assert "invit" in received["Subject"].lower()
    text = received.get_body(("plain",)).get_content()
    [link] = [link for link in links_in(text) if "/invitations/" in link]

    invited = app.test_client()
    page = invited.get(link.removeprefix("http://localhost"))
    assert page.status_code == 200
    response = invited.post(
        link.removeprefix("http://localhost"),
        data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert log_in(app.test_client(), "obs@example.org", NEW_PASSWORD).status_code == 302


def test_resending_an_invitation_mails_the_new_link_and_the_old_one_dies(
    app, client, make, login_as
):
    login_as(make.secretariat())
    client.post(
        "/secretariat/accounts/invite",
        data={"email": "late@example.org", "name": "Late Comer", "role": "observer"},
    )
    [first] = outbox(app)
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.email == "late@example.org"))
    assert client.post(f"/secretariat/accounts/{user_id}/invitation").status_code == 302
    first, second = outbox(app)
    assert (first.kind, second.kind) == (NoticeKind.invitation, NoticeKind.invitation)
    old, new = link_path(first, "/invitations/"), link_path(second, "/invitations/")
    assert old != new and first.message_id != second.message_id
    visitor = app.test_client()
    assert visitor.get(old).status_code == 400
    assert visitor.get(new).status_code == 200


def test_forgot_password_answers_the_same_whatever_the_address(app, make):
    user = make.delegate(make.city("Seoul"), email="known@example.org")
    make.delegate(make.city("Hamburg", country="DE"), email="inactive@example.org", active=False)
    make.observer(email="invited@example.org", password=None)
    answers = []
    for address in (
        "known@example.org",
        "unknown@example.org",
        "inactive@example.org",
        "invited@example.org",
    ):
        visitor = app.test_client()
        response = visitor.post("/password/forgot", data={"email": address})
        page = visitor.get(response.location).get_data(as_text=True)
        answers.append((response.status_code, response.location, page))
    assert len(set(answers)) == 1
    assert answers[0][0] == 302 and "If an account uses this address" in answers[0][2]
    [row] = outbox(app)
    assert row.kind is NoticeKind.password_reset and row.recipient_id == user.id
    assert "List-Unsubscribe" not in row.headers  # mandatory
    assert app.test_client().post("/password/forgot", data={"email": "no"}).status_code == 422


def test_forgot_password_is_rate_limited_alike_for_every_address(app, make, rate_limits):
    make.delegate(make.city("Seoul"), email="known@example.org")
    for address in ("known@example.org", "unknown@example.org"):
        visitor = app.test_client()
        codes = [
            visitor.post("/password/forgot", data={"email": address}).status_code for _ in range(4)
        ]
        assert codes == [302, 302, 302, 429], address
    assert len(outbox(app)) == 3


def test_a_reset_link_sets_a_password_once_and_ends_every_session(app, make, as_user, ledger):
    user = make.delegate(make.city("Seoul"), email="forgetful@example.org")
    elsewhere = as_user(user)  # a session on another device
    app.test_client().post("/password/forgot", data={"email": "forgetful@example.org"})
    [mail] = outbox(app)
    path = link_path(mail, "/password/reset/")
    assert mail.body_html.count(f"http://localhost{path}") >= 1

    visitor = app.test_client()
    assert visitor.get(path).status_code == 200
    short = visitor.post(path, data={"password": "short", "confirm": "short"})
    assert short.status_code == 422
    seq = ledger.audit_seq()
    response = visitor.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302 and response.location.endswith("/login")
    assert [entry.action for entry in ledger.entries_since(seq)] == ["account.password_reset"]

    assert log_in(app.test_client(), user.email, PASSWORD).status_code == 422
    assert log_in(app.test_client(), user.email, NEW_PASSWORD).status_code == 302
    assert elsewhere.get("/account").status_code == 302  # that session ended
    # Single use: the same link no longer works.
    assert visitor.get(path).status_code == 400
    again = visitor.post(path, data={"password": "another fine phrase", "confirm": "x"})
    assert again.status_code == 400
    # The person is told their password changed.
    assert [row.kind for row in outbox(app)] == [NoticeKind.password_reset, NoticeKind.security]


def test_a_reset_link_expires_after_an_hour(app, make, time_machine):
    time_machine.move_to(clock.now(), tick=True)
    make.delegate(make.city("Seoul"), email="slow@example.org")
    app.test_client().post("/password/forgot", data={"email": "slow@example.org"})
    path = link_path(outbox(app)[0], "/password/reset/")
    time_machine.move_to(clock.now() + timedelta(minutes=59), tick=True)
    assert app.test_client().get(path).status_code == 200
    time_machine.move_to(clock.now() + timedelta(minutes=2), tick=True)
    response = app.test_client().get(path)
    assert response.status_code == 400 and "expired" in response.get_data(as_text=True)


def test_security_changes_tell_the_person(app, make, client, login_as):
    city = make.city("Seoul")
    officer = make.secretariat()
    person = make.delegate(city, two_factor=True)
    login_as(officer)
    client.post(
        f"/secretariat/accounts/{person.id}/two-factor/reset", data={"reset-password": PASSWORD}
    )
    client.post(
        f"/secretariat/accounts/{person.id}",
        data={"name": person.name, "role": "observer", "city": "", "password": PASSWORD},
    )
    client.post(f"/secretariat/accounts/{person.id}/active", data={"active": "0"})
    rows = [row for row in outbox(app) if row.recipient_id == person.id]
    assert [row.kind for row in rows] == [NoticeKind.security] * 3
    texts = [row.body_text for row in rows]
    assert "reset the two-factor authentication" in texts[0]
    assert "Your role changed from Delegate to Observer." in texts[1]
    assert "deactivated" in texts[2]
    assert all(row.status is MessageStatus.pending for row in rows)


def test_turning_the_second_factor_on_and_off_tells_the_person(app, make):
    user = make.delegate(make.city("Seoul"))
    secret = pyotp.random_base32(32)
    with app.app_context():
        account = db.session.get(User, user.id)
        accounts.enable_two_factor(account, secret, pyotp.TOTP(secret).now(), now=clock.now())
        accounts.disable_two_factor(account, now=clock.now())
        db.session.commit()
    texts = [row.body_text for row in outbox(app)]
    assert "turned on" in texts[0] and "turned off" in texts[1]


def test_the_secretariat_retries_and_cancels_messages_with_an_audit_entry(
    app, make, client, login_as, ledger
):
    user = make.delegate(make.city("Seoul"))
    login_as(make.secretariat())
    with app.app_context():
        from network.notices import services

        first = services.queue(NoticeKind.security, user, now=clock.now(), context={"event": "x"})
        second = services.queue(NoticeKind.security, user, now=clock.now(), context={"event": "x"})
        db.session.flush()
        first.status, first.last_error, first.attempts = MessageStatus.failed, "550 no", 1
        db.session.commit()
        ids = first.id, second.id
    seq = ledger.audit_seq()
    assert client.post(f"/secretariat/outbox/{ids[0]}/retry").status_code == 302
    assert client.post(f"/secretariat/outbox/{ids[1]}/cancel").status_code == 302
    rows = {row.id: row for row in outbox(app)}
    assert rows[ids[0]].status is MessageStatus.pending and rows[ids[0]].attempts == 0
    assert rows[ids[1]].status is MessageStatus.cancelled
    assert [entry.action for entry in ledger.entries_since(seq)] == [
        "outbox.retried",
        "outbox.cancelled",
    ]
    # A cancelled message can be neither cancelled nor retried again: nothing changes.
    client.post(f"/secretariat/outbox/{ids[1]}/retry")
    assert ledger.audit_seq() == seq + 2
    with app.app_context():
        kinds = db.session.scalars(
            sa.select(AuditEntry.subject_type).where(AuditEntry.seq > seq)
        ).all()
    assert set(kinds) == {"outbox_message"}
    listing = client.get("/secretariat/outbox?status=cancelled").get_data(as_text=True)
    assert f"/secretariat/outbox/{ids[1]}" in listing
    assert f"/secretariat/outbox/{ids[0]}" not in listing
