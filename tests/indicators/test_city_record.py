"""A city's membership record (the PDF) carries its published figures: a chart and a table."""

from __future__ import annotations

from tests.documents.test_declaration_pdf import squeeze, text_of
from tests.indicators.conftest import HOURS, WAGE, enter, open_collection


def test_the_city_record_prints_each_published_indicator_with_its_chart_and_table(app, people):
    with app.app_context():
        collection = open_collection(people)
        for year, amount in ((2022, "52.5"), (2024, "58")):
            enter(collection, people.seoul, people.seoul_delegate, amount, year=year)
        enter(collection, people.seoul, people.seoul_delegate, "41", code=HOURS, publish=False)
    response = app.test_client().get("/cities/seoul/record.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = text_of(response.data)
    assert squeeze("Decent-work indicators") in text
    # The table: each year's value and its source; the chart: its title, drawn as text.
    assert squeeze(f"Indicator {WAGE} in Seoul, by year") in text
    assert squeeze("2022 52.5 City labour survey") in text
    assert squeeze("2024 58 City labour survey") in text
    # The chart is drawn in the PDF: its unit, its value ticks, and its years on the axis,
    # 2023 included (a year the table does not have).
    assert "percent52545658202220232024" in text
    # A draft is no figure of the record.
    assert squeeze(f"Indicator {HOURS}") not in text


def test_a_city_without_published_figures_prints_no_indicator_section(app, people):
    response = app.test_client().get("/cities/hamburg/record.pdf")
    assert response.status_code == 200
    assert squeeze("Decent-work indicators") not in text_of(response.data)
