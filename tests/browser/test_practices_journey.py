"""What the cities share and what they report (issue #20), driven in Chromium.

On the demo as ``make run`` loads it (the eight practices of the 2018 forum; the 2019
reporting period of the 2017 Seoul Declaration open, Seoul and New York reported,
Setagaya's draft kept): Chefchaouen's delegate, whose city signed the Seoul
Declaration, shares a practice through the library's form, in French (authoritative)
and English, with its pillars, instrument, status, start date and a link, and publishes
it; before that, a visitor cannot read the draft. The visitor then finds it with the
library's search box by a word of its French full text (and by another typed without
its accents), opens it in English and follows the link to the French text; the same
box finds Seoul's practice by a Korean word and Marseille's by a French word with
accents. Chefchaouen's delegate writes the city's report on the declaration's eight
commitments, citing the new practice as evidence, saves the draft and submits it. The
visitor sees the progress page count Chefchaouen among the reporting cities and in each
commitment's statuses, and reads Chefchaouen's report beside the commitments' text, in
English and in Korean. axe checks the pages on the way (``check_page``); screenshots go
to ``test-artifacts/browser/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import LiveServer, flash_text, log_in, screenshot
from tests.browser.test_accessibility import check_page, person_with_axe

pytestmark = pytest.mark.browser

DELEGATE = "chefchaouen@example.org"
DECLARATION = "/declarations/seoul-declaration-2017"
SLUG = "chefchaouen-house-of-artisans"
TITLE_FR = "Maison des artisanes de la médina"
TITLE_EN = "A house for the women artisans of the medina"
FRENCH = {
    "Title": TITLE_FR,
    "Summary": "Chefchaouen (Maroc) : un lieu où les artisanes et les travailleurs "
    "saisonniers de la médina trouvent conseil sur leurs droits et leur protection sociale.",
    "Full text": "La municipalité réunit chaque mois les tisserandes, les associations et "
    "l'inspection du travail.\n\nLes travailleuses y reçoivent de l'aide pour s'affilier "
    "à la sécurité sociale.",
}
ENGLISH = {
    "Title": TITLE_EN,
    "Summary": "Chefchaouen, Morocco: a place where the medina's women artisans and "
    "seasonal workers get advice on their rights and their social protection.",
    "Full text": "Every month the municipality brings together the weavers, the "
    "associations and the labour inspectorate.\n\nWomen workers get help there to join "
    "social security.",
}
LINK = "https://chefchaouen.example.org/artisanes"
# Chefchaouen's report: (commitment, status, what the city did, cite the new practice).
REPORT = [
    (3, "Not started", "", False),
    (4, "Planned", "The city plans a yearly meeting with the artisans' associations.", False),
    (6, "In progress", "The house for the women artisans of the medina advises them.", True),
]


@pytest.fixture
def contexts(request: pytest.FixtureRequest, browser: Browser) -> Iterator[list[BrowserContext]]:
    """The people's browser contexts: closed at the end, their pages kept if the test fails."""
    opened: list[BrowserContext] = []
    yield opened
    report = getattr(request.node, "rep_call", None)
    for number, context in enumerate(opened):
        if report is not None and report.failed:
            for page in context.pages:
                screenshot(page, f"failed-practices-{number}")
        context.close()


def search(page: Page, words: str) -> None:
    """Type words in the library's search box and search."""
    box = page.get_by_role("search", name="Search the practices")
    box.get_by_label("Words").fill(words)
    with page.expect_navigation():
        box.get_by_role("button", name="Search").click()


def results(page: Page) -> list[str]:
    """Return the titles the library lists."""
    found = page.get_by_role("region", name="Results")
    return found.get_by_role("heading", level=3).all_inner_texts()


def counts(page: Page, commitment: int) -> dict[str, str]:
    """Return a commitment's counts on the progress page: status -> this period's number."""
    table = page.get_by_role("region", name=f"Commitment {commitment}").get_by_role("table")
    shown = {}
    for row in table.locator("tbody tr").all():
        shown[row.get_by_role("rowheader").inner_text()] = row.get_by_role("cell").inner_text()
    return shown


