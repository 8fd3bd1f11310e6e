"""The indicator pages by HTTP: the charts with their tables, the editors, who gets what."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

import sqlalchemy as sa

from network.db import db
from network.indicators.models import Indicator, ValueVersion
from tests.indicators.conftest import HOURS, WAGE, enter, open_collection


class Chart(HTMLParser):
    """Read a page's SVG charts (title, description, the values the bars say) and tables."""

    def __init__(self) -> None:
        super().__init__()
        self.svgs: list[dict] = []
        self.tables: list[dict] = []
        self._in: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "svg":
            self.svgs.append({"attrs": attributes, "title": "", "desc": "", "values": []})
        elif tag == "table":
            self.tables.append({"caption": "", "rows": []})
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in {"td", "th"} and self.tables and self.tables[-1]["rows"]:
            self.tables[-1]["rows"][-1].append("")
        if tag == "text" and attributes.get("class") == "value":
            self.svgs[-1]["values"].append("")
        self._in.append(tag if tag != "text" else f"text.{attributes.get('class')}")

    def handle_endtag(self, tag):
        while self._in and self._in.pop().split(".")[0] != tag:
            pass

    def handle_data(self, data):
        where = self._in[-1] if self._in else ""
        if (
            where in {"title", "desc"}
            and self.svgs
            and len(self._in) >= 2
            and self._in[-2] == "svg"
        ):
            self.svgs[-1][where] += data
        elif where == "text.value":
            self.svgs[-1]["values"][-1] += data
        elif where == "caption":
            self.tables[-1]["caption"] += data
        elif "td" in self._in or "th" in self._in:
            if self.tables and self.tables[-1]["rows"] and self.tables[-1]["rows"][-1]:
                self.tables[-1]["rows"][-1][-1] += data


def parse(html: str) -> Chart:
    parser = Chart()
    parser.feed(html)
    return parser


def test_the_indicator_page_compares_the_cities_in_a_bar_chart_beside_its_table(app, people):
    with app.app_context():
        collection = open_collection(people)
        enter(collection, people.seoul, people.seoul_delegate, "61.5")
        enter(collection, people.hamburg, people.hamburg_delegate, "38.5", code=HOURS)
        enter(collection, people.hamburg, people.hamburg_delegate, "72.25")
        enter(collection, people.vienna, people.vienna_delegate, "40", publish=False)  # a draft
        enter(collection, people.seoul, people.seoul_delegate, "55", year=2023)
    public = app.test_client()
    response = public.get(f"/indicators/{WAGE}")
    assert response.status_code == 200
    page = parse(response.get_data(as_text=True))
    [chart] = [svg for svg in page.svgs if svg["attrs"].get("role") == "img"]
    assert chart["attrs"]["aria-labelledby"] == f"compare-{WAGE}-title"
    assert chart["attrs"]["aria-describedby"] == f"compare-{WAGE}-desc"
    assert chart["title"] == f"Indicator {WAGE} in 2024, by city"
    assert "2 cities" in chart["desc"] and "Higher values are better." in chart["desc"]
    [table] = [t for t in page.tables if t["caption"].startswith(f"Indicator {WAGE} in 2024")]
    rows = [row for row in table["rows"] if row and row[0] != "City"]
    # Best first (higher is better), the same numbers as the chart's bars.
    assert [(row[0], row[1]) for row in rows] == [("Hamburg", "72.25"), ("Seoul", "61.5")]
    assert chart["values"] == ["72.25", "61.5"]
    assert "Vienna" not in response.get_data(as_text=True)  # a draft is not public
    # Another year, asked for; a year without values is not found.
    older = parse(public.get(f"/indicators/{WAGE}?year=2023").get_data(as_text=True))
    assert [svg["values"] for svg in older.svgs if svg["values"]] == [["55"]]
    assert public.get(f"/indicators/{WAGE}?year=1999").status_code == 404
    assert public.get("/indicators/no-such-thing").status_code == 404


def test_numbers_follow_the_reader_s_locale_in_chart_and_table_alike(app, people):
    with app.app_context():
        collection = open_collection(people)
        enter(collection, people.seoul, people.seoul_delegate, "61.5")
    page = app.test_client().get(f"/indicators/{WAGE}", headers={"Accept-Language": "fr"})
    parsed = parse(page.get_data(as_text=True))
    [chart] = [svg for svg in parsed.svgs if svg["values"]]
    assert chart["values"] == ["61,5"]
    assert any(row[1:2] == ["61,5"] for table in parsed.tables for row in table["rows"])


