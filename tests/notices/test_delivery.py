"""The sender against a real SMTP server: nothing lost, nothing sent twice but the unknowable."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa

from network.auth.models import Role, User
from network.common import clock
from network.db import db
from network.notices import services
from network.notices.backends import SmtpBackend
from network.notices.compose import build_email
from network.notices.models import MessageStatus, NoticeKind, OutboxMessage
from network.notices.sender import claim, deliver
from tests.conftest import Factory, on_postgres
from tests.notices.conftest import outbox


def queue_security(app, users) -> list[int]:  # noqa: ANN001
    """Queue a security notice to each user and commit; return the messages' ids."""
    with app.app_context():
        now = clock.now()
        messages = [
            services.queue(
                NoticeKind.security, user, now=now, context={"event": "password_changed"}
            )
            for user in users
        ]
        db.session.commit()
        return [message.id for message in messages]


def run_sender(app, **options):  # noqa: ANN001, ANN003
    with app.app_context():
        return deliver(**options)


def statuses(app) -> dict[int, MessageStatus]:  # noqa: ANN001
    return {row.id: row.status for row in outbox(app)}


def test_a_message_is_sent_once_as_composed(app, make, mail_to):
    user = make.delegate(make.city("Seoul"), name="Kim Min-jun")
    [message_id] = queue_security(app, [user])

    report = run_sender(app)
    assert (report.sent, report.failed, report.retrying) == (1, 0, 0)
    [received] = mail_to.mailbox.messages()
    [row] = outbox(app)
    assert row.status is MessageStatus.sent and row.sent_at is not None and row.attempts == 1
    assert received["Message-ID"] == row.message_id
    assert received["To"] == f"Kim Min-jun <{user.email}>"
    assert received["Subject"] == "A change to your account"
    # What the server got is what the outbox keeps: the same bytes every time.
    assert mail_to.mailbox.received[0] == build_email(row).as_bytes()
    assert build_email(row).as_bytes() == build_email(row).as_bytes()

    assert run_sender(app).sent == 0  # nothing is due any more
    assert len(mail_to.mailbox.received) == 1


def test_nothing_is_lost_while_the_server_is_down(app, make, mail_to):
    city = make.city("Seoul")
    ids = queue_security(app, [make.delegate(city) for _ in range(3)])
    mail_to.stop()

    report = run_sender(app)
    assert report.sent == 0 and report.unreachable and report.deferred == 3
    for row in outbox(app):
        assert row.status is MessageStatus.pending
        assert row.attempts == 0  # no attempt reached the server
        assert "cannot reach the mail server" in row.last_error

    mail_to.start()  # the server is back
    report = run_sender(app)
    assert report.sent == 3
    assert sorted(mail_to.mailbox.message_ids()) == sorted(
        row.message_id for row in outbox(app) if row.id in ids
    )
    assert set(statuses(app).values()) == {MessageStatus.sent}


def test_a_temporary_refusal_is_tried_again_after_a_backoff(app, make, mail_to, time_machine):
    time_machine.move_to(clock.now(), tick=True)
    queue_security(app, [make.delegate(make.city("Seoul"))])
    mail_to.mailbox.data_reply = "451 4.3.0 Mailbox busy, try later"

    report = run_sender(app)
    assert report.retrying == 1 and report.sent == 0
    [row] = outbox(app)
    assert row.status is MessageStatus.pending and row.attempts == 1
    assert row.last_error.startswith("451")
    assert row.next_attempt_at - clock.now() > timedelta(seconds=50)  # one minute at first

    mail_to.mailbox.data_reply = None
    assert run_sender(app).sent == 0  # not due yet
    time_machine.move_to(clock.now() + timedelta(minutes=2), tick=True)
    assert run_sender(app).sent == 1
    [row] = outbox(app)
    assert row.status is MessageStatus.sent and row.attempts == 2
    assert len(mail_to.mailbox.received) == 1


def test_temporary_refusals_give_up_after_the_last_attempt(
    app, make, mail_to, time_machine, monkeypatch
):
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 3)
    time_machine.move_to(clock.now(), tick=True)
    queue_security(app, [make.delegate(make.city("Seoul"))])
    mail_to.mailbox.rcpt_reply = "452 4.2.2 Mailbox full"
    for _ in range(3):
        run_sender(app)
        time_machine.move_to(clock.now() + timedelta(hours=5), tick=True)
    [row] = outbox(app)
    assert row.status is MessageStatus.failed and row.attempts == 3
    assert "452" in row.last_error and "gave up after 3 attempts" in row.last_error
    assert run_sender(app).attempted == 0


def test_a_permanent_refusal_fails_at_once_and_shows_in_the_outbox(
    app, make, mail_to, login_as, client
):
    [message_id] = queue_security(app, [make.delegate(make.city("Seoul"))])
    mail_to.mailbox.rcpt_reply = "550 5.1.1 No such user here"

    report = run_sender(app)
    assert report.failed == 1
    [row] = outbox(app)
    assert row.status is MessageStatus.failed and row.attempts == 1
    assert row.last_error == "550 5.1.1 No such user here"

    login_as(make.secretariat())
    listing = client.get("/secretariat/outbox?status=failed").get_data(as_text=True)
    assert "No such user here" in listing and "A change to your account" in listing
    page = client.get(f"/secretariat/outbox/{message_id}").get_data(as_text=True)
    assert "550 5.1.1 No such user here" in page and row.message_id.strip("<>") in page


