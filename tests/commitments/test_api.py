"""Submitted reports in the open-data API: paginated, by period, drafts never shown."""

from __future__ import annotations

from network.commitments.models import CommitmentStatus
from tests.commitments.conftest import SLUG, open_period, report

S = CommitmentStatus
API = f"/api/v1/declarations/{SLUG}/reports"


def test_submitted_reports_are_listed_latest_version_only_drafts_never(app, people):
    with app.app_context():
        period_id = open_period(people)
        report(people, period_id, people.seoul, people.seoul_delegate, S.planned)
        report(people, period_id, people.seoul, people.seoul_delegate, S.achieved, reason="Done.")
        report(people, period_id, people.hamburg, people.hamburg_delegate, S.planned, submit=False)
    answer = app.test_client().get(f"{API}?lang=ko").get_json()
    assert answer["total"] == 1 and answer["page"] == 1 and answer["per_page"] == 50
    [item] = answer["items"]
    assert item["city"] == "seoul" and item["city_name"] == "서울"
    assert (item["period"], item["version"], item["reason"]) == ("2026", 2, "Done.")
    assert item["commitments"] == [
        {"number": 1, "status": "achieved", "account": "", "links": [], "practices": []}
    ]
    assert item["url"].endswith(f"/declarations/{SLUG}/progress/seoul?period=2026")


def test_reports_are_paged_and_filtered_by_period(app, people):
    with app.app_context():
        first = open_period(people, "2025")
        report(people, first, people.seoul, people.seoul_delegate, S.planned)
        report(people, first, people.hamburg, people.hamburg_delegate, S.planned)
    client = app.test_client()
    page = client.get(f"{API}?per_page=1&page=2").get_json()
    assert page["total"] == 2 and [i["city"] for i in page["items"]] == ["seoul"]
    assert client.get(f"{API}?period=2025").get_json()["total"] == 2
    missing = client.get(f"{API}?period=2024")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
    assert client.get("/api/v1/declarations/no-such/reports").status_code == 404
    assert client.get(f"{API}?per_page=500").status_code == 400
