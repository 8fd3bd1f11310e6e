"""The network's first year, driven in Chromium as the people involved would drive it.

The secretariat invites a delegate, who sets a password and logs in; the member cities
adopt the charter, elect a chair city in two rounds, carry Seoul's motion and sign the
2018 joint agreement; then a visitor, not logged in, finds all of it on the public
pages and checks a ballot receipt. Every person has a browser context of their own
and logs in once. A screenshot of each step goes to ``test-artifacts/browser/``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import (
    ARTIFACTS,
    LiveServer,
    flash_text,
    log_in,
    new_person,
    screenshot,
    submit_with_password,
)

pytestmark = pytest.mark.browser

RECEIPT = re.compile(r"\b[0-9A-Z]{4}(?:-[0-9A-Z]{4}){3}\b")
RESOLUTION = re.compile(r"DWCN\/RES\/\d{4}\/\d+")  # "/" escaped for the JS regex
NEWCOMER_EMAIL = "deputy.marseille@example.org"
NEWCOMER_NAME = "Camille Roux"
NEWCOMER_PASSWORD = "calanques and fair wages"
CHARTER_VOTE = "Adoption of the council charter, version 1"
# The demo's chair term runs from 1 January of the year it is loaded, for two years.
YEAR = datetime.now(UTC).year
ELECTION = f"Election of the chair city, {YEAR}–{YEAR + 1}"
TERM = f"Jan 1, {YEAR} – Dec 31, {YEAR + 1}"
MOTION = "Opening of the Decent Work City Network Seoul Office"
AGREEMENT = "Joint Agreement on the Decent Work City Council"


@dataclass
class People:
    """The browser pages of everyone in the story, each logged in once."""

    browser: Browser
    server: LiveServer
    contexts: list[BrowserContext] = field(default_factory=list)
    pages: dict[str, Page] = field(default_factory=dict)
    timings: list[tuple[str, float]] = field(default_factory=list)

    def open(self, who: str) -> Page:
        context = new_person(self.browser)
        self.contexts.append(context)
        page = context.new_page()
        self.pages[who] = page
        return page

    def delegate(self, email: str) -> Page:
        """The page of a demo delegate, logged in on first use."""
        if email not in self.pages:
            log_in(self.open(email), self.server, email)
        return self.pages[email]


@pytest.fixture
def people(
    request: pytest.FixtureRequest, browser: Browser, live_server: LiveServer
) -> Iterator[People]:
    crowd = People(browser, live_server)
    yield crowd
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        for who, page in crowd.pages.items():
            screenshot(page, f"failed-{who}")
    for context in crowd.contexts:
        context.close()


def cast(page: Page, server: LiveServer, vote_title: str, choice: str) -> str:
    """Cast the city's ballot in an open vote found on the home page; return the message.

    The ballot is reviewed, then confirmed. A recorded ballot's vote page then says what
    the city voted; a secret ballot is answered with its receipt, shown once.
    """
    page.goto(server.url("/"))
    page.get_by_role("region", name="Open votes").get_by_role("link", name=vote_title).click()
    page.get_by_role("link", name="Cast your city's ballot").click()
    page.get_by_role("radio", name=choice, exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Review the ballot").click()
    expect(page.get_by_role("main")).to_contain_text(f"ballot: {choice}. It is final.")
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm and cast the ballot").click()
    if page.get_by_role("heading", level=1, name="Your city's ballot is cast").count():
        message = page.locator(".panel[role=status]").inner_text()
    else:
        message = flash_text(page)
        mine = page.get_by_role("region", name="Your city's ballot")
        expect(mine).to_contain_text(f"Your city voted: {choice}")
    assert "Your city's ballot is cast" in message, message
    return message


def close_vote(page: Page, not_voted: int | None = None) -> None:
    """Close the vote that is open, confirming when it closes before its time.

    ``not_voted``: the number of cities the confirmation should say have not voted.
    """
    ask = page.get_by_role("link", name="Close the vote and publish the result")
    if ask.count():
        ask.click()
        if not_voted is not None:
            expect(page.get_by_role("main")).to_contain_text(
                f"{not_voted} cities of the electorate have not voted yet."
            )
        with page.expect_navigation():
            page.get_by_role("button", name="Close the vote now").click()
    else:
        with page.expect_navigation():
            page.get_by_role("button", name="Close the vote and publish the result").click()
    expect(page.get_by_role("heading", name="Result")).to_be_visible()


def test_a_year_of_governance_in_the_browser(people: People, live_server: LiveServer) -> None:
    started = time.monotonic()
    server = live_server
    step_started = started

    def done(name: str, page: Page) -> None:
        nonlocal step_started
        screenshot(page, name)
        now = time.monotonic()
        people.timings.append((name, now - step_started))
        step_started = now

    # 1. The secretariat invites a delegate for Marseille.
    officer = people.open("secretariat")
    log_in(officer, server, "secretariat@example.org")
    officer.get_by_role("navigation", name="Main").get_by_role("link", name="Secretariat").click()
    officer.get_by_role("navigation", name="Secretariat").get_by_role(
        "link", name="Accounts"
    ).click()
    expect(officer).to_have_url(server.url("/secretariat/accounts"))
    officer.get_by_role("link", name="Invite a person").click()
    main = officer.get_by_role("main")
    main.get_by_label("E-mail address").fill(NEWCOMER_EMAIL)
    main.get_by_label("Full name").fill(NEWCOMER_NAME)
    main.get_by_label("Role").select_option(label="Delegate")
    main.get_by_label("City", exact=True).select_option(label="Marseille")
    main.get_by_label("May sign declarations on behalf of the city").check()
    with officer.expect_navigation():
        main.get_by_role("button", name="Create the invitation").click()
    assert "The invitation for Camille Roux is on its way by e-mail" in flash_text(officer)
    link = officer.get_by_role("textbox", name="Link").input_value()
    assert link.startswith(server.url("/invitations/")), link
    done("01-secretariat-invites-a-delegate", officer)

    # 2. The delegate opens the link, chooses a password, and logs in with it.
    newcomer = people.open("newcomer")
    newcomer.goto(link)
    expect(newcomer.get_by_role("heading", name="Accept your invitation")).to_be_visible()
    newcomer.get_by_label("New password", exact=True).fill(NEWCOMER_PASSWORD)
    newcomer.get_by_label("Repeat the new password").fill(NEWCOMER_PASSWORD)
    with newcomer.expect_navigation():
        newcomer.get_by_role("button", name="Set my password").click()
    assert "Your password is set" in flash_text(newcomer)
    with newcomer.expect_navigation():
        newcomer.get_by_role("button", name="Log out").click()
    log_in(newcomer, server, NEWCOMER_EMAIL, NEWCOMER_PASSWORD)
    assert f"Welcome, {NEWCOMER_NAME}." in flash_text(newcomer)
    newcomer.goto(link)  # the link works once
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("This invitation cannot be used")
    people.pages["deputy.marseille@example.org"] = newcomer
    done("02-delegate-sets-a-password-and-logs-in", newcomer)

    # 3. Five of the ten members vote on the charter (the quorum), four of them for it
    # (two-thirds needed); the secretariat closes the vote.
    charter_votes = {
        "deputy.marseille@example.org": "Yes",
        "seoul@example.org": "Yes",
        "hamburg@example.org": "Yes",
        "vienna@example.org": "Yes",
        "milan@example.org": "No",
    }
    for email, choice in charter_votes.items():
        cast(people.delegate(email), server, CHARTER_VOTE, choice)
    officer.goto(server.url("/"))
    officer.get_by_role("link", name=CHARTER_VOTE).click()
    expect(officer.get_by_role("status")).to_contain_text("5 of 10 cities have voted.")
    close_vote(officer, not_voted=5)
    expect(officer.locator(".outcome")).to_have_text("Carried")
    roll_call = officer.get_by_role("region", name="Roll call")
    expect(roll_call.get_by_role("row", name="Milan No")).to_be_visible()
    expect(roll_call.get_by_role("row", name="Marseille Yes")).to_be_visible()
    expect(roll_call.get_by_role("row", name="London did not vote")).to_be_visible()
    expect(roll_call.get_by_role("row")).to_have_count(11)  # the ten members and the header
    facts = officer.get_by_role("main").locator(".facts")
    expect(facts.get_by_role("link", name=RESOLUTION)).to_be_visible()
    charter_page = people.pages["milan@example.org"]
    charter_page.get_by_role("navigation", name="Main").get_by_role("link", name="Charter").click()
    expect(charter_page.get_by_role("main")).to_contain_text("Version 1, in force since")
    charter_resolution = charter_page.get_by_role("main").get_by_role("link", name=RESOLUTION)
    charter_number = charter_resolution.inner_text()
    expect(charter_page.get_by_role("heading", name="Article 1. Name and purpose")).to_be_visible()
    done("03-charter-adopted-and-in-force", charter_page)

    # 4. The chair election: nobody has an absolute majority in round 1 (2, 2 and 1 of
    # 5), so Seoul and Hamburg go to a runoff, which Seoul wins 3 to 2; the secretariat
    # certifies it.
    first_round = {
        "seoul@example.org": "Seoul",
        "vienna@example.org": "Seoul",
        "hamburg@example.org": "Hamburg",
        "london@example.org": "Hamburg",
        "milan@example.org": "Johannesburg",
    }
    receipts = {}
    for email, choice in first_round.items():
        message = cast(people.delegate(email), server, f"{ELECTION}: round 1", choice)
        receipts[email] = RECEIPT.search(message).group(0)
    officer.get_by_role("navigation", name="Main").get_by_role("link", name="Elections").click()
    officer.get_by_role("row", name=re.compile(str(YEAR))).get_by_role("link").click()
    election_url = officer.url
    officer.get_by_role("link", name="Round 1").click()
    close_vote(officer)
    expect(officer.locator(".outcome")).to_have_text("Runoff needed")
    ballots = officer.get_by_role("region", name="Ballots by receipt code")
    milan = receipts["milan@example.org"]
    expect(ballots.get_by_role("row", name=f"{milan} Johannesburg")).to_be_visible()
    officer.get_by_role("link", name="What is being decided").click()
    expect(officer).to_have_url(election_url)
    rounds = officer.get_by_role("region", name="Rounds")
    expect(rounds.get_by_role("heading", name="Round 2")).to_be_visible()
    rounds.get_by_role("link", name="Round 2").click()
    with officer.expect_navigation():
        officer.get_by_role("button", name="Open the vote now").click()
    runoff = {
        "seoul@example.org": "Seoul",
        "vienna@example.org": "Seoul",
        "deputy.marseille@example.org": "Seoul",
        "hamburg@example.org": "Hamburg",
        "london@example.org": "Hamburg",
    }
    for email, choice in runoff.items():
        cast(people.delegate(email), server, f"{ELECTION}: round 2", choice)
    officer.reload()
    close_vote(officer)
    expect(officer.locator(".outcome")).to_have_text("Elected: Seoul")
    officer.goto(election_url)
    submit_with_password(officer, officer.get_by_role("button", name="Certify the result"))
    expect(officer.get_by_role("main").locator(".facts")).to_contain_text("Certified")
    expect(officer.get_by_role("main").locator(".facts")).to_contain_text("Elected")
    expect(officer.get_by_role("main").locator(".facts")).to_contain_text(
        f"in office until Dec 31, {YEAR + 1}"
    )
    rounds = officer.get_by_role("region", name="Rounds")
    expect(rounds.locator(".outcome")).to_have_text(
        ["Runoff needed: Seoul, Hamburg", "Elected: Seoul"]
    )
    done("04-chair-elected-after-a-runoff", officer)

    # 5. Seoul's motion, seconded by Vienna, is put to the vote and carried.
    officer.get_by_role("navigation", name="Main").get_by_role("link", name="Motions").click()
    officer.get_by_role("link", name=MOTION).click()
    expect(officer.get_by_role("main").locator(".facts")).to_contain_text("Vienna")
    put = officer.get_by_role("region", name="Put to the vote")
    put.get_by_label("Ballot").select_option(label="Recorded (roll call)")
    with officer.expect_navigation():
        put.get_by_role("button", name="Open the vote").click()
    for email in ("seoul@example.org", "vienna@example.org", "deputy.marseille@example.org"):
        cast(people.delegate(email), server, MOTION, "Yes")
    cast(people.delegate("london@example.org"), server, MOTION, "No")
    cast(people.delegate("milan@example.org"), server, MOTION, "Abstain")
    officer.reload()
    close_vote(officer)
    expect(officer.locator(".outcome")).to_have_text("Carried")
    officer.get_by_role("link", name="What is being decided").click()
    motion_resolution = officer.get_by_role("main").get_by_role("link", name=RESOLUTION)
    motion_number = motion_resolution.inner_text()
    assert motion_number != charter_number
    expect(officer.get_by_role("main").locator(".facts")).to_contain_text("Carried")
    done("05-motion-carried", officer)

    # 6. Seoul signs the 2018 joint agreement, re-entering its password.
    seoul = people.delegate("seoul@example.org")
    seoul.get_by_role("navigation", name="Main").get_by_role("link", name="Declarations").click()
    seoul.get_by_role("link", name=AGREEMENT).click()
    seoul.get_by_role("link", name="Sign for Seoul").click()
    seoul.get_by_label("Signatory's name").fill("Park Won-soon")
    seoul.get_by_label("Signatory's title").fill("Mayor of Seoul")
    submit_with_password(seoul, seoul.get_by_role("button", name="Sign the declaration"))
    message = flash_text(seoul)
    assert "Seoul has signed" in message, message
    signature_code = RECEIPT.search(message).group(0)
    done("06-declaration-signed", seoul)

    # 7. A visitor, not logged in, sees the results, the chair and the signature, and
    # checks a ballot receipt and the signature's code.
    visitor = people.open("visitor")
    visitor.goto(server.url("/"))
    expect(visitor.get_by_role("link", name="Log in")).to_be_visible()
    open_votes = visitor.get_by_role("region", name="Open votes")
    expect(open_votes).to_contain_text("No vote is open at present.")
    # The visitor is the first to see the chair the story elected, on the home page.
    expect(visitor.get_by_role("main")).to_contain_text(f"Chair city: Seoul, Jan 1, {YEAR}")
    visitor.get_by_role("navigation", name="Main").get_by_role("link", name="Resolutions").click()
    register = visitor.get_by_role("main")
    expect(register.get_by_role("link", name=charter_number)).to_be_visible()
    expect(register.get_by_role("link", name=motion_number)).to_be_visible()
    register.get_by_role("link", name=motion_number).click()
    expect(visitor.get_by_role("heading", level=1)).to_contain_text(motion_number)
    done("07a-public-resolution", visitor)
    visitor.get_by_role("navigation", name="Main").get_by_role("link", name="Elections").click()
    # The demo's term began on 1 January this year: Seoul holds the chair now.
    expect(visitor.locator(".lead")).to_have_text(
        f"Chair city: Seoul, Jan 1, {YEAR} to Dec 31, {YEAR + 1}."
    )
    chairs = visitor.get_by_role("main").get_by_role("list").filter(has_text="Seoul:")
    expect(chairs).to_contain_text(f"Seoul: {TERM}")
    visitor.get_by_role("row", name=re.compile(str(YEAR))).get_by_role("link").click()
    facts = visitor.get_by_role("main").locator(".facts")
    expect(facts).to_contain_text("Certified")
    expect(facts).to_contain_text("Elected")
    rounds = visitor.get_by_role("region", name="Rounds")
    first_count, runoff_count = rounds.get_by_role("table").all()
    expect(first_count.get_by_role("row", name="Seoul 2", exact=True)).to_be_visible()
    expect(first_count.get_by_role("row", name="Johannesburg 1", exact=True)).to_be_visible()
    expect(runoff_count.get_by_role("row", name="Seoul 3", exact=True)).to_be_visible()
    expect(runoff_count.get_by_role("row", name="Hamburg 2", exact=True)).to_be_visible()
    done("07b-public-election-and-chair", visitor)
    facts.get_by_role("link", name="Seoul").click()
    terms = visitor.get_by_role("region", name="Terms of office")
    expect(terms).to_contain_text(f"Chair city: {TERM}")
    visitor.get_by_role("navigation", name="Main").get_by_role("link", name="Declarations").click()
    visitor.get_by_role("link", name=AGREEMENT).click()
    signatories = visitor.get_by_role("region", name="Signatories")
    expect(signatories.get_by_role("row", name=re.compile("^Seoul Park Won-soon"))).to_be_visible()
    expect(signatories.get_by_role("status")).to_have_text("1 city has signed.")
    done("07c-public-declaration-signed", visitor)
    nav = visitor.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Verify a receipt").click()
    visitor.get_by_label("Code").fill(receipts["milan@example.org"])
    visitor.get_by_role("button", name="Verify").click()
    expect(visitor.get_by_role("status")).to_contain_text(f"{ELECTION}: round 1")
    expect(visitor.get_by_role("main")).to_contain_text("The ballot reads: Johannesburg")
    done("07d-public-verifies-a-ballot-receipt", visitor)
    visitor.get_by_role("link", name="Verify another code").click()
    visitor.get_by_label("Code").fill(signature_code.lower())
    visitor.get_by_role("button", name="Verify").click()
    expect(visitor.get_by_role("status")).to_contain_text("the signature of Seoul")
    expect(visitor.get_by_role("main")).to_contain_text("Park Won-soon, Mayor of Seoul")
    done("07e-public-verifies-the-signature", visitor)

    total = time.monotonic() - started
    lines = [f"{name}: {seconds:.1f} s" for name, seconds in people.timings]
    (ARTIFACTS / "journey-timings.txt").write_text("\n".join([*lines, f"total: {total:.1f} s"]))