def test_a_city_s_page_draws_each_indicator_over_the_years_with_its_table(app, people):
    with app.app_context():
        collection = open_collection(people)
        for year, amount in ((2021, "50"), (2022, "52.5"), (2024, "58")):
            enter(collection, people.seoul, people.seoul_delegate, amount, year=year)
        enter(collection, people.seoul, people.seoul_delegate, "41", code=HOURS)
        enter(
            collection, people.seoul, people.seoul_delegate, "59", year=2024, reason="Reweighted."
        )
    public = app.test_client()
    response = public.get("/indicators/cities/seoul")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = parse(html)
    charts = [svg for svg in page.svgs if svg["attrs"].get("role") == "img"]
    assert {svg["title"] for svg in charts} == {
        f"Indicator {WAGE} in Seoul, by year",
        f"Indicator {HOURS} in Seoul, by year",
    }
    assert all(svg["desc"] for svg in charts)
    [table] = [t for t in page.tables if t["caption"].startswith(f"Indicator {WAGE} in Seoul")]
    years = [(row[0], row[1]) for row in table["rows"] if row and row[0].isdigit()]
    assert years == [("2021", "50"), ("2022", "52.5"), ("2024", "59")]
    # The chart's points carry the same numbers (their tooltips), in the same years.
    wage = html.split(f'id="city-{WAGE}-title"', 1)[1].split("</svg>", 1)[0]
    assert re.findall(r"Seoul, (\d{4}): ([0-9.,]+)", wage) == [
        ("2021", "50"),
        ("2022", "52.5"),
        ("2024", "59"),
    ]
    assert "Reweighted." in html and "Earlier versions" in html  # the revision, and the old
    assert "Version 1, published" in html
    # The city's page links here.
    assert 'href="/indicators/cities/seoul"' in public.get("/cities/seoul").get_data(as_text=True)
    assert public.get("/indicators/cities/atlantis").status_code == 404


def test_drafts_are_shown_only_to_the_city_s_delegates_and_the_secretariat(app, people, as_user):
    with app.app_context():
        collection = open_collection(people)
        enter(collection, people.seoul, people.seoul_delegate, "47.5", publish=False)
    page = "/indicators/cities/seoul"
    assert "47.5" not in app.test_client().get(page).get_data(as_text=True)
    assert "47.5" not in as_user(people.hamburg_delegate).get(page).get_data(as_text=True)
    assert "47.5" not in as_user(people.observer).get(page).get_data(as_text=True)
    officer = as_user(people.secretariat).get(page).get_data(as_text=True)
    assert "47.5" in officer and "Publish</button>" not in officer
    own = as_user(people.seoul_delegate).get(page).get_data(as_text=True)
    assert "47.5" in own and "Publish</button>" in own
    assert app.test_client().get(f"/api/v1/indicators/{WAGE}/values").get_json()["total"] == 0


def test_a_delegate_enters_a_value_and_publishes_it_by_http(app, people, as_user, ledger):
    with app.app_context():
        open_collection(people)
    delegate = as_user(people.seoul_delegate)
    editor = delegate.get(f"/indicators/{WAGE}/value")
    assert editor.status_code == 200 and 'value="2025"' in editor.get_data(as_text=True)
    before = ledger.audit_seq()
    response = delegate.post(
        f"/indicators/{WAGE}/value",
        data={
            "year": "2024",
            "amount": "61.5",
            "source": "Seoul labour survey",
            "source_url": "https://example.org/survey",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.location == "/indicators/cities/seoul#drafts"
    assert delegate.post(f"/indicators/{WAGE}/value/2024/publish").status_code == 302
    actions = [entry.action for entry in ledger.entries_since(before)]
    assert actions == ["indicator_value.saved", "indicator_value.published"]
    page = app.test_client().get(f"/indicators/{WAGE}").get_data(as_text=True)
    assert "61.5" in page and 'href="https://example.org/survey"' in page
    # A revision without its reason: saved as a draft, refused at publication, said why.
    delegate.post(
        f"/indicators/{WAGE}/value",
        data={"year": "2024", "amount": "62", "source": "Seoul labour survey"},
    )
    refused = delegate.post(f"/indicators/{WAGE}/value/2024/publish", follow_redirects=True)
    assert "Say why the published value is revised" in refused.get_data(as_text=True)
    shown = app.test_client().get(f"/indicators/{WAGE}").get_data(as_text=True)
    assert ">61.5<" in shown and ">62<" not in shown


def test_bad_input_changes_nothing_and_says_why_beside_the_field(app, people, as_user, ledger):
    with app.app_context():
        open_collection(people)
    delegate = as_user(people.seoul_delegate)
    before = ledger.audit_seq()
    for data, message in (
        ({"year": "2024", "amount": "120", "source": "Survey"}, "between 0 and 100"),
        ({"year": "2024", "amount": "abc", "source": "Survey"}, "as a number"),
        ({"year": "2030", "amount": "50", "source": "Survey"}, "from 1950 to 2025"),
        ({"year": "2024", "amount": "50", "source": ""}, "This field is required"),
        (
            {"year": "2024", "amount": "50", "source": "S", "source_url": "ftp://x"},
            "web address",
        ),
    ):
        response = delegate.post(f"/indicators/{WAGE}/value", data=data)
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        assert message in html, message
        assert 'class="error-summary"' in html and 'aria-invalid="true"' in html
    assert ledger.audit_seq() == before
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ValueVersion)) == 0


