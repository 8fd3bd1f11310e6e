"""The live session in Chromium: the room follows the secretariat without reloading.

On the demo's 2018 Roundtable, the secretariat opens the session and takes up Seoul's
motion from its own screen; a delegate's live page (Hamburg's) and the room's
projector are open meanwhile. When the secretariat opens the vote, the delegate's page
shows the ballot link without a reload; the delegate votes; the projector's turnout
rises without a reload; the vote closes and the projector shows the result. Each page
is marked when first loaded, and the mark must still be there: nothing reloaded.
The pages pass axe, and the projector fits a phone as the other pages do.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import LiveServer, flash_text, log_in, new_person, screenshot
from tests.browser.test_accessibility import check_page, person_with_axe

pytestmark = pytest.mark.browser

TURNOUT = re.compile(r"(\d+) of (\d+) cities have voted\.")
LIVE_WAIT = 10_000  # ms: the script asks every two seconds


def mark(page: Page) -> None:
    """Leave a mark in the page's window: a reload would wipe it."""
    page.evaluate("window.__notReloaded = true")


def not_reloaded(page: Page) -> bool:
    return page.evaluate("window.__notReloaded === true")


def meeting_path(page: Page, server: LiveServer) -> str:
    page.goto(server.url("/meetings/"))
    page.get_by_role("link", name=re.compile("City Government Roundtable")).first.click()
    return page.url.removeprefix(server.base_url)


def test_the_room_follows_the_session_without_reloading(
    browser: Browser, live_server: LiveServer
) -> None:
    officer = person_with_axe(browser).new_page()
    log_in(officer, live_server, "secretariat@example.org")
    meeting = meeting_path(officer, live_server)

    officer.get_by_role("link", name="Run the session").click()
    expect(officer.get_by_role("heading", level=1)).to_contain_text("Session:")
    with officer.expect_navigation():
        officer.get_by_role("button", name="Open the session").click()
    assert "The session is open." in flash_text(officer)

    delegate = person_with_axe(browser).new_page()
    log_in(delegate, live_server, "hamburg@example.org")
    delegate.goto(live_server.url(f"{meeting}/live"))
    expect(delegate.get_by_text("The session is open.")).to_be_visible()
    assert check_page(delegate, "en") == []
    mark(delegate)

    room = person_with_axe(browser).new_page()
    room.goto(live_server.url(f"{meeting}/projector?second=ko"))
    assert check_page(room, "en") == []
    mark(room)

    # The motion (item 3): taken up, then its vote opened from the secretariat's screen.
    with officer.expect_navigation():
        officer.get_by_role("button", name="Take up item 3").click()
    expect(room.locator(".projector-title")).to_have_text(
        "Proposal of the Decent Work City Network Seoul Office", timeout=LIVE_WAIT
    )
    expect(delegate.locator(".live-item-title")).to_contain_text("Seoul Office", timeout=LIVE_WAIT)
    ballot = delegate.get_by_role("link", name="Cast your city's ballot")
    expect(ballot).to_be_hidden()
    with officer.expect_navigation():
        officer.get_by_role("button", name="Open the vote on this item").click()
    assert "The vote is open" in flash_text(officer)
    screenshot(officer, "live-session-secretariat")
    assert check_page(officer, "en") == []

    # The delegate's page shows the ballot, the projector the turnout: no reload.
    expect(ballot).to_be_visible(timeout=LIVE_WAIT)
    expect(room.locator(".projector-turnout")).to_contain_text(
        "0 of 10 cities have voted.", timeout=LIVE_WAIT
    )
    expect(room.locator(".projector-turnout [lang=ko]")).to_be_visible()
    assert not_reloaded(delegate) and not_reloaded(room)
    screenshot(delegate, "live-session-delegate")
    assert check_page(delegate, "en") == []

    with delegate.expect_navigation():
        ballot.click()
    delegate.get_by_role("radio", name="Yes", exact=True).check()
    with delegate.expect_navigation():
        delegate.get_by_role("button", name="Review the ballot").click()
    with delegate.expect_navigation():
        delegate.get_by_role("button", name="Confirm and cast the ballot").click()
    assert "Your city's ballot is cast." in flash_text(delegate)

    expect(room.locator(".projector-turnout")).to_contain_text(
        "1 of 10 cities have voted.", timeout=LIVE_WAIT
    )
    # Never how anyone voted while the vote is open.
    expect(room.locator(".projector-counts")).to_be_hidden()
    assert "Hamburg" not in room.locator("main").inner_text()
    assert not_reloaded(room)
    screenshot(room, "live-session-projector-open")

    with officer.expect_navigation():
        officer.get_by_role("button", name="Close the vote now and publish the result").click()
    assert "The vote is closed and its result published." in flash_text(officer)
    expect(room.locator(".projector-outcome")).to_contain_text("No quorum", timeout=LIVE_WAIT)
    expect(room.locator(".projector-counts")).to_contain_text("Yes 1")
    expect(room.locator(".projector-quorum")).to_contain_text("Quorum not met")
    assert not_reloaded(room)
    screenshot(room, "live-session-projector-result")
    assert check_page(room, "en") == []

    with officer.expect_navigation():
        officer.get_by_role("button", name="Adjourn the meeting").click()
    expect(room.locator(".projector-status")).to_contain_text("Adjourned", timeout=LIVE_WAIT)
    assert not_reloaded(room)


def test_without_javascript_a_reload_shows_the_same_state(
    browser: Browser, live_server: LiveServer
) -> None:
    context = new_person(browser, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url("/meetings/"))
    page.get_by_role("link", name=re.compile("City Government Roundtable")).first.click()
    page.get_by_role("link", name="The room's projector").click()
    # The session ran in the test above: adjourned, its last vote closed.
    expect(page.locator(".projector-status")).to_contain_text("Adjourned")
    assert page.locator("noscript").count() == 1
    context.close()
