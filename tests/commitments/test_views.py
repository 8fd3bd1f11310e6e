"""The progress page, a city's report page, the editor and the secretariat's buttons, by HTTP."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import sqlalchemy as sa

from network.commitments.models import CommitmentStatus, ReportEntry, ReportVersion
from network.common import clock
from network.db import db
from tests.commitments.conftest import SLUG, open_period, report

S = CommitmentStatus
PROGRESS = f"/declarations/{SLUG}/progress"
EDITOR = f"/declarations/{SLUG}/report"


def form(*rows: dict, reason: str = "") -> dict[str, str]:
    data = {"reason": reason}
    for index, row in enumerate(rows):
        for name, value in ({"status": ""} | row).items():
            data[f"entries-{index}-{name}"] = value
    return data


def counts_of(page: str, number: int) -> dict[str, list[str]]:
    """Read a commitment's table of counts: status → counts per period."""
    section = page.split(f'id="commitment-{number}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th>(.*?)</tr>', section)
    return {name: re.findall(r">([0-9,]+)</td>", cells) for name, cells in rows}


def test_the_progress_page_counts_submitted_reports_per_status_and_period(app, people):
    with app.app_context():
        first = open_period(people, "2025")
        report(people, first, people.seoul, people.seoul_delegate, S.planned, S.planned)
        report(people, first, people.hamburg, people.hamburg_delegate, S.not_started)
        from network.auth.models import User
        from network.commitments import services
        from network.commitments.models import ReportingPeriod

        services.close_period(
            db.session.get(ReportingPeriod, first),
            actor=db.session.get(User, people.secretariat.id),
            now=clock.now(),
        )
        db.session.commit()
        second = open_period(people, "2026")
        report(people, second, people.seoul, people.seoul_delegate, S.achieved, S.in_progress)
        report(people, second, people.hamburg, people.hamburg_delegate, S.planned, submit=False)
    public = app.test_client()
    page = public.get(PROGRESS).get_data(as_text=True)
    assert "2 of 2 signatory cities" not in page and "1 of 2 signatory cities" in page
    assert counts_of(page, 1) == {
        "Not started": ["1", "0"],
        "Planned": ["1", "0"],
        "In progress": ["0", "0"],
        "Achieved": ["0", "1"],
        "Not reported": ["0", "0"],
    }
    assert counts_of(page, 2)["Planned"] == ["1", "0"]
    assert counts_of(page, 2)["Not reported"] == ["1", "0"]  # Hamburg said nothing of it
    assert counts_of(page, 2)["In progress"] == ["0", "1"]
    older = public.get(f"{PROGRESS}?period=2025").get_data(as_text=True)
    assert "2 of 2 signatory cities" in older
    assert public.get(f"{PROGRESS}?period=1999").status_code == 404
    # The declaration's page links to its progress.
    assert PROGRESS in public.get(f"/declarations/{SLUG}").get_data(as_text=True)


def test_commitments_show_in_the_readers_language_falling_back_marked(app, people):
    with app.app_context():
        open_period(people)
    korean = app.test_client().get(PROGRESS, headers={"Accept-Language": "ko"})
    page = korean.get_data(as_text=True)
    assert '<html lang="ko"' in page
    assert "<blockquote><p>우리는 생활임금을 지급한다." in page  # the page's own language
    # The Korean text has two commitments: the third is the authoritative English, marked.
    assert '<blockquote lang="en" dir="ltr"><p>We report on both each year.' in page
    # An English reader asking for the Korean text (?lang=ko) gets it marked as Korean.
    asked = app.test_client().get(f"{PROGRESS}?lang=ko").get_data(as_text=True)
    assert '<blockquote lang="ko" dir="ltr"><p>우리는 생활임금을 지급한다.' in asked
    assert "<blockquote><p>We report on both each year." in asked