def test_refusals_by_role(app, people, as_user):
    with app.app_context():
        open_collection(people)
    hamburg = as_user(people.hamburg_delegate)
    # A delegate enters only for their own city: the editor is theirs, never Seoul's.
    hamburg.post(
        f"/indicators/{WAGE}/value", data={"year": "2024", "amount": "50", "source": "Survey"}
    )
    assert 'id="drafts"' not in as_user(people.seoul_delegate).get("/indicators/cities/seoul").text
    assert 'id="drafts"' in hamburg.get("/indicators/cities/hamburg").text
    for who in (people.observer, people.secretariat):
        assert as_user(who).post(f"/indicators/{WAGE}/value", data={}).status_code == 403
    assert as_user(people.observer).get("/indicators/new").status_code == 403
    assert as_user(people.seoul_delegate).post("/indicators/new", data={}).status_code == 403
    anonymous = app.test_client().post(f"/indicators/{WAGE}/value/2024/publish")
    assert anonymous.status_code == 302 and anonymous.location.startswith("/login")


def test_the_secretariat_defines_an_indicator_and_opens_a_collection(app, people, as_user):
    officer = as_user(people.secretariat)
    editor = officer.get("/indicators/new").get_data(as_text=True)
    assert 'name="texts-0-language"' in editor and 'value="ko"' in editor
    response = officer.post(
        "/indicators/new",
        data={
            "code": "real-living-wage",
            "pillar": "social-protection",
            "unit": "currency-per-hour",
            "currency": "gbp",
            "direction": "higher",
            "min_value": "",
            "max_value": "",
            "texts-0-language": "en",
            "texts-0-name": "Real living wage",
            "texts-0-definition": "The hourly rate.",
            "texts-1-language": "fr",
            "texts-1-name": "Salaire vital réel",
            "texts-1-definition": "Le taux horaire.",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        found = db.session.scalar(sa.select(Indicator).where(Indicator.code == "real-living-wage"))
        assert found.currency == "GBP" and set(found.texts) == {"en", "fr"}
    french = app.test_client().get(
        "/indicators/real-living-wage", headers={"Accept-Language": "fr"}
    )
    assert "Salaire vital réel" in french.get_data(as_text=True)
    missing_english = officer.post(
        "/indicators/new",
        data={
            "code": "other",
            "pillar": "employment",
            "unit": "percent",
            "direction": "higher",
            "texts-0-language": "fr",
            "texts-0-name": "Nom",
            "texts-0-definition": "Définition.",
        },
    )
    assert missing_english.status_code == 422
    assert "Give the name and the definition in English." in missing_english.get_data(as_text=True)
    opened = officer.post(
        "/indicators/collections",
        data={"year": "2025", "due_on": "2099-01-31"},
        follow_redirects=True,
    )
    assert "The collection for 2025 is open." in opened.get_data(as_text=True)
    again = officer.post(
        "/indicators/collections",
        data={"year": "2025", "due_on": "2099-01-31"},
        follow_redirects=True,
    )
    assert "A collection for 2025 is open already" in again.get_data(as_text=True)


def test_the_csv_holds_the_published_values_filtered(app, people):
    with app.app_context():
        collection = open_collection(people)
        enter(collection, people.seoul, people.seoul_delegate, "61.5")
        enter(collection, people.hamburg, people.hamburg_delegate, "72")
        enter(collection, people.hamburg, people.hamburg_delegate, "38.5", code=HOURS)
        enter(collection, people.vienna, people.vienna_delegate, "40", publish=False)
    public = app.test_client()
    response = public.get("/indicators/values.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["indicator"], r["city"], r["value"]) for r in rows] == [
        (WAGE, "hamburg", "72"),
        (WAGE, "seoul", "61.5"),
        (HOURS, "hamburg", "38.5"),
    ]
    assert rows[0]["source"] == "City labour survey" and rows[0]["version"] == "1"
    only = public.get(f"/indicators/values.csv?indicator={WAGE}&city=seoul").get_data(as_text=True)
    assert [r["city"] for r in csv.DictReader(io.StringIO(only))] == ["seoul"]
    assert public.get("/indicators/values.csv?indicator=nothing").status_code == 404
