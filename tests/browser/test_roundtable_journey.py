"""The 2018 Roundtable run live in Chromium, from a proxy to the published minutes.

On the demo as ``make run`` loads it (six cities recorded present, Chefchaouen's proxy
held by Marseille): before the session, New York's delegate, who has signing
authority, gives New York's proxy to Vienna. The secretariat opens the session from
its screen, with the room's projector in another window, and records London present
online: the attendance page shows both proxies and the quorum. It takes up the
charter and opens its vote; the live pages of Hamburg's and Vienna's delegates show
the ballot link without reloading, and the projector's turnout rises as they vote.
Vienna casts New York's ballot by proxy and Marseille Chefchaouen's; the vote closes,
the projector shows the result, the meeting is adjourned. The minutes are drafted
from the record, approved and published: a visitor reads there who attended, the
proxies and the vote's counts. Screenshots go to ``test-artifacts/browser/``.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import LiveServer, flash_text, log_in, new_person, screenshot
from tests.browser.test_accessibility import check_page, person_with_axe

pytestmark = pytest.mark.browser

LIVE_WAIT = 10_000  # ms: the live script asks every two seconds
CHARTER_ITEM = "Adoption of the council charter"


def mark(page: Page) -> None:
    """Leave a mark in the page's window: a reload would wipe it."""
    page.evaluate("window.__notReloaded = true")


def not_reloaded(page: Page) -> bool:
    return page.evaluate("window.__notReloaded === true")


def turnout(room: Page, voted: int) -> None:
    expect(room.locator(".projector-turnout")).to_contain_text(
        f"{voted} of 10 cities have voted.", timeout=LIVE_WAIT
    )


def review_and_cast(page: Page, choice: str = "Yes") -> None:
    """Choose on the open ballot form, review, confirm."""
    page.get_by_role("radio", name=choice, exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Review the ballot").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm and cast the ballot").click()


def cast_from_live_page(delegate: Page) -> None:
    """Follow the ballot link the live page received, and cast the city's ballot."""
    with delegate.expect_navigation():
        delegate.get_by_role("link", name="Cast your city's ballot").click()
    review_and_cast(delegate)
    assert "Your city's ballot is cast." in flash_text(delegate)


def cast_by_proxy(holder: Page, giver: str, held_by: str) -> None:
    """From the vote's page, cast the absent city's ballot by the proxy held."""
    link = holder.get_by_role("link", name=f"Cast the ballot of {giver} by proxy")
    with holder.expect_navigation():
        link.click()
    expect(holder.get_by_role("main")).to_contain_text(
        f"the roll call will say that {giver} voted by proxy held by {held_by}."
    )
    review_and_cast(holder)
    assert f"{giver}'s ballot is cast by proxy." in flash_text(holder)


