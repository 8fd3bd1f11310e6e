"""Minutes: drafted from the record once the meeting is over, approved, published, corrected.

Drafts are for the network's people; the council's approval freezes the text and the
record; publication makes them public (page, PDF, API, archive) and is on the audit
record; approved minutes are never edited: a correction is a new version with why.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from html import unescape

import pytest
import sqlalchemy as sa

from network.auth.models import Role, User
from network.db import db
from network.meetings import minutes as service
from network.meetings.minutes import Minutes, MinutesStatus
from network.meetings.models import DecisionMethod, Meeting, MeetingStatus, SessionDecision
from network.notices.models import NoticeKind, OutboxMessage
from tests.documents.test_declaration_pdf import squeeze, text_of
from tests.meetings.test_times import convene


@pytest.fixture
def officer(make, as_user):
    return as_user(make.secretariat())


@pytest.fixture
def meeting_id(app, officer) -> int:
    """The 2018 Roundtable, over (it ended in 2018), with two items and a consensus."""
    meeting_id = convene(officer)
    officer.post(f"/meetings/{meeting_id}/items", data={"kind": "charter", "title": "The charter"})
    officer.post(f"/meetings/{meeting_id}/items", data={"kind": "other", "title": "Next forum"})
    # A decision taken in the room, as the record holds it (set-up: the quorum in the
    # room comes from attendance, which is not what these tests are about).
    with app.app_context():
        officer_id = db.session.scalar(sa.select(User.id).where(User.role == Role.secretariat))
        db.session.add(
            SessionDecision(
                meeting_id=meeting_id,
                title="Thanks to Seoul",
                text="The council thanks Seoul.",
                rule_key="ordinary",
                method=DecisionMethod.consensus,
                roll_call={},
                result={"outcome": "carried", "consensus": True},
                recorded_at=datetime(2018, 12, 12, 6, 0, tzinfo=UTC),
                recorded_by_id=officer_id,
            )
        )
        db.session.commit()
    return meeting_id


def versions(app, meeting_id: int) -> list[Minutes]:
    with app.app_context():
        found = service.versions_of(meeting_id)
        for one in found:
            db.session.expunge(one)
        return found


def status_of(app, meeting_id: int) -> MeetingStatus:
    with app.app_context():
        return db.session.get(Meeting, meeting_id).status


def start(officer, meeting_id: int, language: str = "en"):
    return officer.post(f"/meetings/{meeting_id}/minutes/start", data={"language": language})


def approve(officer, meeting_id: int, day: str = "2019-03-01"):
    return officer.post(f"/meetings/{meeting_id}/minutes/approve", data={"approved_on": day})


def publish(officer, meeting_id: int):
    return officer.post(f"/meetings/{meeting_id}/minutes/publish")


def test_the_draft_is_written_from_the_record(app, officer, meeting_id, ledger):
    before = ledger.audit_seq()
    assert start(officer, meeting_id).status_code == 302
    (draft,) = versions(app, meeting_id)
    assert draft.status is MinutesStatus.draft and draft.version == 1
    assert "# 1. The charter" in draft.text and "# 2. Next forum" in draft.text
    assert [e.action for e in ledger.entries_since(before)] == ["meeting.minutes_started"]
    page = unescape(officer.get(f"/meetings/{meeting_id}/minutes").get_data(as_text=True))
    assert "Thanks to Seoul" in page and "Adopted by consensus" in page  # the record
    # Only once: a second start is refused.
    again = start(officer, meeting_id)
    assert again.status_code == 302
    assert "has minutes already" in officer.get(again.location).text
    assert len(versions(app, meeting_id)) == 1


def test_a_meeting_not_over_has_no_minutes_yet(app, officer, ledger):
    meeting_id = convene(officer, starts_at="2099-01-01T10:00", ends_at="2099-01-01T12:00")
    before = ledger.audit_seq()
    response = start(officer, meeting_id)
    assert response.status_code == 302
    assert "once the meeting is adjourned" in unescape(officer.get(response.location).text)
    assert versions(app, meeting_id) == [] and ledger.audit_seq() == before


def test_drafts_are_for_the_networks_people_and_published_minutes_for_all(
    app, make, as_user, officer, meeting_id, ledger
):
    start(officer, meeting_id)
    text = "# Minutes\n\nThe council met and **adopted** the charter.\n\n## The charter\n\nAdopted."
    saved = officer.post(
        f"/meetings/{meeting_id}/minutes/draft", data={"text": text, "language": "en"}
    )
    assert saved.status_code == 302
    public = app.test_client()
    assert "adopted</strong>" not in public.get(f"/meetings/{meeting_id}/minutes").text
    assert public.get(f"/meetings/{meeting_id}/minutes.pdf").status_code == 404
    delegate = as_user(make.delegate(make.city("Hamburg", country="DE")))
    draft = delegate.get(f"/meetings/{meeting_id}/minutes").text
    assert "adopted</strong>" in draft  # under the panel's h2, the text's headings follow
    assert "<h3>Minutes</h3>" in draft and "<h4>The charter</h4>" in draft

    before = ledger.audit_seq()
    assert approve(officer, meeting_id).status_code == 302
    assert status_of(app, meeting_id) is MeetingStatus.minutes_approved
    assert "adopted</strong>" not in public.get(f"/meetings/{meeting_id}/minutes").text
    assert publish(officer, meeting_id).status_code == 302
    entries = ledger.entries_since(before)
    assert [e.action for e in entries] == [
        "meeting.minutes_approved",
        "meeting.minutes_published",
    ]
    (published,) = versions(app, meeting_id)
    assert entries[1].public and entries[1].data["text"] == text
    assert entries[1].data["sha256"] == published.digest()
    assert published.approved_on == date(2019, 3, 1)
    assert published.record["decisions"][0]["title"] == "Thanks to Seoul"

    page = public.get(f"/meetings/{meeting_id}/minutes").text
    assert "adopted</strong>" in page and "data-print" in page
    assert "<h2>Minutes</h2>" in page and "<h3>The charter</h3>" in page  # under the h1
    assert f'href="/meetings/{meeting_id}/minutes"' in public.get(f"/meetings/{meeting_id}").text
    pdf = public.get(f"/meetings/{meeting_id}/minutes.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    words = text_of(pdf.data)
    assert squeeze("Thanks to Seoul") in words and squeeze("The council met and") in words


def test_approved_minutes_are_not_edited_and_corrections_are_new_versions(
    app, officer, meeting_id, ledger
):
    start(officer, meeting_id)
    approve(officer, meeting_id)
    before = ledger.audit_seq()
    refused = officer.post(
        f"/meetings/{meeting_id}/minutes/draft", data={"text": "Changed", "language": "en"}
    )
    assert refused.status_code == 302  # back to the page, with the refusal
    assert "Changed" not in versions(app, meeting_id)[0].text and ledger.audit_seq() == before
    # Not yet published: nothing to correct.
    officer.post(f"/meetings/{meeting_id}/minutes/correct", data={"reason": "Typo"})
    assert len(versions(app, meeting_id)) == 1 and ledger.audit_seq() == before
    publish(officer, meeting_id)
    assert (
        officer.post(f"/meetings/{meeting_id}/minutes/correct", data={"reason": ""}).status_code
        == 422
    )
    corrected = officer.post(
        f"/meetings/{meeting_id}/minutes/correct",
        data={"reason": "Hamburg's delegate was misnamed"},
    )
    assert corrected.status_code == 302
    second, first = versions(app, meeting_id)
    assert second.version == 2 and second.status is MinutesStatus.draft
    assert second.text == first.text and second.correction_reason.startswith("Hamburg")
    officer.post(
        f"/meetings/{meeting_id}/minutes/draft",
        data={"text": "Corrected minutes.", "language": "en"},
    )
    approve(officer, meeting_id, "2019-06-01")
    publish(officer, meeting_id)
    public = app.test_client()
    page = public.get(f"/meetings/{meeting_id}/minutes").text
    assert "Corrected minutes." in page and "misnamed" in page
    earlier = public.get(f"/meetings/{meeting_id}/minutes/1").text
    assert "A later version replaces this one." in earlier
    assert public.get(f"/meetings/{meeting_id}/minutes/3").status_code == 404


def test_the_council_approves_on_a_real_day(app, officer, meeting_id):
    start(officer, meeting_id)
    assert approve(officer, meeting_id, "2018-12-11").status_code == 422  # before the meeting
    assert approve(officer, meeting_id, "2999-01-01").status_code == 422  # in the future
    assert versions(app, meeting_id)[0].status is MinutesStatus.draft
    assert publish(officer, meeting_id).status_code == 302  # a draft is not published
    assert versions(app, meeting_id)[0].status is MinutesStatus.draft


def test_only_the_secretariat_writes_minutes(app, make, as_user, meeting_id):
    delegate = as_user(make.delegate(make.city("Hamburg", country="DE")))
    assert start(delegate, meeting_id).status_code == 403
    assert versions(app, meeting_id) == []


def test_publication_tells_the_delegates_by_a_notice(app, make, officer, meeting_id):
    make.delegate(make.city("Hamburg", country="DE"))
    start(officer, meeting_id)
    approve(officer, meeting_id)

    def notices() -> list[OutboxMessage]:
        with app.app_context():
            return db.session.scalars(
                sa.select(OutboxMessage).where(OutboxMessage.kind == NoticeKind.minutes_published)
            ).all()

    assert notices() == []
    publish(officer, meeting_id)
    assert len(notices()) == 1


def test_published_minutes_are_in_the_api(app, officer, meeting_id):
    public = app.test_client()
    assert public.get(f"/api/v1/meetings/{meeting_id}").json["minutes"] is None
    start(officer, meeting_id)
    approve(officer, meeting_id)
    assert public.get(f"/api/v1/meetings/{meeting_id}").json["minutes"] is None
    publish(officer, meeting_id)
    body = public.get(f"/api/v1/meetings/{meeting_id}").json
    assert body["minutes"]["version"] == 1 and body["minutes"]["approved_on"] == "2019-03-01"
    assert body["minutes"]["pdf"].endswith(f"/meetings/{meeting_id}/minutes.pdf")
    listed = public.get(f"/api/v1/meetings/{meeting_id}/minutes").json
    assert [v["version"] for v in listed["items"]] == [1]
    assert listed["items"][0]["text"].startswith("Minutes of")
    assert listed["items"][0]["record"]["decisions"][0]["title"] == "Thanks to Seoul"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Minutes)) == 1


def test_meeting_pages_and_answers_stay_within_ten_statements(app, officer, meeting_id):

    from tests.conftest import recorded_statements
    from tests.meetings.test_papers import PDF, upload

    urls = [
        f"/meetings/{meeting_id}",
        f"/meetings/{meeting_id}/minutes",
        f"/meetings/{meeting_id}/minutes/1",
        f"/api/v1/meetings/{meeting_id}",
        f"/api/v1/meetings/{meeting_id}/minutes",
    ]

    def counts() -> dict[str, int]:
        found = {}
        for url in urls:
            with recorded_statements() as seen, app.test_client().get(url) as response:
                assert response.status_code == 200, url
            found[url] = len(seen)
        return found

    start(officer, meeting_id)
    approve(officer, meeting_id)
    publish(officer, meeting_id)
    upload(officer, meeting_id, PDF, "agenda.pdf")
    few = counts()
    # The meeting's own page also shows attendance and proxies (attendance_views).
    assert max(n for url, n in few.items() if url != urls[0]) <= 10, few
    for n in range(4):
        upload(officer, meeting_id, PDF, f"annex-{n}.pdf", item=str(n % 2 + 1) if n else "")
    officer.post(f"/meetings/{meeting_id}/minutes/correct", data={"reason": "Annexes"})
    approve(officer, meeting_id)
    publish(officer, meeting_id)
    assert counts() == few
