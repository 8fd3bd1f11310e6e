"""Nobody has to be told by hand (issue #15), driven in Chromium.

The secretariat invites a delegate for Marseille; the invitation arrives as a message
(the development server writes each message as an ``.eml`` file, here in a folder of
this module's own: ``MAIL_FILE_DIR``) whose link lets her set a password; she chooses
French. The secretariat puts Seoul's motion to the vote; Seoul casts its ballot,
Marseille does not; the secretariat presses "Remind now" on its dashboard, and the
reminder reaches Marseille's new delegate, in French, and no delegate of Seoul. Her
desk shows the ballot her city has to cast; she casts it from there.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from babel.support import Translations
from playwright.sync_api import Browser, BrowserContext, Page, expect

from network import ROOT
from tests.browser.conftest import (
    LiveServer,
    flash_text,
    log_in,
    new_person,
    screenshot,
)

pytestmark = pytest.mark.browser

NEWCOMER_EMAIL = "adjointe.marseille@example.org"
NEWCOMER_NAME = "Élise Martin"
NEWCOMER_PASSWORD = "le vieux port et le travail décent"
MOTION = "Opening of the Decent Work City Network Seoul Office"
LINK = re.compile(r"https?://\S+")


@pytest.fixture(scope="module")
def mail_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A folder of this module's own for the server's .eml files (not instance/mail/).

    The server takes its settings from the environment when it starts: the variable is
    set while it starts and for as long as the module runs.
    """
    folder = tmp_path_factory.mktemp("mail")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MAIL_FILE_DIR", str(folder))
        yield folder


@pytest.fixture(scope="module")
def live_server(mail_dir: Path, live_server: LiveServer) -> LiveServer:
    """The conftest's server, started with MAIL_FILE_DIR pointing at ``mail_dir``."""
    assert live_server.env["MAIL_FILE_DIR"] == str(mail_dir)
    return live_server


@pytest.fixture
def contexts(request: pytest.FixtureRequest, browser: Browser) -> Iterator[list[BrowserContext]]:
    opened: list[BrowserContext] = []
    yield opened
    report = getattr(request.node, "rep_call", None)
    for number, context in enumerate(opened):
        if report is not None and report.failed:
            for page in context.pages:
                screenshot(page, f"failed-notices-{number}")
        context.close()


def french(message: str, context: str | None = None, **values: object) -> str:
    """Say ``message`` as the French catalogue the server compiled says it."""
    catalogue = Translations.load(str(ROOT / "translations"), ["fr"])
    text = catalogue.pgettext(context, message) if context else catalogue.gettext(message)
    return text % values if values else text


def said_before_the_date(message: str) -> str:
    """Return what the French catalogue says before a message's date (dates vary)."""
    return french(message).split("%(date)s")[0].strip()


def mail_to(folder: Path, address: str, kind: str) -> list[EmailMessage]:
    """Return the messages of a kind of notice written for ``address``."""
    found = []
    for path in sorted(folder.glob("*.eml")):
        message = message_from_bytes(path.read_bytes(), policy=default)
        if address in message["To"] and message["X-DWCN-Notice"] == kind:
            found.append(message)
    return found


def wait_for_mail(folder: Path, address: str, kind: str) -> EmailMessage:
    """Wait (a few seconds at most) for the one message of a kind to ``address``."""
    deadline = time.monotonic() + 10
    while True:
        found = mail_to(folder, address, kind)
        if found or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert len(found) == 1, f"{len(found)} {kind} message(s) to {address}"
    return found[0]