def test_the_roundtable_is_run_live_and_its_minutes_published(
    browser: Browser, live_server: LiveServer
) -> None:
    # Before the session: New York's signatory gives New York's proxy to Vienna.
    new_york = new_person(browser).new_page()
    log_in(new_york, live_server, "new-york@example.org")
    new_york.goto(live_server.url("/meetings/"))
    new_york.get_by_role("link", name=re.compile("City Government Roundtable")).first.click()
    meeting = new_york.url.removeprefix(live_server.base_url)
    proxy = new_york.locator("#proxy")
    proxy.get_by_label("Give our proxy to").select_option(label="Vienna")
    with new_york.expect_navigation():
        proxy.get_by_role("button", name="Give our proxy").click()
    assert "Your city's proxy is given to Vienna." in flash_text(new_york)
    expect(new_york.locator("#proxy")).to_contain_text(
        "Your city has given its proxy for this meeting to Vienna."
    )

    # The secretariat's screen, and the room's projector in another window.
    officer = person_with_axe(browser).new_page()
    log_in(officer, live_server, "secretariat@example.org")
    officer.goto(live_server.url(meeting))
    officer.get_by_role("link", name="Run the session").click()
    with officer.expect_popup() as popup:
        officer.get_by_role("link", name="Open the projector (new window)").click()
    room = popup.value
    room.wait_for_load_state()
    expect(room.locator(".projector-status")).to_contain_text("Convened")
    mark(room)
    with officer.expect_navigation():
        officer.get_by_role("button", name="Open the session").click()
    assert "The session is open." in flash_text(officer)
    expect(room.locator(".projector-status")).to_contain_text("In session", timeout=LIVE_WAIT)

    # Attendance: London joins online; the proxies given before the session count.
    officer.goto(live_server.url(f"{meeting}/attendance"))
    london = officer.locator("fieldset.attendance-city").filter(has_text="London")
    london.get_by_label("How London attends").select_option(label="Online")
    london.get_by_label("London Delegate").check()
    with officer.expect_navigation():
        officer.get_by_role("button", name="Save the attendance").click()
    assert "The attendance is recorded." in flash_text(officer)
    main = officer.get_by_role("main")
    expect(main.locator(".quorum")).to_contain_text(
        "Quorum met: 9 of 10 member cities are present or represented by proxy "
        "(7 present, 2 by proxy); 5 needed."
    )
    proxies = main.locator("table.listing").last
    expect(proxies.get_by_role("row", name=re.compile("^New York"))).to_contain_text("Vienna")
    expect(proxies.get_by_role("row", name=re.compile("^Chefchaouen"))).to_contain_text("Marseille")
    screenshot(officer, "roundtable-attendance")
    assert check_page(officer, "en") == []

    # Two delegates follow the session on their live pages.
    delegates: dict[str, Page] = {}
    for city in ("hamburg", "vienna"):
        page = new_person(browser).new_page()
        log_in(page, live_server, f"{city}@example.org")
        page.goto(live_server.url(f"{meeting}/live"))
        expect(page.get_by_text("The session is open.")).to_be_visible()
        expect(page.get_by_role("link", name="Cast your city's ballot")).to_be_hidden()
        mark(page)
        delegates[city] = page

    # The charter: taken up, its vote opened from the secretariat's screen.
    officer.goto(live_server.url(f"{meeting}/session"))
    with officer.expect_navigation():
        officer.get_by_role("button", name="Take up item 1").click()
    expect(room.locator(".projector-title")).to_have_text(CHARTER_ITEM, timeout=LIVE_WAIT)
    with officer.expect_navigation():
        officer.get_by_role("button", name="Open the vote on this item").click()
    assert "The vote is open" in flash_text(officer)
    screenshot(officer, "roundtable-secretariat")

    # The delegates' pages receive the ballot link, the projector the turnout: no reload.
    for page in delegates.values():
        expect(page.get_by_role("link", name="Cast your city's ballot")).to_be_visible(
            timeout=LIVE_WAIT
        )
        expect(page.locator(".live-item-title")).to_have_text(CHARTER_ITEM)
        assert not_reloaded(page)
    turnout(room, 0)
    screenshot(delegates["vienna"], "roundtable-delegate")

    cast_from_live_page(delegates["hamburg"])
    turnout(room, 1)
    cast_from_live_page(delegates["vienna"])
    turnout(room, 2)
    # Vienna holds New York's proxy: the vote's page offers New York's ballot.
    cast_by_proxy(delegates["vienna"], "New York", "Vienna")
    turnout(room, 3)
    # Never how anyone voted while the vote is open.
    expect(room.locator(".projector-counts")).to_be_hidden()
    assert "Vienna" not in room.get_by_role("main").inner_text()
    screenshot(room, "roundtable-projector-open")

    # Marseille votes, and casts the ballot of Chefchaouen, whose proxy it holds.
    marseille = new_person(browser).new_page()
    log_in(marseille, live_server, "marseille@example.org")
    marseille.goto(live_server.url(f"{meeting}/live"))
    cast_from_live_page(marseille)
    cast_by_proxy(marseille, "Chefchaouen", "Marseille")
    turnout(room, 5)
    assert not_reloaded(room)

    # The vote closes in the room; the projector shows the result.
    with officer.expect_navigation():
        officer.get_by_role("button", name="Close the vote now and publish the result").click()
    assert "The vote is closed and its result published." in flash_text(officer)
    expect(room.locator(".projector-outcome")).to_contain_text("Carried", timeout=LIVE_WAIT)
    expect(room.locator(".projector-counts")).to_contain_text("Yes 5")
    expect(room.locator(".projector-quorum")).to_contain_text(
        "Quorum met: 5 of 10 cities voted (5 needed)."
    )
    assert not_reloaded(room)
    screenshot(room, "roundtable-projector-result")

    with officer.expect_navigation():
        officer.get_by_role("button", name="Adjourn the meeting").click()
    assert "The meeting is adjourned." in flash_text(officer)
    expect(room.locator(".projector-status")).to_contain_text("Adjourned", timeout=LIVE_WAIT)
    assert not_reloaded(room)

    # The minutes: drafted from the record, approved, published.
    officer.goto(live_server.url(f"{meeting}/minutes"))
    with officer.expect_navigation():
        officer.get_by_role("button", name="Start the minutes from the record").click()
    assert "The minutes are started from the record." in flash_text(officer)
    text = officer.get_by_label("Text of the minutes")
    text.fill(text.input_value() + "\nThe council adopted its charter; Seoul thanked the cities.\n")
    with officer.expect_navigation():
        officer.get_by_role("button", name="Save the draft").click()
    assert "The draft is saved." in flash_text(officer)
    officer.get_by_label("Day the council approved the minutes").fill("2018-12-12")
    with officer.expect_navigation():
        officer.get_by_role("button", name="Record the council's approval").click()
    assert "The council's approval is recorded." in flash_text(officer)
    with officer.expect_navigation():
        officer.get_by_role("button", name="Publish the minutes").click()
    assert "The minutes are published." in flash_text(officer)

    # A visitor reads the published minutes: who attended, the proxies, the vote.
    visitor = person_with_axe(browser).new_page()
    visitor.goto(live_server.url(meeting))
    visitor.get_by_role("link", name="The minutes approved by the council").click()
    minutes = visitor.get_by_role("main")
    expect(minutes.get_by_role("heading", level=1)).to_contain_text("Minutes of")
    expect(minutes).to_contain_text("Seoul thanked the cities")
    attendance = minutes.locator("table.attendance")
    london = attendance.get_by_role("row", name=re.compile("^London"))
    expect(london.get_by_role("cell")).to_have_text(["Online", "London Delegate"])
    seoul = attendance.get_by_role("row", name=re.compile("^Seoul"))
    expect(seoul.get_by_role("cell")).to_have_text(
        ["In the room", "Seoul Delegate, Seoul Staff Delegate"]
    )
    expect(attendance.get_by_role("row")).to_have_count(1 + 7)  # the header, 7 present
    expect(minutes.locator("ul.proxies")).to_contain_text("New York gave its proxy to Vienna.")
    expect(minutes.locator("ul.proxies")).to_contain_text(
        "Chefchaouen gave its proxy to Marseille."
    )
    charter = minutes.locator(".minutes-record ol > li").filter(has_text=CHARTER_ITEM)
    expect(charter).to_contain_text("Carried")
    expect(charter).to_contain_text("Yes 5 · No 0 · Abstain 0")
    roll_call = charter.locator("table.roll-call")
    expect(roll_call.get_by_role("row", name=re.compile("^New York"))).to_contain_text("Yes")
    expect(roll_call.get_by_role("row", name=re.compile("^Chefchaouen"))).to_contain_text("Yes")
    # The charter's resolution, adopted in the room, is among the meeting's resolutions.
    adopted = minutes.locator("h3", has_text="Resolutions adopted").locator("+ ul")
    expect(adopted).to_contain_text(re.compile(r"DWCN/RES/\d{4}/\d+"))
    screenshot(visitor, "roundtable-minutes")
    assert check_page(visitor, "en") == []
