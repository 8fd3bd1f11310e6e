"""Decent-work indicators (issue #20), from a definition to a revised figure, in Chromium.

On the demo as ``make run`` loads it (four indicators defined, this year's collection
open, no values), the secretariat finds the open collection on the indicators page (a
second one for the same year is refused) and defines a new indicator through its form:
the share of workers on low pay, named and defined in English and French, a percent
between 0 and 50, lower being better, under the pillar of employment. Seoul's delegate
enters the city's figure for last year with its source: a figure above the range is
refused with a message saying the range, and nothing is saved; the corrected figure is
saved as a draft, which a visitor does not see, then published. London's delegate
publishes London's. The visitor sees the indicator's page compare both cities, as a bar
chart (an ``<svg role="img">`` named by its title) and as a table, best first, and
the values in the CSV. Seoul's delegate revises the figure with a reason and publishes
the revision: the visitor reads on Seoul's indicators page the new version with its
reason, the earlier one kept below it, and the line chart of Seoul's figures. axe
checks the pages on the way (``check_page``); screenshots go to
``test-artifacts/browser/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from network.common import clock
from tests.browser.conftest import LiveServer, flash_text, log_in, screenshot
from tests.browser.test_accessibility import check_page, person_with_axe

pytestmark = pytest.mark.browser

SECRETARIAT = "secretariat@example.org"
SEOUL = "seoul@example.org"
LONDON = "london@example.org"
CODE = "low-pay-workers"
NAME = "Workers on low pay"
DEFINITION = (
    "The share of employees working in the city whose hourly pay is below two thirds of "
    "the median hourly pay there."
)
NAME_FR = "Travailleurs à bas salaire"
DEFINITION_FR = (
    "La part des salariés travaillant dans la ville dont le salaire horaire est inférieur "
    "aux deux tiers du salaire horaire médian."
)
SEOUL_SOURCE = "Seoul labour survey"
SEOUL_LINK = "https://seoul.example.org/labour-survey"
LONDON_SOURCE = "Office for National Statistics, annual survey of hours and earnings"
REASON = "The survey's final results replace its first estimate."


@pytest.fixture
def contexts(request: pytest.FixtureRequest, browser: Browser) -> Iterator[list[BrowserContext]]:
    """The people's browser contexts: closed at the end, their pages kept if the test fails."""
    opened: list[BrowserContext] = []
    yield opened
    report = getattr(request.node, "rep_call", None)
    for number, context in enumerate(opened):
        if report is not None and report.failed:
            for page in context.pages:
                screenshot(page, f"failed-indicators-{number}")
        context.close()


def click_to(page: Page, locator: Locator) -> None:
    """Click a link or a button and wait for the page it leads to."""
    with page.expect_navigation():
        locator.click()


def define_the_indicator(secretariat: Page, server: LiveServer) -> None:
    """Fill the secretariat's form for a new indicator, in English and French, and save it."""
    secretariat.goto(server.url("/indicators/"))
    click_to(secretariat, secretariat.get_by_role("link", name="Define an indicator"))
    form = secretariat.get_by_role("main")
    expect(form.get_by_role("heading", level=1)).to_have_text("Define an indicator")
    form.get_by_label("Code", exact=True).fill(CODE)
    form.get_by_label("Pillar of decent work").select_option(label="Employment")
    form.get_by_label("Unit", exact=True).select_option(label="Percent")
    form.get_by_label("Which values are better").select_option(label="Lower is better")
    form.get_by_label("Lowest valid value").fill("0")
    form.get_by_label("Highest valid value").fill("50")
    for language, name, definition in (
        ("English", NAME, DEFINITION),
        ("French", NAME_FR, DEFINITION_FR),
    ):
        column = form.get_by_role("group", name=language)
        column.get_by_label("Name").fill(name)
        column.get_by_label("Definition").fill(definition)
    screenshot(secretariat, "indicators-definition-form")
    assert check_page(secretariat, "en") == []
    click_to(secretariat, form.get_by_role("button", name="Save"))
    assert "The indicator is defined." in flash_text(secretariat)


def enter_a_value(delegate: Page, year: int, amount: str, source: str, link: str = "") -> None:
    """Fill the open entry form with the city's figure and save the draft."""
    form = delegate.get_by_role("main")
    form.get_by_label("Year the value refers to").fill(str(year))
    form.get_by_label("Value", exact=True).fill(amount)
    form.get_by_label("Source", exact=True).fill(source)
    if link:
        form.get_by_label("Link to the source").fill(link)
    click_to(delegate, form.get_by_role("button", name="Save the draft"))


