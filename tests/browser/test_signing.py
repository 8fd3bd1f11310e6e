"""Signing the 2018 joint agreement in Chromium, as Seoul's delegates would.

A delegate without signing authority is told who in Seoul may sign; the delegate who
may finds the form filled with their name, signs, and from then on every delegate of
Seoul sees the city's signature instead of a form. A visitor reading the 2017 Seoul
Declaration in English reaches its authoritative Korean text in one link, the
interface staying in English. Screenshots go to ``test-artifacts/browser/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import (
    LiveServer,
    flash_text,
    log_in,
    new_person,
    screenshot,
    submit_with_password,
)

pytestmark = pytest.mark.browser

AGREEMENT = "/declarations/joint-agreement-2018"
SEOUL_DECLARATION = "/declarations/seoul-declaration-2017"
CODE = re.compile(r"\b[0-9A-Z]{4}(?:-[0-9A-Z]{4}){3}\b")


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[BrowserContext]]:
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        context.close()


def person(browser: Browser, contexts: list[BrowserContext]) -> Page:
    context = new_person(browser)
    contexts.append(context)
    return context.new_page()


def test_only_who_may_sign_gets_the_form_and_only_until_the_city_has_signed(
    browser: Browser, contexts: list[BrowserContext], live_server: LiveServer
) -> None:
    server = live_server
    staff = person(browser, contexts)
    log_in(staff, server, "seoul.staff@example.org")
    staff.goto(server.url(AGREEMENT))
    main = staff.get_by_role("main")
    expect(main.get_by_role("link", name="Sign for Seoul")).to_have_count(0)
    panel = main.get_by_role("region", name="Signing for Seoul")
    expect(panel).to_contain_text("Only a delegate with signing authority can sign for a city.")
    expect(panel).to_contain_text("In Seoul, these delegates may sign:")
    expect(panel.get_by_role("listitem")).to_have_text(["Seoul Delegate"])
    screenshot(staff, "signing-01-no-authority")

    signer = person(browser, contexts)
    log_in(signer, server, "seoul@example.org")
    signer.goto(server.url(AGREEMENT))
    signer.get_by_role("link", name="Sign for Seoul").click()
    expect(signer.get_by_label("Signatory's name")).to_have_value("Seoul Delegate")
    expect(signer.get_by_label("Signatory's title")).to_have_value("")
    signer.get_by_label("Signatory's title").fill("Mayor of Seoul")
    screenshot(signer, "signing-02-prefilled-form")
    submit_with_password(signer, signer.get_by_role("button", name="Sign the declaration"))
    message = flash_text(signer)
    assert "Seoul has signed" in message, message
    code = CODE.search(message).group(0)

    for page in (signer, staff):
        page.goto(server.url(AGREEMENT))
        main = page.get_by_role("main")
        expect(main.get_by_role("link", name="Sign for Seoul")).to_have_count(0)
        signed = main.get_by_role("region", name="The signature of Seoul")
        expect(signed).to_contain_text("Seoul signed this declaration on")
        expect(signed).to_contain_text("Seoul Delegate")
        expect(signed).to_contain_text("Mayor of Seoul")
        expect(signed).to_contain_text("Signed online")
        expect(signed.get_by_role("link", name=code)).to_have_attribute("href", f"/verify/{code}")
    screenshot(staff, "signing-03-signed-city")

    signer.goto(server.url(f"{AGREEMENT}/sign"))
    expect(signer.get_by_role("region", name="The signature of Seoul")).to_be_visible()
    expect(signer.get_by_role("button", name="Sign the declaration")).to_have_count(0)
    expect(signer.get_by_label("Your password")).to_have_count(0)
    screenshot(signer, "signing-04-no-second-form")


def test_a_translation_links_to_the_authoritative_text_in_the_same_interface(
    browser: Browser, contexts: list[BrowserContext], live_server: LiveServer
) -> None:
    visitor = person(browser, contexts)
    visitor.goto(live_server.url(SEOUL_DECLARATION))
    note = visitor.locator(".note").filter(has_text="The Korean text is authoritative.")
    with visitor.expect_navigation():
        note.get_by_role("link", name="Read the Korean text").click()
    assert visitor.url.endswith(f"{SEOUL_DECLARATION}?lang=ko")
    expect(visitor.locator("html")).to_have_attribute("lang", "en")
    expect(visitor.get_by_role("heading", level=1)).to_have_attribute("lang", "ko")
    expect(visitor.get_by_role("heading", name="Signatories")).to_be_visible()
    expect(
        visitor.get_by_role("main").get_by_role("link", name="English", exact=True)
    ).to_have_attribute("href", f"{SEOUL_DECLARATION}?lang=en")
    screenshot(visitor, "signing-05-authoritative-text")