def text_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def test_the_invitation_and_the_reminder_reach_the_delegate_by_mail(
    browser: Browser, live_server: LiveServer, mail_dir: Path, contexts: list[BrowserContext]
) -> None:
    server = live_server

    def person() -> Page:
        context = new_person(browser)
        contexts.append(context)
        return context.new_page()

    # 1. The secretariat invites a delegate for Marseille: no link to copy by hand.
    officer = person()
    log_in(officer, server, "secretariat@example.org")
    officer.goto(server.url("/secretariat/accounts/invite"))
    main = officer.get_by_role("main")
    main.get_by_label("E-mail address").fill(NEWCOMER_EMAIL)
    main.get_by_label("Full name").fill(NEWCOMER_NAME)
    main.get_by_label("Role").select_option(label="Delegate")
    main.get_by_label("City", exact=True).select_option(label="Marseille")
    main.get_by_label("May sign declarations on behalf of the city").check()
    with officer.expect_navigation():
        main.get_by_role("button", name="Create the invitation").click()
    assert f"The invitation for {NEWCOMER_NAME} is on its way by e-mail" in flash_text(officer)
    invitation_panel = officer.get_by_role("region", name="Invitation link")
    expect(invitation_panel).to_contain_text(f"was sent to {NEWCOMER_NAME} by e-mail")
    expect(invitation_panel).to_contain_text("shown here for your records")
    screenshot(officer, "notices-01-invitation-sent")

    # 2. The invitation arrives as a message, in plain text and HTML, with her link.
    invitation = wait_for_mail(mail_dir, NEWCOMER_EMAIL, "invitation")
    assert invitation["To"] == f"{NEWCOMER_NAME} <{NEWCOMER_EMAIL}>"
    assert invitation["Subject"] == "Your invitation to the Decent Work City Network"
    assert invitation.get_body(("html",)) is not None
    body = text_of(invitation)
    assert f"Hello {NEWCOMER_NAME}," in body
    assert "as Delegate of Marseille" in body
    [link] = [found for found in LINK.findall(body) if "/invitations/" in found]
    # Absolute, to the configured public address (never the request's host).
    parts = urlsplit(link)
    assert parts.scheme in {"http", "https"} and parts.netloc, link
    assert parts.path.startswith("/invitations/"), link

    # 3. The link lets her set a password; she then chooses French.
    newcomer = person()
    newcomer.goto(server.url(parts.path))
    expect(newcomer.get_by_role("heading", name="Accept your invitation")).to_be_visible()
    newcomer.get_by_label("New password", exact=True).fill(NEWCOMER_PASSWORD)
    newcomer.get_by_label("Repeat the new password").fill(NEWCOMER_PASSWORD)
    with newcomer.expect_navigation():
        newcomer.get_by_role("button", name="Set my password").click()
    assert "Your password is set" in flash_text(newcomer)
    expect(newcomer.get_by_role("button", name="Log out")).to_be_visible()
    newcomer.goto(server.url("/account"))
    newcomer.get_by_label("Interface language").select_option("fr")
    with newcomer.expect_navigation():
        newcomer.get_by_role("region", name="Language").get_by_role("button", name="Save").click()
    # Said in the language of the request that saved it; the pages after it are French.
    assert "Your language setting is saved." in flash_text(newcomer)
    expect(newcomer.locator("html")).to_have_attribute("lang", "fr")
    screenshot(newcomer, "notices-02-password-set-language-french")

    # 4. The secretariat puts Seoul's motion (seconded by Vienna) to the vote.
    officer.goto(server.url("/motions/"))
    officer.get_by_role("link", name=MOTION).click()
    put = officer.get_by_role("region", name="Put to the vote")
    put.get_by_label("Ballot").select_option(label="Recorded (roll call)")
    closes_at = datetime.now(UTC) + timedelta(hours=36)
    put.get_by_label("Closes at (UTC)").fill(closes_at.strftime("%Y-%m-%dT%H:%M"))
    with officer.expect_navigation():
        put.get_by_role("button", name="Open the vote").click()
    assert "The vote on the motion is open." in flash_text(officer)
    vote_path = urlsplit(officer.url).path
    assert re.fullmatch(r"/votes/\d+", vote_path), vote_path
    opened = wait_for_mail(mail_dir, NEWCOMER_EMAIL, "vote_opened")
    assert opened["Content-Language"] == "fr"

    # 5. Seoul casts its ballot; Marseille does not.
    seoul = person()
    log_in(seoul, server, "seoul@example.org")
    seoul.goto(server.url(f"{vote_path}/ballot"))
    seoul.get_by_role("radio", name="Yes", exact=True).check()
    with seoul.expect_navigation():
        seoul.get_by_role("button", name="Review the ballot").click()
    with seoul.expect_navigation():
        seoul.get_by_role("button", name="Confirm and cast the ballot").click()
    assert "Your city's ballot is cast" in flash_text(seoul)

    # 6. The dashboard names the cities that have not voted; "Remind now" tells them.
    officer.goto(server.url("/secretariat/"))
    open_votes = officer.get_by_role("region", name="Open votes")
    row = open_votes.get_by_role("listitem").filter(has=officer.get_by_role("link", name=MOTION))
    expect(row).to_contain_text("cities have not voted:")
    expect(row.get_by_role("link", name="Marseille", exact=True)).to_be_visible()
    expect(row.get_by_role("link", name="Seoul", exact=True)).to_have_count(0)
    with officer.expect_navigation():
        row.get_by_role("button", name="Remind now").click()
    assert "A reminder is on its way to the delegates of the cities that have not voted." in (
        flash_text(officer)
    )
    screenshot(officer, "notices-03-remind-now")

    # 7. The reminder reaches Marseille's new delegate, in her language ...
    reminder = wait_for_mail(mail_dir, NEWCOMER_EMAIL, "vote_reminder")
    assert reminder["Content-Language"] == "fr"
    subject = french("Your city has not voted yet: %(title)s", title=MOTION)
    assert subject != f"Your city has not voted yet: {MOTION}"  # said in French
    # Folding the header turns French typography's no-break space before ":" into a space.
    assert reminder["Subject"].split() == subject.split()
    body = text_of(reminder)
    assert french("Hello %(name)s,", name=NEWCOMER_NAME) in body
    assert said_before_the_date("It closes %(date)s; after that, no ballot is taken.") in body
    assert any(urlsplit(found).path == vote_path for found in LINK.findall(body)), body
    # ... and no delegate of Seoul, which has voted.
    for seoul_delegate in ("seoul@example.org", "seoul.staff@example.org"):
        assert mail_to(mail_dir, seoul_delegate, "vote_reminder") == []

    # 8. Her desk shows the ballot her city has to cast, with its link; she casts it.
    newcomer.goto(server.url("/"))
    expect(newcomer.get_by_role("heading", level=1)).to_have_text(
        french("Desk of %(city)s", city="Marseille")
    )
    ballots = newcomer.get_by_role("region", name=french("Ballots to cast"))
    ballot_link = ballots.get_by_role("link", name=MOTION)
    expect(ballot_link).to_have_attribute("href", f"{vote_path}/ballot")
    deadline = (
        ballots.get_by_role("listitem")
        .filter(has=newcomer.get_by_role("link", name=MOTION))
        .locator(".meta")
    )
    expect(deadline).to_contain_text(said_before_the_date("Closes %(date)s"))
    screenshot(newcomer, "notices-04-desk-ballot-to-cast")
    with newcomer.expect_navigation():
        ballot_link.click()
    newcomer.get_by_role("radio", name=french("Yes", "ballot"), exact=True).check()
    with newcomer.expect_navigation():
        newcomer.get_by_role("button", name=french("Review the ballot")).click()
    with newcomer.expect_navigation():
        newcomer.get_by_role("button", name=french("Confirm and cast the ballot")).click()
    assert french("Your city's ballot is cast.") in flash_text(newcomer)
    newcomer.goto(server.url("/"))
    expect(ballots.get_by_role("link", name=MOTION)).to_have_count(0)