def publish_the_draft(delegate: Page) -> None:
    """Publish the only draft on the city's indicators page."""
    drafts = delegate.get_by_role("region", name="Drafts")
    row = drafts.get_by_role("row").filter(has=delegate.get_by_role("rowheader", name=NAME))
    click_to(delegate, row.get_by_role("button", name="Publish"))
    assert "The value is published: anyone can read it now." in flash_text(delegate)
    expect(delegate.get_by_role("region", name="Drafts")).to_have_count(0)


def table_rows(table: Locator) -> list[list[str]]:
    """Return a table's body rows as lists of their cells' text, the row header first."""
    rows = table.locator("tbody tr")
    return [
        [row.get_by_role("rowheader").inner_text(), *row.get_by_role("cell").all_inner_texts()]
        for row in rows.all()
    ]


def test_an_indicator_is_defined_entered_published_and_revised(
    browser: Browser, live_server: LiveServer, contexts: list[BrowserContext]
) -> None:
    secretariat_context = person_with_axe(browser)
    seoul_context = person_with_axe(browser)
    london_context = person_with_axe(browser)
    visitor_context = person_with_axe(browser)
    contexts.extend([secretariat_context, seoul_context, london_context, visitor_context])
    secretariat = secretariat_context.new_page()
    seoul = seoul_context.new_page()
    london = london_context.new_page()
    visitor = visitor_context.new_page()
    # The demo opens this year's collection; cities give last year's figures in it.
    collection_year = clock.today().year
    year = collection_year - 1

    # The secretariat sees the open collection; a second one for its year is refused.
    log_in(secretariat, live_server, SECRETARIAT)
    secretariat.goto(live_server.url("/indicators/"))
    collections = secretariat.get_by_role("region", name="Collections")
    expect(collections).to_contain_text(f"The collection for {collection_year} is open until")
    expect(
        collections.get_by_role("button", name=f"Close the collection for {collection_year}")
    ).to_be_visible()
    collections.get_by_label("Year").fill(str(collection_year))
    collections.get_by_label("Values due by").fill((clock.today() + timedelta(days=30)).isoformat())
    click_to(secretariat, collections.get_by_role("button", name="Open a collection"))
    assert f"A collection for {collection_year} is open already: close it first." in flash_text(
        secretariat
    )
    screenshot(secretariat, "indicators-collections")
    assert check_page(secretariat, "en") == []

    # It defines the indicator, in English and in French.
    define_the_indicator(secretariat, live_server)
    assert secretariat.url == live_server.url(f"/indicators/{CODE}")
    main = secretariat.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text(NAME)
    expect(main).to_contain_text(DEFINITION)
    facts = main.locator("dl.facts")
    for fact in ("Employment", "Percent", "Lower is better", "From 0 to 50"):
        expect(facts).to_contain_text(fact)
    expect(main.get_by_role("region", name="Cities compared")).to_have_text(
        re.compile("No city has published a value of this indicator yet.")
    )

    # Seoul's delegate enters a figure above the range: refused, and nothing is saved.
    log_in(seoul, live_server, SEOUL)
    seoul.goto(live_server.url(f"/indicators/{CODE}"))
    click_to(seoul, seoul.get_by_role("link", name="Enter the value of Seoul"))
    form = seoul.get_by_role("main")
    expect(form.get_by_role("heading", level=1)).to_have_text(f"{NAME}: the value of Seoul")
    enter_a_value(seoul, year, "62.5", SEOUL_SOURCE, SEOUL_LINK)
    refusal = "This indicator's values lie between 0 and 50."
    expect(form.get_by_role("alert")).to_contain_text(f"Value: {refusal}")
    amount = form.get_by_label("Value", exact=True)
    expect(amount).to_have_attribute("aria-invalid", "true")
    expect(amount).to_have_accessible_description(re.compile(re.escape(refusal)))
    expect(amount).to_have_value("62.5")
    assert flash_text(seoul) == ""
    screenshot(seoul, "indicators-value-refused")
    assert check_page(seoul, "en") == []
    checking = seoul_context.new_page()
    checking.goto(live_server.url("/indicators/cities/seoul"))
    expect(checking.get_by_role("region", name="Drafts")).to_have_count(0)
    expect(checking.get_by_role("main")).to_contain_text(
        "Seoul has not published any indicator value yet."
    )
    checking.close()

    # The figure corrected, the draft is saved: a visitor does not see it.
    enter_a_value(seoul, year, "18.4", SEOUL_SOURCE)
    assert "The draft is saved. Publish it when it is ready: then it is public." in flash_text(
        seoul
    )
    assert seoul.url == live_server.url("/indicators/cities/seoul#drafts")
    drafts = seoul.get_by_role("region", name="Drafts")
    assert table_rows(drafts.get_by_role("table"))[0][:4] == [NAME, str(year), "18.4", SEOUL_SOURCE]
    screenshot(seoul, "indicators-draft")
    assert check_page(seoul, "en") == []
    visitor.goto(live_server.url(f"/indicators/{CODE}"))
    expect(visitor.get_by_role("region", name="Cities compared")).to_have_text(
        re.compile("No city has published a value of this indicator yet.")
    )
    visitor.goto(live_server.url("/indicators/cities/seoul"))
    expect(visitor.get_by_role("region", name="Drafts")).to_have_count(0)
    expect(visitor.get_by_role("main")).not_to_contain_text("18.4")

    # Seoul publishes; London's delegate enters and publishes London's figure.
    publish_the_draft(seoul)
    log_in(london, live_server, LONDON)
    london.goto(live_server.url("/indicators/"))
    click_to(london, london.get_by_role("link", name=NAME))
    click_to(london, london.get_by_role("link", name="Enter the value of London"))
    enter_a_value(london, year, "21.3", LONDON_SOURCE)
    assert "The draft is saved." in flash_text(london)
    publish_the_draft(london)

    # The visitor compares the cities: a chart named by its title, and its table.
    visitor.goto(live_server.url(f"/indicators/{CODE}"))
    title = f"{NAME} in {year}, by city"
    chart = visitor.get_by_role("img", name=title, exact=True)
    expect(chart).to_be_visible()
    assert chart.evaluate("element => element.tagName") == "svg"
    expect(chart).to_have_accessible_description(
        "2 cities' published values of Workers on low pay for "
        f"{year}, best first. Lower values are better."
    )
    expect(chart.locator(".bar .label")).to_have_text(["Seoul", "London"])
    table = visitor.get_by_role("table", name=f"{title} (percent)")
    assert table_rows(table) == [
        ["Seoul", "18.4", SEOUL_SOURCE, "1"],
        ["London", "21.3", LONDON_SOURCE, "1"],
    ]
    csv = visitor.request.get(live_server.url(f"/indicators/values.csv?indicator={CODE}")).text()
    assert re.search(rf"^{CODE},{NAME},seoul,Seoul,{year},18\.4,percent,", csv, re.M)
    assert re.search(rf"^{CODE},{NAME},london,London,{year},21\.3,percent,", csv, re.M)
    screenshot(visitor, "indicators-compared")
    assert check_page(visitor, "en") == []

    # Seoul's delegate revises its figure, with the reason, and publishes the revision.
    seoul.goto(live_server.url("/indicators/cities/seoul"))
    click_to(seoul, seoul.get_by_role("link", name=f"Revise the value of {year}"))
    form = seoul.get_by_role("main")
    expect(form).to_contain_text("Your city has published this value (18.4)")
    expect(form.get_by_label("Value", exact=True)).to_have_value("18.4")
    form.get_by_label("Value", exact=True).fill("17.9")
    form.get_by_label("Why the published value is revised").fill(REASON)
    assert check_page(seoul, "en") == []
    click_to(seoul, form.get_by_role("button", name="Save the draft"))
    assert "The draft is saved." in flash_text(seoul)
    drafts = seoul.get_by_role("region", name="Drafts")
    expect(drafts.get_by_role("cell", name="17.9 (revision)")).to_be_visible()
    publish_the_draft(seoul)

    # The visitor reads both versions on Seoul's page, and its line chart.
    visitor.goto(live_server.url("/indicators/cities/seoul"))
    section = visitor.get_by_role("region", name=NAME)
    expect(section.get_by_role("img", name=f"{NAME} in Seoul, by year", exact=True)).to_be_visible()
    figures = section.get_by_role("table", name=f"{NAME} in Seoul, by year (percent)")
    [row] = table_rows(figures)
    assert row[:3] == [str(year), "17.9", SEOUL_SOURCE]
    assert row[3].startswith(f"2 — revised: {REASON}")
    figures.get_by_text("Earlier versions").click()
    expect(figures.get_by_role("listitem")).to_have_text(
        re.compile(rf"^Version 1, published .+: 18\.4 \({SEOUL_SOURCE}\)$")
    )
    screenshot(visitor, "indicators-seoul-revised")
    assert check_page(visitor, "en") == []
    visitor.goto(live_server.url(f"/indicators/{CODE}"))
    assert table_rows(visitor.get_by_role("table", name=f"{title} (percent)"))[0] == [
        "Seoul",
        "17.9",
        SEOUL_SOURCE,
        f"2 — revised: {REASON}",
    ]