def share_a_practice(delegate: Page, server: LiveServer) -> None:
    """Fill the library's form for a new practice and save it as a draft."""
    delegate.goto(server.url("/practices/"))
    with delegate.expect_navigation():
        delegate.get_by_role("link", name="Share a practice of Chefchaouen").click()
    form = delegate.get_by_role("main")
    expect(form.get_by_role("heading", level=1)).to_have_text("Share a practice")
    form.get_by_label("Address (slug)").fill(SLUG)
    form.get_by_label("Authoritative language").fill("fr")
    pillars = form.get_by_role("group", name="Pillars of decent work")
    pillars.get_by_label("Rights at work").check()
    pillars.get_by_label("Social protection", exact=True).check()
    form.get_by_label("Instrument").select_option(label="Social protection scheme")
    form.get_by_label("Status").select_option(label="Planned")
    form.get_by_label("Start date").fill("2019-03-01")
    form.get_by_label("Links").fill(LINK)
    for number, (code, texts) in enumerate((("fr", FRENCH), ("en", ENGLISH)), start=1):
        column = form.get_by_role("group", name=f"Language {number}")
        column.get_by_label("Language code").fill(code)
        for label, text in texts.items():
            column.get_by_label(label, exact=True).fill(text)
    screenshot(delegate, "practices-form")
    assert check_page(delegate, "en") == []
    with delegate.expect_navigation():
        form.get_by_role("button", name="Save").click()
    assert "The draft is saved. Publish it when it is ready." in flash_text(delegate)


def write_the_report(delegate: Page, server: LiveServer) -> None:
    """Write Chefchaouen's report from the progress page, save it and submit it."""
    delegate.goto(server.url(f"{DECLARATION}/progress"))
    with delegate.expect_navigation():
        delegate.get_by_role("link", name="Write your city's report for 2019").click()
    form = delegate.get_by_role("main")
    expect(form.get_by_role("heading", level=1)).to_have_text("Report of Chefchaouen for 2019")
    expect(form.get_by_role("group", name=re.compile(r"^Commitment \d$"))).to_have_count(8)
    for number, status, account, cite in REPORT:
        commitment = form.get_by_role("group", name=f"Commitment {number}", exact=True)
        commitment.get_by_label("Status").select_option(label=status)
        if account:
            commitment.get_by_label("What the city did").fill(account)
        if cite:
            practices = commitment.get_by_role("group", name="The city's practices")
            practices.get_by_label(TITLE_EN).check()
            commitment.get_by_label("Links").fill(LINK)
    assert check_page(delegate, "en") == []
    with delegate.expect_navigation():
        form.get_by_role("button", name="Save the draft").click()
    assert "The draft is saved. Submit it when it is ready: then it is public." in flash_text(
        delegate
    )
    main = delegate.get_by_role("main")
    expect(main).to_contain_text("Draft: only the delegates of Chefchaouen")
    screenshot(delegate, "practices-report-draft")
    with delegate.expect_navigation():
        main.get_by_role("button", name="Submit the report").click()
    assert "The report is submitted: anyone can read it now." in flash_text(delegate)
    expect(delegate.get_by_role("button", name="Submit the report")).to_have_count(0)


