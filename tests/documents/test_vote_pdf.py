"""A closed vote's result as a PDF: the counts, and the roll call or the ballots by receipt."""

from __future__ import annotations

import re

from tests.documents.test_declaration_pdf import audit_head, squeeze, text_of
from tests.votes.test_views import CITIES, ballot, charter_vote, council  # noqa: F401


def test_a_recorded_vote_prints_its_counts_and_calls_every_city(app, council):  # noqa: F811
    vote_id = charter_vote(council)
    for city, choice in (("Seoul", "yes"), ("Hamburg", "yes"), ("London", "no")):
        ballot(council[city], vote_id, "confirm", choice=choice)
    public = app.test_client()
    assert public.get(f"/votes/{vote_id}/result.pdf").status_code == 404  # still open
    assert "result.pdf" not in public.get(f"/votes/{vote_id}").get_data(as_text=True)
    council["secretariat"].post(f"/votes/{vote_id}/close")
    page = public.get(f"/votes/{vote_id}").get_data(as_text=True)
    assert f'href="/votes/{vote_id}/result.pdf"' in page
    response = public.get(f"/votes/{vote_id}/result.pdf", headers={"Accept-Language": "en"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f'inline; filename="vote-{vote_id}-result.pdf"'
    )
    text = text_of(response.data)
    assert "Carried" in text
    assert squeeze("Quorum met: 3 of 5 cities voted") in text
    assert all(city in text for city in CITIES)
    assert re.search("London(No)", text) and re.search("Milan(didnotvote)", text)
    head = audit_head(app)
    assert squeeze(f"audit entry {head.seq}, hash {head.hash}") in text
    korean = text_of(
        public.get(f"/votes/{vote_id}/result.pdf", headers={"Accept-Language": "ko"}).data
    )
    assert "서울특별시" in korean


def test_a_secret_vote_prints_its_ballots_by_receipt_and_names_no_city(app, council):  # noqa: F811
    vote_id = charter_vote(council, secrecy="secret")
    receipts = []
    for city, choice in (("Seoul", "yes"), ("Hamburg", "no")):
        html = ballot(council[city], vote_id, "confirm", choice=choice).get_data(as_text=True)
        receipts.append(re.search(r"receipt code is ([0-9A-Z-]{19})", html).group(1))
    council["secretariat"].post(f"/votes/{vote_id}/close")
    text = text_of(app.test_client().get(f"/votes/{vote_id}/result.pdf").data)
    assert all(receipt in text for receipt in receipts)
    assert "Roll call" not in text and "Hamburg" not in text


def test_an_unknown_vote_has_no_result_pdf(client):
    assert client.get("/votes/999999/result.pdf").status_code == 404


def test_the_resolution_a_vote_adopted_prints_with_its_number_and_vote(app, council):  # noqa: F811
    vote_id = charter_vote(council)
    for city in CITIES:
        ballot(council[city], vote_id, "confirm", choice="yes")
    council["secretariat"].post(f"/votes/{vote_id}/close")
    public = app.test_client()
    number = public.get("/api/v1/charter").get_json()["resolution"]
    year, sequence = re.match(r"DWCN/RES/(\d+)/(\d+)", number).groups()
    page = public.get(f"/resolutions/{year}/{sequence}").get_data(as_text=True)
    assert f'href="/resolutions/{year}/{sequence}/document.pdf"' in page
    response = public.get(f"/resolutions/{year}/{sequence}/document.pdf")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        f'inline; filename="resolution-{year}-{sequence}.pdf"'
    )
    text = text_of(response.data)
    assert number in text
    assert squeeze(f"Produced from http://localhost/resolutions/{year}/{sequence}") in text
    assert public.get(f"/resolutions/{year}/9999/document.pdf").status_code == 404
