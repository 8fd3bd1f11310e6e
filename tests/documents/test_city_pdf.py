"""A city's membership record as a PDF: its names, status history and declarations."""

from __future__ import annotations

from tests.documents.test_declaration_pdf import audit_head, seeded, squeeze, text_of  # noqa: F401


def test_a_city_record_prints_its_history_in_the_readers_language(app, client, seeded):  # noqa: F811
    assert 'href="/cities/seoul/record.pdf"' in client.get("/cities/seoul").get_data(as_text=True)
    response = client.get("/cities/seoul/record.pdf", headers={"Accept-Language": "ko"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        'inline; filename="seoul-membership-record.pdf"'
    )
    text = text_of(response.data)
    assert "서울특별시" in text and "대한민국" in text
    assert squeeze("Founding member: City Government Roundtable, Seoul City Hall") in text
    assert squeeze("좋은 일자리 도시 ‘서울선언’") in text  # the declaration it signed
    head = audit_head(app)
    assert head.hash in text


def test_an_unknown_city_has_no_record(client):
    assert client.get("/cities/no-such-city/record.pdf").status_code == 404