def test_a_lost_connection_after_the_data_resends_only_that_message(
    app, make, mail_to, time_machine
):
    time_machine.move_to(clock.now(), tick=True)
    city = make.city("Seoul")
    ids = queue_security(app, [make.delegate(city) for _ in range(5)])
    # The server keeps the third message, then the connection drops before its answer.
    mail_to.mailbox.drop_after = {3}

    report = run_sender(app)
    assert (report.sent, report.retrying) == (4, 1)
    rows = {row.id: row for row in outbox(app)}
    unknown = rows[ids[2]]
    assert unknown.status is MessageStatus.pending
    assert "outcome" in unknown.last_error or "handed over" in unknown.last_error
    assert all(rows[i].status is MessageStatus.sent for i in ids if i != ids[2])

    time_machine.move_to(clock.now() + timedelta(minutes=2), tick=True)
    assert run_sender(app).sent == 1
    received = Counter(mail_to.mailbox.message_ids())
    assert received[unknown.message_id] == 2  # the one whose outcome was unknown
    assert all(received[rows[i].message_id] == 1 for i in ids if i != ids[2])
    copies = [raw for raw in mail_to.mailbox.received if unknown.message_id.encode() in raw]
    assert copies[0] == copies[1]  # the same message, byte for byte


class Killed(BaseException):
    """The sender's process dies (as on SIGKILL: nothing after this runs)."""


class DiesAfter(SmtpBackend):
    """Hand messages to the server, and die right after the server took the n-th."""

    def __init__(self, server_port: int, after: int) -> None:
        super().__init__("127.0.0.1", server_port, timeout=5)
        self.after, self.count = after, 0

    def send(self, email, **kwargs) -> None:  # noqa: ANN001, ANN003
        super().send(email, **kwargs)
        self.count += 1
        if self.count == self.after:
            raise Killed


def test_a_sender_killed_midway_loses_nothing_and_repeats_only_the_unknown(
    app, make, mail_to, time_machine
):
    time_machine.move_to(clock.now(), tick=True)
    city = make.city("Seoul")
    ids = queue_security(app, [make.delegate(city) for _ in range(4)])

    with pytest.raises(Killed), app.app_context():
        deliver(backend=DiesAfter(mail_to.port, after=2))
    rows = {row.id: row for row in outbox(app)}
    assert rows[ids[0]].status is MessageStatus.sent
    # The second was taken by the server but the sender died before writing it down;
    # the others were claimed and never tried.
    assert [rows[i].status for i in ids[1:]] == [MessageStatus.sending] * 3

    assert run_sender(app).sent == 0  # another sender leaves them alone while claimed
    time_machine.move_to(clock.now() + timedelta(minutes=11), tick=True)  # the lease lapses
    assert run_sender(app).sent == 3

    received = Counter(mail_to.mailbox.message_ids())
    rows = {row.id: row for row in outbox(app)}
    assert received == Counter(
        {rows[ids[0]].message_id: 1, rows[ids[1]].message_id: 2}
        | {rows[i].message_id: 1 for i in ids[2:]}
    )
    assert set(statuses(app).values()) == {MessageStatus.sent}


def test_a_claim_commits_before_sending_and_is_not_claimed_twice(app, make):
    city = make.city("Seoul")
    queue_security(app, [make.delegate(city) for _ in range(3)])
    with app.app_context():
        first = claim(db.session, limit=2, now=clock.now())
        db.session.commit()
        second = claim(db.session, limit=5, now=clock.now())
        db.session.commit()
    assert len(first) == 2 and len(second) == 1 and not set(first) & set(second)
    assert Counter(statuses(app).values()) == Counter({MessageStatus.sending: 3})


def test_two_senders_at_once_never_send_a_message_twice(committed_app, smtp_server):
    app = committed_app
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    smtp_server.mailbox.delay = 0.005  # each message takes a while: the senders overlap
    make = Factory(app)
    city = make.city("Seoul")
    count = 60
    with app.app_context():
        db.session.execute(
            sa.insert(User),
            [
                {
                    "email": f"delegate{n}@example.org",
                    "name": f"Delegate {n}",
                    "role": Role.delegate,
                    "city_id": city.id,
                }
                for n in range(count)
            ],
        )
        users = list(db.session.scalars(sa.select(User).where(User.city_id == city.id)))
        services.queue_many(
            NoticeKind.security, users, now=clock.now(), context={"event": "password_changed"}
        )
        db.session.commit()

    barrier = threading.Barrier(2)
    reports = []
    errors: list[BaseException] = []

    def sender() -> None:
        try:
            with app.app_context():
                barrier.wait()
                reports.append(deliver(batch_size=4))
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors
    received = Counter(smtp_server.mailbox.message_ids())
    assert len(received) == count and set(received.values()) == {1}
    assert sorted(report.sent for report in reports)[0] > 0  # both senders did some
    assert sum(report.sent for report in reports) == count
    with app.app_context():
        assert set(db.session.scalars(sa.select(OutboxMessage.status))) == {MessageStatus.sent}


@pytest.mark.skipif(not on_postgres(), reason="the claim's SKIP LOCKED is PostgreSQL's")
def test_a_claim_skips_rows_another_sender_is_claiming(committed_app):
    app = committed_app
    make = Factory(app)
    city = make.city("Seoul")
    queue_security(app, [make.delegate(city) for _ in range(4)])
    other = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with other.connect() as connection:
        locked = (
            connection.execute(
                sa.text("SELECT id FROM outbox_messages ORDER BY id LIMIT 2 FOR UPDATE")
            )
            .scalars()
            .all()
        )
        with app.app_context():
            mine = claim(db.session, limit=10, now=clock.now())
            db.session.commit()
        connection.rollback()
    other.dispose()
    assert len(mine) == 2 and not set(mine) & set(locked)
