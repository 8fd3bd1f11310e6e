"""The ballot's journeys in Chromium: review and confirm, why a city cannot vote, a secret
receipt shown once, and closing a vote early with the whole electorate in its roll call.

The tests share one demo server and run in order: Seoul votes on the charter, Setagaya
(an applicant) cannot, Vienna votes in the chair election's first round from the
election page, and the secretariat closes the charter vote early.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import (
    PHONE_WIDTH,
    LiveServer,
    flash_text,
    log_in,
    new_person,
    screenshot,
)

pytestmark = pytest.mark.browser

CHARTER_VOTE = "Adoption of the council charter, version 1"
RECEIPT = re.compile(r"\b[0-9A-Z]{4}(?:-[0-9A-Z]{4}){3}\b")


def person(browser: Browser, server: LiveServer, email: str) -> Page:
    page = new_person(browser).new_page()
    log_in(page, server, email)
    return page


def open_charter_vote(page: Page, server: LiveServer) -> str:
    """Go to the charter's vote from the home page; return its address."""
    page.goto(server.url("/"))
    page.get_by_role("region", name="Open votes").get_by_role("link", name=CHARTER_VOTE).click()
    return page.url


def test_a_delegate_reviews_changes_and_confirms_a_ballot(browser, live_server):
    page = person(browser, live_server, "seoul@example.org")
    vote_url = open_charter_vote(page, live_server)
    page.get_by_role("link", name="Cast your city's ballot").click()
    main = page.get_by_role("main")
    crumbs = page.get_by_role("navigation", name="Breadcrumb")
    expect(crumbs.get_by_role("link", name="Charter", exact=True)).to_be_visible()
    expect(crumbs.get_by_role("link", name=CHARTER_VOTE)).to_have_attribute(
        "href", re.compile(r"/votes/\d+$")
    )
    decided = main.locator(".facts").get_by_role("link", name=CHARTER_VOTE)
    expect(decided).to_have_attribute("href", "/charter/versions/1")
    expect(main).to_contain_text("Yes / no / abstain")
    page.get_by_role("radio", name="No", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Review the ballot").click()
    expect(main).to_contain_text("You are about to cast Seoul's ballot: No. It is final.")
    screenshot(page, "ballots-01-review")
    with page.expect_navigation():
        page.get_by_role("button", name="Change the choice").click()
    expect(page.get_by_role("radio", name="No", exact=True)).to_be_checked()
    page.get_by_role("radio", name="Yes", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Review the ballot").click()
    expect(main).to_contain_text("You are about to cast Seoul's ballot: Yes. It is final.")
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm and cast the ballot").click()
    assert page.url == vote_url
    assert "Your city's ballot is cast." in flash_text(page)
    mine = page.get_by_role("region", name="Your city's ballot")
    expect(mine).to_contain_text("Your city voted: Yes")
    expect(page.get_by_role("link", name="Cast your city's ballot")).to_have_count(0)
    screenshot(page, "ballots-02-your-city-voted")
    # The ballot's address now says why there is no form.
    response = page.goto(vote_url + "/ballot")
    assert response is not None and response.status == 409
    expect(main).to_contain_text("Your city has already voted in this vote.")
    expect(page.get_by_role("radio")).to_have_count(0)
    page.context.close()


def test_a_city_that_is_not_a_member_is_told_why_it_cannot_vote(browser, live_server):
    page = person(browser, live_server, "setagaya@example.org")
    vote_url = open_charter_vote(page, live_server)
    mine = page.get_by_role("region", name="Your city's ballot")
    expect(mine).to_contain_text("Your city is not a member yet: only member cities vote.")
    expect(page.get_by_role("link", name="Cast your city's ballot")).to_have_count(0)
    response = page.goto(vote_url + "/ballot")
    assert response is not None and response.status == 403
    expect(page.get_by_role("main")).to_contain_text("Your city is not a member yet")
    expect(page.get_by_role("button", name="Review the ballot")).to_have_count(0)
    screenshot(page, "ballots-03-not-a-member")
    page.context.close()


def test_a_secret_ballot_from_the_election_page_shows_its_receipt_once(browser, live_server):
    page = person(browser, live_server, "vienna@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Elections").click()
    page.get_by_role("main").get_by_role("link", name="Chair city").first.click()
    election_url = page.url
    yours = page.get_by_role("region", name="Your city's ballot")
    yours.get_by_role("link", name="Cast your city's ballot").click()
    page.get_by_role("radio", name="Seoul", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Review the ballot").click()
    expect(page.get_by_role("main")).to_contain_text(
        "You are about to cast Vienna's ballot: Seoul. It is final."
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm and cast the ballot").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your city's ballot is cast")
    receipt = RECEIPT.search(page.locator(".panel[role=status]").inner_text()).group(0)
    expect(page.get_by_role("main")).to_contain_text("This is the only time the code is shown")
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    screenshot(page, "ballots-04-receipt-phone")
    page.get_by_role("link", name="Back to the vote").click()
    mine = page.get_by_role("region", name="Your city's ballot")
    expect(mine).to_contain_text("Your city has voted.")
    expect(mine).to_contain_text("its receipt code was shown once to Vienna Delegate")
    assert receipt not in page.content()
    page.goto(election_url)
    expect(page.get_by_role("region", name="Your city's ballot")).to_contain_text(
        "Your city has voted in this round."
    )
    page.context.close()


def test_closing_early_asks_first_and_the_roll_call_names_every_city(browser, live_server):
    page = person(browser, live_server, "secretariat@example.org")
    vote_url = open_charter_vote(page, live_server)
    page.get_by_role("link", name="Close the vote and publish the result").click()
    main = page.get_by_role("main")
    expect(main).to_contain_text("9 cities of the electorate have not voted yet.")
    screenshot(page, "ballots-05-close-asks")
    page.get_by_role("link", name="Keep the vote open").click()
    assert page.url == vote_url
    expect(page.get_by_role("heading", name="Participation")).to_be_visible()
    page.get_by_role("link", name="Close the vote and publish the result").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Close the vote now").click()
    expect(page.locator(".outcome")).to_have_text("No quorum")
    roll_call = page.get_by_role("region", name="Roll call")
    expect(roll_call.get_by_role("row")).to_have_count(11)  # ten members and the header
    expect(roll_call.get_by_role("row", name="Seoul Yes")).to_be_visible()
    expect(roll_call.get_by_role("row", name="Vienna did not vote")).to_be_visible()
    # On a phone, each stacked cell keeps its column's name.
    expect(roll_call.locator('td[data-label="Vote"]')).to_have_count(10)
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    screenshot(page, "ballots-06-roll-call-phone")
    page.context.close()
