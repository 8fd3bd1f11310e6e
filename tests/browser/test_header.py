"""The header in Chromium: the full navigation on a wide screen, a menu on a phone.

The menu is a ``<details>`` element: it opens with the keyboard and without script,
says whether it is open, and holds the same links as the wide navigation. The language
switcher stays in view on a phone, and nothing scrolls sideways with the menu open.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.base import AXE_SCRIPT, AxeResults
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PHONE_WIDTH, LiveServer, log_in, new_person
from tests.browser.test_accessibility import AXE_OPTIONS

pytestmark = pytest.mark.browser
PHONE = {"width": PHONE_WIDTH, "height": 800}
MAIN_LINKS = [
    "Home",
    "Member cities",
    "Charter",
    "Elections",
    "Motions",
    "Resolutions",
    "Meetings",
    "Declarations",
    "Verify a receipt",
]
DESKS = [
    "Dashboard",
    "Cities",
    "Accounts",
    "Charter",
    "Elections",
    "Motions",
    "Meetings",
    "Declarations",
    "Outbox",
    "Audit log",
]


def axe_violations(page: Page) -> list[str]:
    page.evaluate(AXE_SCRIPT)
    results = AxeResults(page.evaluate("options => axe.run(document, options)", AXE_OPTIONS))
    return [f"{v['id']}: {v['help']}" for v in results.response["violations"]]


def scrolls_sideways(page: Page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )


def lines_of(page: Page, navigation: str) -> int:
    """Count the lines a navigation's links take."""
    items = page.get_by_role("navigation", name=navigation).locator("li")
    return items.evaluate_all(
        "items => new Set(items.map(i => Math.round(i.getBoundingClientRect().top))).size"
    )


def link_names(page: Page, navigation: str) -> list[str]:
    nav = page.get_by_role("navigation", name=navigation)
    return [name.strip() for name in nav.get_by_role("link").all_inner_texts()]


def test_a_phone_opens_the_menu_with_the_keyboard(browser: Browser, live_server: LiveServer):
    context = new_person(browser)
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto(live_server.url("/"))
    menu = page.locator("summary", has_text="Menu")
    expect(menu).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    # The languages stay in view without opening anything.
    expect(page.get_by_role("button", name="한국어")).to_be_visible()
    assert page.locator("header").bounding_box()["height"] < 200

    menu.focus()
    page.keyboard.press("Enter")
    expect(page.locator("details.menu")).to_have_attribute("open", "")
    assert link_names(page, "Main") == MAIN_LINKS
    expect(page.get_by_role("navigation", name="Account").get_by_role("link")).to_have_text(
        "Log in"
    )
    page.keyboard.press("Tab")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link").first).to_be_focused()
    assert not scrolls_sideways(page)
    assert axe_violations(page) == []

    menu.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    context.close()


def test_a_wide_screen_shows_the_navigation_in_full(browser: Browser, live_server: LiveServer):
    context = new_person(browser)
    page = context.new_page()
    page.goto(live_server.url("/meetings/"))
    expect(page.locator("summary", has_text="Menu")).to_be_hidden()
    assert link_names(page, "Main") == MAIN_LINKS
    current = page.get_by_role("navigation", name="Main").locator("[aria-current]")
    expect(current).to_have_text("Meetings")
    assert lines_of(page, "Main") == 1
    context.close()


def test_the_secretariat_finds_every_desk_at_both_widths(browser: Browser, live_server: LiveServer):
    context = new_person(browser)
    page = context.new_page()
    log_in(page, live_server, "secretariat@example.org")
    assert page.url == live_server.url("/secretariat/")  # its landing after the code
    assert link_names(page, "Secretariat") == DESKS
    assert lines_of(page, "Main") == lines_of(page, "Secretariat") == 1
    assert axe_violations(page) == []

    page.set_viewport_size(PHONE)
    expect(page.get_by_role("navigation", name="Secretariat")).to_be_hidden()
    page.locator("summary", has_text="Menu").click()
    assert link_names(page, "Secretariat") == DESKS
    assert not scrolls_sideways(page)
    assert axe_violations(page) == []
    context.close()
