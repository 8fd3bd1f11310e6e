"""The network's notices: each kind reaches the right people, in their language, at once.

Every notice is queued by the change that causes it, in its transaction (the pages
commit it); these tests read the outbox after each change.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default

import pytest
import sqlalchemy as sa

from network.auth.models import Role, User
from network.charter import services as charter
from network.cities.models import MembershipStatus
from network.common import clock
from network.db import db
from network.meetings import services as meetings
from network.meetings.models import Meeting, MeetingMode
from network.notices import notify_minutes_published
from network.notices.compose import build_email
from network.notices.forms import OPTIONAL_KINDS
from network.notices.models import MessageStatus, NoticeKind, OutboxMessage
from network.votes import services as votes
from network.votes.models import Secrecy, Vote, VoteKind
from tests.declarations.test_story import open_declaration, sign
from tests.elections.test_story import nominate, open_election
from tests.motions.test_story import propose
from tests.notices.conftest import outbox
from tests.notices.test_queue import KOREAN_NAME

CLOSES = datetime(2031, 5, 20, 9, 30, tzinfo=UTC)


@pytest.fixture
def network(make, as_user, app):
    """Two member cities (Seoul's delegate reads Korean), a suspended one, and others."""
    seoul = make.city("Seoul", names={"ko": "서울"})
    hamburg = make.city("Hamburg", country="DE")
    milan = make.city("Milan", country="IT", status=MembershipStatus.suspended)
    accounts = {
        "seoul": make.delegate(seoul, name="Park", signing_authority=True),
        "seoul-staff": make.delegate(seoul, name="Kim"),
        "hamburg": make.delegate(hamburg, name="Peter", signing_authority=True),
        "milan": make.delegate(milan, name="Beppe", signing_authority=True),
        "former": make.delegate(hamburg, name="Former", active=False),
        "observer": make.observer(name="Olga"),
        "secretariat": make.secretariat(name="Sam"),
    }
    with app.app_context():
        db.session.execute(
            sa.update(User).where(User.id == accounts["seoul"].id).values(locale="ko")
        )
        db.session.commit()
    people = {key: as_user(user) for key, user in accounts.items() if user.active}
    return {"accounts": accounts, "clients": people, "ids": {k: u.id for k, u in accounts.items()}}


def received(app, network, kind: NoticeKind) -> set[str]:
    """Return who (by the fixture's names) has a message of this kind in the outbox."""
    names = {user_id: key for key, user_id in network["ids"].items()}
    return {names[row.recipient_id] for row in outbox(app) if row.kind is kind}


def message_to(app, network, kind: NoticeKind, who: str) -> OutboxMessage:
    [row] = [
        row for row in outbox(app) if row.kind is kind and row.recipient_id == network["ids"][who]
    ]
    return row


def open_charter_vote(app, *, closes_at=CLOSES, now=None) -> int:
    """Open a vote of the whole network (a charter version's), as the secretariat would."""
    with app.app_context():
        now = now or clock.now()
        officer = db.session.scalar(sa.select(User).where(User.role == Role.secretariat))
        version = charter.create_draft(actor=officer, now=now)
        vote = votes.create_vote(
            subject_type=charter.SUBJECT,
            subject_id=version.id,
            title="Adoption of the charter, version 2",
            kind=VoteKind.approval,
            secrecy=Secrecy.recorded,
            rule_key="amendment",
            closes_at=closes_at,
            actor=None,
            now=now,
        )
        votes.open_vote(vote, actor=None, now=now)
        db.session.commit()
        return vote.id


def test_a_vote_opened_reaches_the_delegates_of_the_electorate_in_their_language(
    app, network, monkeypatch
):
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://dwcn.example")
    vote_id = open_charter_vote(app)
    # Not the suspended city (not in the electorate), nor observers, the secretariat, or
    # a deactivated account.
    assert received(app, network, NoticeKind.vote_opened) == {"seoul", "seoul-staff", "hamburg"}
    korean = message_to(app, network, NoticeKind.vote_opened, "seoul")
    english = message_to(app, network, NoticeKind.vote_opened, "hamburg")
    assert korean.locale == "ko" and KOREAN_NAME in korean.body_text
    assert english.locale == "en" and "Adoption of the charter, version 2" in english.subject
    assert f"https://dwcn.example/votes/{vote_id}" in english.body_text
    assert "May 20, 2031" in english.body_text  # when it closes
    # Optional: one-click unsubscribe.
    assert english.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_rolled_back_opening_queues_nothing(app, network):
    with app.app_context():
        now = clock.now()
        officer = db.session.get(User, network["ids"]["secretariat"])
        version = charter.create_draft(actor=officer, now=now)
        vote = votes.create_vote(
            subject_type=charter.SUBJECT,
            subject_id=version.id,
            title="Adoption",
            kind=VoteKind.approval,
            secrecy=Secrecy.recorded,
            rule_key="amendment",
            closes_at=CLOSES,
            actor=None,
            now=now,
        )
        votes.open_vote(vote, actor=None, now=now)
        db.session.rollback()
    assert outbox(app) == []


def test_a_result_published_reaches_the_electorate(app, network):
    vote_id = open_charter_vote(app)
    with app.app_context():
        votes.close_vote(db.session.get(Vote, vote_id), actor=None, now=clock.now())
        db.session.commit()
    assert received(app, network, NoticeKind.result_published) == {
        "seoul",
        "seoul-staff",
        "hamburg",
    }
    assert (
        "Result published"
        in message_to(app, network, NoticeKind.result_published, "hamburg").subject
    )


def test_a_declaration_open_for_signature_and_a_signature_recorded(app, network):
    clients = network["clients"]
    slug = open_declaration(clients["secretariat"])
    # Signing authority, of a member city: not Kim (no authority), not Milan (suspended).
    assert received(app, network, NoticeKind.declaration_open) == {"seoul", "hamburg"}
    korean = message_to(app, network, NoticeKind.declaration_open, "seoul")
    assert "생활임금 선언" in korean.subject  # the declaration's own Korean text
    assert (
        "Declaration on the living wage"
        in message_to(app, network, NoticeKind.declaration_open, "hamburg").subject
    )
    assert f"/declarations/{slug}/sign" in korean.body_text

    assert sign(clients["seoul"], slug).status_code == 302
    # That city's delegates, whether or not they may sign.
    assert received(app, network, NoticeKind.signature_recorded) == {"seoul", "seoul-staff"}
    assert "Seoul" in message_to(app, network, NoticeKind.signature_recorded, "seoul-staff").subject


def test_nominations_open_and_a_nomination_to_answer(app, network):
    clients = network["clients"]
    election_id = open_election(clients["secretariat"])
    assert received(app, network, NoticeKind.nominations_open) == {
        "seoul",
        "seoul-staff",
        "hamburg",
    }
    # A city nominating itself accepts at once: nothing to answer.
    assert nominate(clients["seoul"], election_id, "seoul").status_code == 302
    assert received(app, network, NoticeKind.nomination_to_answer) == set()
    assert nominate(clients["seoul"], election_id, "hamburg").status_code == 302
    assert received(app, network, NoticeKind.nomination_to_answer) == {"hamburg"}
    row = message_to(app, network, NoticeKind.nomination_to_answer, "hamburg")
    assert "Hamburg" in row.subject and f"/elections/{election_id}" in row.body_text


def test_a_motion_proposed_seconded_and_put_to_the_vote(app, network):
    clients = network["clients"]
    motion_id = propose(clients["seoul"])
    # The other member cities' delegates, to second it.
    assert received(app, network, NoticeKind.motion_proposed) == {"hamburg"}
    assert clients["hamburg"].post(f"/motions/{motion_id}/second").status_code == 302
    # The proposer, their city's delegates, and the secretariat.
    assert received(app, network, NoticeKind.motion_seconded) == {
        "seoul",
        "seoul-staff",
        "secretariat",
    }
    assert "Hamburg" in message_to(app, network, NoticeKind.motion_seconded, "seoul").body_text
    response = clients["secretariat"].post(
        f"/motions/{motion_id}/vote", data={"secrecy": "recorded"}
    )
    assert response.status_code == 302
    # The proposing and seconding cities; every delegate of the electorate hears of the vote.
    assert received(app, network, NoticeKind.motion_put_to_vote) == {
        "seoul",
        "seoul-staff",
        "hamburg",
    }
    assert received(app, network, NoticeKind.vote_opened) == {"seoul", "seoul-staff", "hamburg"}


def test_a_meeting_convened_carries_its_calendar_invitation(app, network):
    starts = datetime(2031, 6, 3, 4, 30, tzinfo=UTC)  # 13:30 in Seoul
    with app.app_context():
        meeting = meetings.create_meeting(
            title="Council roundtable",
            place="Seoul City Hall",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            time_zone="Asia/Seoul",
            mode=MeetingMode.hybrid,
            online_url="https://meet.example/roundtable",
            actor=db.session.get(User, network["ids"]["secretariat"]),
            now=clock.now(),
        )
        db.session.commit()
        meeting_id = meeting.id
    assert received(app, network, NoticeKind.meeting_convened) == {
        "seoul",
        "seoul-staff",
        "hamburg",
    }
    row = message_to(app, network, NoticeKind.meeting_convened, "hamburg")
    assert "Council roundtable" in row.subject
    assert "1:30" in row.body_text and "Korean Standard Time" in row.body_text
    email = message_from_bytes(build_email(row).as_bytes(), policy=default)
    [invitation] = [part for part in email.iter_attachments()]
    assert invitation.get_content_type() == "text/calendar"
    calendar = invitation.get_content()
    assert f"UID:meeting-{meeting_id}@" in calendar
    assert "DTSTART;TZID=Asia/Seoul:20310603T133000" in calendar
    # The link to follow online is in the invitation (mail to the people concerned).
    assert "https://meet.example/roundtable" in calendar


def test_a_past_meeting_put_on_the_record_is_not_announced(app, network):
    with app.app_context():
        meetings.create_meeting(
            title="Founding meeting",
            place="Seoul City Hall",
            held_on=datetime(2018, 12, 12).date(),
            actor=db.session.get(User, network["ids"]["secretariat"]),
            now=clock.now(),
        )
        db.session.commit()
    assert received(app, network, NoticeKind.meeting_convened) == set()


def test_minutes_published_is_called_by_the_minutes(app, network, make):
    with app.app_context():
        meeting = Meeting(
            title="Council roundtable",
            starts_at=datetime(2019, 6, 3, 4, 30, tzinfo=UTC),
            ends_at=datetime(2019, 6, 3, 6, 30, tzinfo=UTC),
            time_zone="Asia/Seoul",
            place="Seoul City Hall",
            created_at=clock.now(),
        )
        db.session.add(meeting)
        db.session.flush()
        assert notify_minutes_published(meeting) == 3
        db.session.commit()
        meeting_id = meeting.id
    assert received(app, network, NoticeKind.minutes_published) == {
        "seoul",
        "seoul-staff",
        "hamburg",
    }
    row = message_to(app, network, NoticeKind.minutes_published, "seoul")
    assert row.locale == "ko" and f"/meetings/{meeting_id}" in row.body_text
    assert row.status is MessageStatus.pending


def test_a_kind_turned_off_is_not_queued(app, network):
    clients = network["clients"]
    choices = {kind.value: "immediate" for kind in OPTIONAL_KINDS}
    response = clients["hamburg"].post("/account/notices", data=choices | {"vote_opened": "off"})
    assert response.status_code == 302
    open_charter_vote(app)
    assert received(app, network, NoticeKind.vote_opened) == {"seoul", "seoul-staff"}