def test_a_practice_is_shared_found_and_a_report_submitted(
    browser: Browser, live_server: LiveServer, contexts: list[BrowserContext]
) -> None:
    delegate_context = person_with_axe(browser)
    visitor_context = person_with_axe(browser)
    contexts.extend([delegate_context, visitor_context])
    delegate = delegate_context.new_page()
    visitor = visitor_context.new_page()

    # Chefchaouen's delegate shares a practice: a draft, which a visitor cannot read.
    log_in(delegate, live_server, DELEGATE)
    share_a_practice(delegate, live_server)
    assert delegate.url == live_server.url(f"/practices/{SLUG}")
    main = delegate.get_by_role("main")
    expect(main).to_contain_text("Draft: only the delegates of Chefchaouen")
    # The delegate reads English: the translation, with the French text named authoritative.
    expect(main.get_by_role("heading", level=1)).to_have_text(TITLE_EN)
    expect(main).to_contain_text("Translation. The French text is authoritative.")
    response = visitor.goto(live_server.url(f"/practices/{SLUG}"))
    assert response is not None and response.status == 404

    with delegate.expect_navigation():
        main.get_by_role("button", name="Publish").click()
    assert "The practice is published: anyone can read it now." in flash_text(delegate)
    expect(delegate.get_by_role("button", name="Publish")).to_have_count(0)
    screenshot(delegate, "practices-published")

    # A visitor finds it by a word of its French full text, and by a word without accents.
    visitor.goto(live_server.url("/practices/"))
    expect(visitor.get_by_role("status")).to_have_text("9 practices found.")
    search(visitor, "tisserandes")
    expect(visitor.get_by_role("status")).to_have_text("1 practice found.")
    assert results(visitor) == [TITLE_EN]
    search(visitor, "securite sociale")
    assert results(visitor) == [TITLE_EN]
    screenshot(visitor, "practices-search")
    assert check_page(visitor, "en") == []
    with visitor.expect_navigation():
        visitor.get_by_role("link", name=TITLE_EN).click()
    page = visitor.get_by_role("main")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE_EN)
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Chefchaouen")
    expect(facts).to_contain_text("Rights at work, Social protection")
    expect(facts).to_contain_text("Social protection scheme")
    expect(facts).to_contain_text("Planned")
    expect(facts).to_contain_text("Mar 1, 2019")
    expect(page.get_by_role("region", name="Full text")).to_contain_text("the weavers")
    expect(page.get_by_role("link", name=LINK)).to_be_visible()
    with visitor.expect_navigation():
        page.get_by_role("link", name="Read the French text").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE_FR)
    expect(page.get_by_role("heading", level=1)).to_have_attribute("lang", "fr")
    expect(page.get_by_role("region", name="Full text")).to_contain_text("les tisserandes")
    assert check_page(visitor, "en") == []

    # The same box searches the demo's practices in Korean, and in French with accents.
    visitor.goto(live_server.url("/practices/"))
    search(visitor, "노동존중")
    assert results(visitor) == ["Seoul, the labour-respecting city, and its decent work indicators"]
    expect(visitor.get_by_label("Words")).to_have_attribute("lang", "ko")
    assert check_page(visitor, "en") == []
    # London's practice, and New York's, whose full text recalls London's at the 2017 forum.
    search(visitor, "생활임금")
    assert sorted(results(visitor)) == [
        "The freelancer protection law",
        "This is how a real living wage is possible",
    ]
    search(visitor, "coopératives")
    assert results(visitor) == ["The 35-hour week; business and employment cooperatives"]
    search(visitor, "Économie sociale")
    expect(visitor.get_by_role("status")).to_have_text("0 practices found.")

    # Before Chefchaouen reports: Seoul and New York have, of six signatories.
    visitor.goto(live_server.url(f"{DECLARATION}/progress"))
    expect(visitor.locator("dl.facts")).to_contain_text("2 of 6 signatory cities")
    assert counts(visitor, 6)["In progress"] == "1"

    # Chefchaouen's delegate reports on the commitments, citing the practice.
    write_the_report(delegate, live_server)
    screenshot(delegate, "practices-report-submitted")

    # The visitor sees the progress page count Chefchaouen's report.
    visitor.reload()
    facts = visitor.locator("dl.facts")
    expect(facts).to_contain_text("Open for reports")
    expect(facts).to_contain_text("3 of 6 signatory cities")
    assert counts(visitor, 3) == {
        "Not started": "1",
        "Planned": "0",
        "In progress": "0",
        "Achieved": "0",
        "Not reported": "2",
    }
    assert counts(visitor, 4) == {
        "Not started": "0",
        "Planned": "2",  # Seoul's and Chefchaouen's
        "In progress": "0",
        "Achieved": "0",
        "Not reported": "1",
    }
    assert counts(visitor, 6)["In progress"] == "2"  # New York's and Chefchaouen's
    assert counts(visitor, 6)["Not reported"] == "1"
    assert counts(visitor, 7)["Not reported"] == "3"
    reports = visitor.get_by_role("region", name="Reports of 2019")
    expect(reports.get_by_role("rowheader")).to_have_text(["Chefchaouen", "New York", "Seoul"])
    screenshot(visitor, "practices-progress")
    assert check_page(visitor, "en") == []

    # Chefchaouen's report, beside the commitments' text.
    with visitor.expect_navigation():
        reports.get_by_role("link", name="Chefchaouen").click()
    main = visitor.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_contain_text("Report of Chefchaouen")
    table = main.get_by_role("table", name="Each commitment beside what Chefchaouen reports")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(8)
    sixth = rows.nth(5)
    expect(sixth.get_by_role("rowheader")).to_contain_text("6.")
    expect(sixth.get_by_role("cell")).to_contain_text("In progress")
    expect(sixth.get_by_role("cell")).to_contain_text("advises them")
    expect(sixth.get_by_role("link", name=TITLE_EN)).to_have_attribute("href", f"/practices/{SLUG}")
    expect(sixth.get_by_role("link", name=LINK)).to_be_visible()
    expect(rows.nth(2).get_by_role("cell")).to_contain_text("Not started")
    expect(rows.nth(0).get_by_role("cell")).to_have_text("Not reported")
    english = rows.nth(5).get_by_role("rowheader").inner_text()
    screenshot(visitor, "practices-city-report")
    assert check_page(visitor, "en") == []

    # In Korean, the declaration's authoritative language: the commitments' own text.
    visitor.goto(live_server.url(f"{DECLARATION}/progress/chefchaouen?period=2019&lang=ko"))
    korean = rows.nth(5).get_by_role("rowheader")
    expect(korean.locator("[lang=ko]")).to_have_count(1)
    assert korean.inner_text() != english
    expect(rows.nth(5).get_by_role("cell")).to_contain_text("In progress")
    assert check_page(visitor, "en") == []