def test_a_delegate_writes_a_draft_submits_it_and_the_public_reads_it(
    app, people, login_as, as_user, client, ledger
):
    with app.app_context():
        open_period(people)
    login_as(people.seoul_delegate)
    editor = client.get(EDITOR)
    assert editor.status_code == 200
    assert "Practice seoul-living-wage" in editor.get_data(as_text=True)  # its practices
    assert "Practice hamburg-procurement" not in editor.get_data(as_text=True)
    before = ledger.audit_seq()
    response = client.post(
        EDITOR,
        data=form(
            {
                "status": "in-progress",
                "account": "Paid since 2015.",
                "links": "https://example.org/wage",
                "practices": str(people.practice_id),
            },
            {"status": ""},
            {"status": "planned"},
        ),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    city_page = f"{PROGRESS}/seoul?period=2026"
    assert response.location == city_page
    assert [e.action for e in ledger.entries_since(before)] == ["report.saved"]

    public = app.test_client()
    assert "has not submitted a report" in public.get(city_page).get_data(as_text=True)
    assert "Paid since 2015." not in public.get(city_page).get_data(as_text=True)
    assert "Paid since 2015." not in as_user(people.hamburg_delegate).get(city_page).text
    assert "Paid since 2015." not in as_user(people.observer).get(city_page).text
    assert "Paid since 2015." in as_user(people.secretariat).get(city_page).text

    staff = as_user(people.seoul_staff)
    own = staff.get(city_page).get_data(as_text=True)
    assert "Draft: only the delegates of Seoul" in own and "Submit the report" in own
    assert staff.post(f"/declarations/{SLUG}/report/submit").status_code == 302
    page = public.get(city_page).get_data(as_text=True)
    assert "Paid since 2015." in page and "In progress" in page and "Not reported" in page
    assert 'href="/practices/seoul-living-wage"' in page
    assert "https://example.org/wage" in page
    progress = public.get(PROGRESS).get_data(as_text=True)
    assert f'href="{PROGRESS}/seoul?period=2026"' in progress


def test_a_correction_needs_its_reason_and_keeps_the_first_version_readable(
    app, people, login_as, client
):
    with app.app_context():
        period_id = open_period(people)
        report(people, period_id, people.seoul, people.seoul_delegate, S.planned)
    login_as(people.seoul_delegate)
    editor = client.get(EDITOR).get_data(as_text=True)
    assert "is a correction" in editor and 'name="reason"' in editor
    assert re.search(r'<option selected value="planned">', editor)  # from the submitted one
    client.post(EDITOR, data=form({"status": "achieved"}, {}, {}))
    refused = client.post(f"/declarations/{SLUG}/report/submit", follow_redirects=True)
    assert "Say why the submitted report is corrected" in refused.get_data(as_text=True)
    client.post(EDITOR, data=form({"status": "achieved"}, {}, {}, reason="Adopted in June."))
    client.post(f"/declarations/{SLUG}/report/submit")
    public = app.test_client()
    latest = public.get(f"{PROGRESS}/seoul").get_data(as_text=True)
    assert "Achieved" in latest and "Adopted in June." in latest
    first = public.get(f"{PROGRESS}/seoul?version=1").get_data(as_text=True)
    assert "Planned" in first and "An earlier version, replaced by a correction." in first
    assert public.get(f"{PROGRESS}/seoul?version=3").status_code == 404


def test_bad_input_in_the_editor_gets_a_message_and_nothing_changes(
    app, people, login_as, client, ledger
):
    with app.app_context():
        open_period(people)
    login_as(people.seoul_delegate)
    before = ledger.audit_seq()
    response = client.post(EDITOR, data=form({"status": "planned", "links": "not a link"}, {}, {}))
    assert response.status_code == 422
    assert "is not a web address" in response.get_data(as_text=True)
    too_long = client.post(EDITOR, data=form({"status": "planned", "account": "x" * 1001}, {}, {}))
    assert too_long.status_code == 422
    other = client.post(
        EDITOR,
        data=form({"status": "planned", "practices": str(people.hamburg_practice_id)}, {}, {}),
    )
    assert other.status_code == 422
    assert "Give as evidence only your city&#39;s published practices" in other.text
    # Whatever field or entry a refusal belongs to, the page says it at the top.
    garbled = client.post(EDITOR, data=form({"status": "planned", "practices": "abc"}, {}, {}))
    assert garbled.status_code == 422 and 'class="error-summary" role="alert"' in garbled.text
    extra = client.post(
        EDITOR, data=form({"status": "planned"}, {}, {}, {"status": "x", "account": "\x00"})
    )
    assert extra.status_code == 422 and 'role="alert"' in extra.text
    assert ledger.audit_seq() == before
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportVersion)) == 0


def test_who_may_open_the_editor(app, people, as_user):
    without_period = as_user(people.seoul_delegate).get(EDITOR)
    assert without_period.status_code == 409
    with app.app_context():
        open_period(people)
    assert as_user(people.vienna_delegate).get(EDITOR).status_code == 403  # not a signatory
    assert as_user(people.secretariat).get(EDITOR).status_code == 403
    assert as_user(people.observer).get(EDITOR).status_code == 403
    assert app.test_client().get(EDITOR).status_code == 302  # to the login page
    assert as_user(people.hamburg_delegate).get(EDITOR).status_code == 200


def test_the_secretariat_opens_and_closes_a_period_from_the_progress_page(
    app, people, as_user, ledger
):
    officer = as_user(people.secretariat)
    page = officer.get(PROGRESS).get_data(as_text=True)
    assert "Open a reporting period" in page
    due = (clock.today() + timedelta(days=30)).isoformat()
    refused = officer.post(
        f"/declarations/{SLUG}/periods", data={"label": "bad label", "due_on": due}
    )
    assert refused.status_code == 302
    assert "letters, digits" in officer.get(PROGRESS).get_data(as_text=True)
    before = ledger.audit_seq()
    opened = officer.post(f"/declarations/{SLUG}/periods", data={"label": "2026", "due_on": due})
    assert opened.location == f"{PROGRESS}?period=2026"
    page = officer.get(PROGRESS).get_data(as_text=True)
    period_id = re.search(r"/periods/(\d+)/close", page).group(1)
    assert officer.post(f"/declarations/{SLUG}/periods/{period_id}/close").status_code == 302
    assert [e.action for e in ledger.entries_since(before)] == [
        "reporting_period.opened",
        "reporting_period.closed",
    ]
    assert (
        as_user(people.seoul_delegate)
        .post(f"/declarations/{SLUG}/periods", data={"label": "2027", "due_on": due})
        .status_code
        == 403
    )


def test_submitted_reports_as_csv_one_row_per_commitment(app, people):
    with app.app_context():
        period_id = open_period(people)
        report(people, period_id, people.seoul, people.seoul_delegate, S.achieved, S.planned)
        report(people, period_id, people.hamburg, people.hamburg_delegate, S.planned, submit=False)
    response = app.test_client().get(f"/declarations/{SLUG}/reports.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [(r["city"], r["commitment"], r["status"]) for r in rows] == [
        ("seoul", "1", "achieved"),
        ("seoul", "2", "planned"),
    ]
    assert app.test_client().get(f"/declarations/{SLUG}/reports.csv?period=1999").status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportEntry)) == 3
