"""axe-core on every page, in every role, in Chromium; languages, phone width and focus.

The page list is checked against the app's URL map: a GET route that is neither in
``PAGES`` nor a non-HTML route (API, feed, export) fails the test, so a new page is
scanned from the day it is added. Each role scans every page its access allows, with
real ids from the demo moved on by ``tests/browser/world.py``; a delegate of a city that
signed the Seoul Declaration also scans the pages of its report on the commitments.
Besides axe's WCAG 2.x A/AA rules (and its best practices: landmarks, heading order),
every page must keep ``<html lang>`` right, mark Korean passages ``lang="ko"`` on pages
in other languages, and fit a 375-pixel-wide phone screen without scrolling sideways.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from axe_playwright_python.base import AXE_SCRIPT, AxeResults
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, expect

from network.auth.models import Role
from network.common.decorators import AUTHENTICATED, PUBLIC
from network.config import LOCALES
from tests.browser.conftest import (
    ARTIFACTS,
    DESKTOP,
    PHONE_WIDTH,
    LiveServer,
    log_in,
    new_person,
    screenshot,
)

pytestmark = pytest.mark.browser

AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
ROLES = ("public", "delegate", "observer", "secretariat")
# A delegate of a city that signed the 2017 Seoul Declaration (New York, whose 2019
# report is submitted): Hamburg's delegate may not report on it, so this account scans
# the pages of reports on commitments, and only the targets that name it.
SIGNATORY = "signatory-delegate"
ACCOUNTS = {
    "delegate": "hamburg@example.org",  # signs for Hamburg; ballots and a nomination pending
    "observer": "observer@example.org",
    "secretariat": "secretariat@example.org",
    SIGNATORY: "new-york@example.org",
}
# The account's role where the scan's name is not one.
ACCOUNT_ROLES = {SIGNATORY: Role.delegate}
# Routes that answer with data, not a page: the API, feeds, exports and health checks.
# A meeting paper's or a practice document's download is the file itself.
NOT_HTML = re.compile(
    r"^/api/|^/health/|\.(atom|csv|ics|json|pdf|txt|xml|zip)$"
    r"|^/meetings/<int:meeting_id>/papers/<int:paper_id>$"
    r"|^/practices/<slug>/documents/<int:document_id>$"
)
# The login's second step is only reached half-way through logging in: it is scanned
# then, when the demo secretariat (who has two-factor on) logs in.
SECOND_STEP = "/login/verify"
# Problems found in files this suite's author may not change, reported to their owner:
# (path, start of the problem). Each must still occur, so that a fixed one is removed.
REPORTED: set[tuple[str, str]] = set()
# For the check that the table lists every route: placeholder ids and codes.
STUB_WORLD: dict[str, Any] = {
    "charter_vote": 1,
    "election": 1,
    "first_round": 2,
    "runoff": 3,
    "vice_election": 2,
    "motion": 1,
    "motion_vote": 4,
    "own_motion": 2,
    "meeting": 1,
    "past_meeting": 2,
    "paper": 1,
    "practice_document": 1,
    "resolution": [2018, 1],
    "draft": 2,
    "receipt": "AAAA-AAAA-AAAA-AAAA",
    "signature_code": "BBBB-BBBB-BBBB-BBBB",
    "invited_user": 15,
    "invitation_token": "token",
    "delegate_user": 6,
    "outbox_message": 1,
    "unsubscribe_token": "token",
    "reset_token": "token",
    "calendar_token": "token",
    "indicator": "living-wage-coverage",
    "indicator_years": [2024, 2025],
}


@dataclass(frozen=True)
class Target:
    """A URL to check, who may see it there, and the status it answers with."""

    path: str
    roles: tuple[str, ...] = ROLES
    status: int = 200


def pages(world: dict[str, Any]) -> dict[str, list[Target]]:
    """Every GET route (as the URL map spells it) with the URLs that show it."""
    year, sequence = world["resolution"]
    agreement = "joint-agreement-2018"
    signed_in = ("delegate", "observer", "secretariat")
    indicator = world["indicator"]
    earlier, later = world["indicator_years"]
    reporting = (*ROLES, SIGNATORY)
    return {
        "/": [Target("/")],
        "/account": [Target("/account")],
        "/account/two-factor": [Target("/account/two-factor")],
        "/audit/": [Target("/audit/")],
        "/login": [Target("/login", ("public",))],
        SECOND_STEP: [],  # scanned during the secretariat's login
        "/invitations/<token>": [
            Target(f"/invitations/{world['invitation_token']}", ("public",)),
            Target("/invitations/not-a-real-token", ("public",), 400),
        ],
        "/cities/": [Target("/cities/")],
        "/open-data": [Target("/open-data")],
        "/cities/<slug>": [Target("/cities/seoul"), Target("/cities/setagaya")],
        "/charter/": [Target("/charter/")],
        "/charter/versions": [Target("/charter/versions")],
        "/charter/versions/<int:number>": [
            Target("/charter/versions/1"),
            Target(f"/charter/versions/{world['draft']}", signed_in),
        ],
        "/charter/diff": [Target(f"/charter/diff?from=1&to={world['draft']}", signed_in)],
        "/elections/": [Target("/elections/")],
        "/elections/<int:election_id>": [
            Target(f"/elections/{world['election']}"),
            Target(f"/elections/{world['vice_election']}"),
        ],
        "/votes/<int:vote_id>": [
            Target(f"/votes/{world['charter_vote']}"),
            Target(f"/votes/{world['first_round']}"),
            Target(f"/votes/{world['runoff']}"),
        ],
        "/votes/<int:vote_id>/ballot": [
            Target(f"/votes/{world['runoff']}/ballot"),
            Target(f"/votes/{world['motion_vote']}/ballot"),
            Target(f"/votes/{world['charter_vote']}/ballot", status=409),  # closed: why not
        ],
        "/votes/<int:vote_id>/close": [
            Target(f"/votes/{world['runoff']}/close"),
        ],
        "/motions/": [Target("/motions/")],
        "/motions/<int:motion_id>": [
            Target(f"/motions/{world['motion']}"),
            Target(f"/motions/{world['own_motion']}"),
        ],
        # Its proposer's city (Hamburg) and the secretariat translate a motion.
        "/motions/<int:motion_id>/translations": [
            Target(f"/motions/{world['own_motion']}/translations")
        ],
        "/motions/new": [Target("/motions/new")],
        "/meetings/": [Target("/meetings/")],
        "/meetings/<int:meeting_id>": [Target(f"/meetings/{world['meeting']}")],
        "/meetings/new": [Target("/meetings/new")],
        "/meetings/<int:meeting_id>/session": [Target(f"/meetings/{world['meeting']}/session")],
        "/meetings/<int:meeting_id>/projector": [
            Target(f"/meetings/{world['meeting']}/projector"),
            Target(f"/meetings/{world['meeting']}/projector?second=ko"),
        ],
        "/meetings/<int:meeting_id>/live": [Target(f"/meetings/{world['meeting']}/live")],
        "/meetings/<int:meeting_id>/attendance": [
            Target(f"/meetings/{world['meeting']}/attendance")
        ],
        "/meetings/<int:meeting_id>/papers/new": [
            Target(f"/meetings/{world['past_meeting']}/papers/new")
        ],
        "/meetings/<int:meeting_id>/papers/<int:paper_id>/remove": [
            Target(f"/meetings/{world['past_meeting']}/papers/{world['paper']}/remove")
        ],
        "/meetings/<int:meeting_id>/minutes": [
            Target(f"/meetings/{world['past_meeting']}/minutes"),
            Target(f"/meetings/{world['meeting']}/minutes"),
        ],
        "/meetings/<int:meeting_id>/minutes/<int:version>": [
            Target(f"/meetings/{world['past_meeting']}/minutes/1")
        ],
        # The world's motion vote was not opened at a meeting: the page says why (403).
        "/votes/<int:vote_id>/ballot/proxy/<slug>": [
            Target(f"/votes/{world['motion_vote']}/ballot/proxy/seoul", status=403)
        ],
        "/resolutions/": [Target("/resolutions/")],
        "/resolutions/<int:year>/<int:sequence>": [Target(f"/resolutions/{year}/{sequence}")],
        "/declarations/": [Target("/declarations/")],
        "/declarations/<slug>": [
            Target(f"/declarations/{agreement}"),
            Target("/declarations/seoul-declaration-2017"),
        ],
        "/declarations/<slug>/sign": [Target(f"/declarations/{agreement}/sign")],
        # Commitments and reports (#20): the demo's 2019 period of the Seoul Declaration,
        # Seoul's submitted report and Setagaya's draft (the secretariat reads it, others
        # see that none is submitted). Hamburg did not sign the 2017 declaration: its
        # delegate is told why it may not report (403). New York's delegate sees the
        # links to write and correct its report, and the editor: its submitted report
        # (the reason for a correction asked), its practice offered as evidence.
        "/declarations/<slug>/progress": [
            Target("/declarations/seoul-declaration-2017/progress", reporting),
            Target("/declarations/seoul-declaration-2017/progress?lang=ko&period=2019"),
            Target(f"/declarations/{agreement}/progress"),
        ],
        "/declarations/<slug>/progress/<city>": [
            Target("/declarations/seoul-declaration-2017/progress/seoul"),
            Target("/declarations/seoul-declaration-2017/progress/setagaya"),
            Target("/declarations/seoul-declaration-2017/progress/new-york", reporting),
        ],
        "/declarations/<slug>/report": [
            Target("/declarations/seoul-declaration-2017/report", status=403),
            Target("/declarations/seoul-declaration-2017/report", (SIGNATORY,)),
        ],
        # Practices (#20): the demo's are published; Hamburg's delegate edits Hamburg's.
        # The library searched in Korean, in French with accents, and filtered.
        "/practices/": [
            Target("/practices/"),
            Target("/practices/?q=%EC%84%9C%EC%9A%B8"),
            Target("/practices/?q=coop%C3%A9ratives"),
            Target("/practices/?pillar=social-dialogue&region=asia-pacific"),
        ],
        "/practices/<slug>": [
            Target("/practices/seoul-labour-respecting-city"),
            Target("/practices/hamburg-procurement-and-agency-workers?lang=en"),
        ],
        "/practices/new": [Target("/practices/new")],
        "/practices/<slug>/documents/new": [
            Target("/practices/hamburg-procurement-and-agency-workers/documents/new")
        ],
        "/practices/<slug>/documents/<int:document_id>/remove": [
            Target(
                "/practices/hamburg-procurement-and-agency-workers/documents/"
                f"{world['practice_document']}/remove"
            )
        ],
        "/practices/<slug>/edit": [
            Target("/practices/hamburg-procurement-and-agency-workers/edit")
        ],
        # Indicators (#20): living-wage coverage published by Seoul, London, Vienna and
        # Hamburg over two years (Seoul's later figure revised), Hamburg's later one a
        # draft. The secretariat sees the collection's controls and the editors; Hamburg's
        # delegate the form, empty, and as a revision of its published figure.
        "/indicators/": [Target("/indicators/")],
        "/indicators/<code>": [
            Target(f"/indicators/{indicator}"),
            Target(f"/indicators/{indicator}?year={earlier}"),
            Target("/indicators/usual-weekly-hours"),
            Target("/indicators/no-such-indicator", status=404),
        ],
        "/indicators/cities/<city>": [
            Target("/indicators/cities/seoul"),
            Target("/indicators/cities/hamburg"),
            Target("/indicators/cities/milan"),
        ],
        "/indicators/new": [Target("/indicators/new")],
        "/indicators/<code>/edit": [Target(f"/indicators/{indicator}/edit")],
        "/indicators/<code>/value": [
            Target(f"/indicators/{indicator}/value"),
            Target(f"/indicators/{indicator}/value?year={earlier}"),
            Target(f"/indicators/{indicator}/value?year={later}"),
        ],
        "/verify/": [Target("/verify/")],
        "/verify/<code>": [
            Target(f"/verify/{world['receipt']}"),
            Target(f"/verify/{world['signature_code']}"),
            Target("/verify/NO-SUCH-CODE", status=404),
        ],
        "/secretariat/": [Target("/secretariat/")],
        "/secretariat/accounts": [Target("/secretariat/accounts")],
        "/secretariat/accounts/<int:user_id>": [
            Target(f"/secretariat/accounts/{world['delegate_user']}"),
            Target(f"/secretariat/accounts/{world['invited_user']}"),
        ],
        "/secretariat/accounts/invite": [Target("/secretariat/accounts/invite")],
        "/secretariat/audit/": [Target("/secretariat/audit/")],
        "/secretariat/cities": [Target("/secretariat/cities")],
        "/secretariat/cities/new": [Target("/secretariat/cities/new")],
        "/secretariat/cities/<slug>/edit": [Target("/secretariat/cities/seoul/edit")],
        "/secretariat/cities/<slug>/status": [Target("/secretariat/cities/setagaya/status")],
        "/secretariat/charter/": [Target("/secretariat/charter/")],
        "/secretariat/charter/<int:number>": [Target(f"/secretariat/charter/{world['draft']}")],
        "/secretariat/charter/<int:number>/articles/<int:article>": [
            Target(f"/secretariat/charter/{world['draft']}/articles/1")
        ],
        "/secretariat/charter/<int:number>/articles/new": [
            Target(f"/secretariat/charter/{world['draft']}/articles/new")
        ],
        "/secretariat/declarations/": [Target("/secretariat/declarations/")],
        "/secretariat/declarations/new": [Target("/secretariat/declarations/new")],
        "/secretariat/declarations/<slug>": [Target(f"/secretariat/declarations/{agreement}")],
        "/secretariat/elections/new": [Target("/secretariat/elections/new")],
        "/secretariat/outbox": [
            Target("/secretariat/outbox"),
            Target("/secretariat/outbox?status=sent"),
        ],
        "/secretariat/outbox/<int:message_id>": [
            Target(f"/secretariat/outbox/{world['outbox_message']}")
        ],
        "/account/notices": [Target("/account/notices")],
        "/notices/unsubscribe/<token>": [
            Target(f"/notices/unsubscribe/{world['unsubscribe_token']}", ("public",)),
            Target("/notices/unsubscribe/not-a-real-token", ("public",), 400),
        ],
        "/password/forgot": [Target("/password/forgot", ("public",))],
        "/password/reset/<token>": [
            Target(f"/password/reset/{world['reset_token']}", ("public",)),
            Target("/password/reset/not-a-real-token", ("public",), 400),
        ],
    }


def data_urls(world: dict[str, Any]) -> dict[str, str]:
    """A real URL for each route that answers with data rather than a page."""
    slug = "joint-agreement-2018"
    return {
        "/api/v1/audit/head": "/api/v1/audit/head",
        "/api/v1/audit/entries": "/api/v1/audit/entries",
        "/api/v1/charter": "/api/v1/charter",
        "/api/v1/charter/versions": "/api/v1/charter/versions",
        "/api/v1/cities": "/api/v1/cities",
        "/api/v1/cities/<slug>": "/api/v1/cities/seoul",
        "/api/v1/declarations": "/api/v1/declarations",
        "/api/v1/declarations/<slug>": f"/api/v1/declarations/{slug}",
        "/api/v1/declarations/<slug>/signatures": f"/api/v1/declarations/{slug}/signatures",
        "/api/v1/elections": "/api/v1/elections",
        "/api/v1/openapi.json": "/api/v1/openapi.json",
        "/api/v1/elections/<int:election_id>": f"/api/v1/elections/{world['election']}",
        "/api/v1/resolutions": "/api/v1/resolutions",
        "/api/v1/motions": "/api/v1/motions",
        "/api/v1/motions/<int:motion_id>": f"/api/v1/motions/{world['motion']}",
        "/api/v1/meetings": "/api/v1/meetings",
        "/api/v1/meetings/<int:meeting_id>": f"/api/v1/meetings/{world['meeting']}",
        "/api/v1/meetings/<int:meeting_id>/minutes": (
            f"/api/v1/meetings/{world['past_meeting']}/minutes"
        ),
        "/meetings/<int:meeting_id>/minutes.pdf": f"/meetings/{world['past_meeting']}/minutes.pdf",
        "/meetings/<int:meeting_id>/papers/<int:paper_id>": (
            f"/meetings/{world['past_meeting']}/papers/{world['paper']}"
        ),
        "/meetings/<int:meeting_id>/live.json": f"/meetings/{world['meeting']}/live.json",
        "/votes/<int:vote_id>/roll-call.csv": f"/votes/{world['charter_vote']}/roll-call.csv",
        "/votes/<int:vote_id>/ballots.csv": f"/votes/{world['first_round']}/ballots.csv",
        "/resolutions/export.csv": "/resolutions/export.csv",
        "/api/v1/verify/<code>": f"/api/v1/verify/{world['receipt']}",
        "/api/v1/votes/<int:vote_id>": f"/api/v1/votes/{world['charter_vote']}",
        "/api/v1/": "/api/v1/",
        "/cities/export.csv": "/cities/export.csv",
        "/declarations/<slug>/signatures.csv": f"/declarations/{slug}/signatures.csv",
        "/declarations/<slug>/signatures.json": f"/declarations/{slug}/signatures.json",
        "/declarations/<slug>/reports.csv": "/declarations/seoul-declaration-2017/reports.csv",
        "/api/v1/declarations/<slug>/reports": (
            "/api/v1/declarations/seoul-declaration-2017/reports"
        ),
        "/declarations/<slug>/document.pdf": f"/declarations/{slug}/document.pdf",
        "/votes/<int:vote_id>/result.pdf": f"/votes/{world['charter_vote']}/result.pdf",
        "/resolutions/<int:year>/<int:sequence>/document.pdf": (
            "/resolutions/{}/{}/document.pdf".format(*world["resolution"])
        ),
        "/cities/<slug>/record.pdf": "/cities/seoul/record.pdf",
        "/practices/feed.atom": "/practices/feed.atom",
        "/practices/export.csv": "/practices/export.csv",
        "/indicators/values.csv": f"/indicators/values.csv?indicator={world['indicator']}",
        "/api/v1/indicators": "/api/v1/indicators",
        "/api/v1/indicators/<code>": f"/api/v1/indicators/{world['indicator']}",
        "/api/v1/indicators/<code>/values": f"/api/v1/indicators/{world['indicator']}/values",
        "/practices/<slug>/documents/<int:document_id>": (
            "/practices/hamburg-procurement-and-agency-workers/documents/"
            f"{world['practice_document']}"
        ),
        "/api/v1/practices": "/api/v1/practices",
        "/api/v1/practices/<slug>": "/api/v1/practices/seoul-labour-respecting-city",
        "/declarations/feed.atom": "/declarations/feed.atom",
        "/resolutions/feed.atom": "/resolutions/feed.atom",
        "/calendar.ics": "/calendar.ics",
        "/calendar/<token>.ics": f"/calendar/{world['calendar_token']}.ics",
        "/archive.zip": "/archive.zip",
        "/robots.txt": "/robots.txt",
        "/sitemap.xml": "/sitemap.xml",
        "/.well-known/security.txt": "/.well-known/security.txt",
        "/health/live": "/health/live",
        "/health/ready": "/health/ready",
    }


def get_rules(app: Flask) -> dict[str, Any]:
    """Every GET route of the app but static files, with who may use it."""
    return {
        rule.rule: app.view_functions[rule.endpoint].access
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and rule.endpoint != "static"
    }


def may_see(access: Any, role: str) -> bool:
    """Tell whether a route's declared access lets ``role`` in."""
    if access == PUBLIC:
        return True
    if access == AUTHENTICATED:
        return role != "public"
    return role != "public" and Role(ACCOUNT_ROLES.get(role, role)) in access


@pytest.fixture(scope="module")
def world(live_server: LiveServer) -> dict[str, Any]:
    return live_server.run_python("tests.browser.world")


@pytest.fixture(scope="module")
def figures() -> Iterator[dict[str, Any]]:
    """What each scan checked, written to test-artifacts/browser/accessibility.json."""
    found: dict[str, Any] = {"scans": {}, "violations": {}}
    yield found
    (ARTIFACTS / "accessibility.json").write_text(json.dumps(found, indent=2, sort_keys=True))


# --- the checks on one page -------------------------------------------------------------

# The page's language, and Korean passages not marked lang="ko".
LANGUAGES = """() => {
  const hangul = /[\\u1100-\\u11ff\\u3130-\\u318f\\uac00-\\ud7af]/;
  const bad = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!hangul.test(node.data)) continue;
    const lang = node.parentElement.closest('[lang]').getAttribute('lang');
    if (!lang.startsWith('ko')) bad.push(node.parentElement.outerHTML.slice(0, 200));
  }
  for (const field of document.querySelectorAll('input, textarea')) {
    if (hangul.test(field.value) && !field.closest('[lang]').getAttribute('lang').startsWith('ko'))
      bad.push(field.outerHTML.slice(0, 200));
  }
  return {page: document.documentElement.lang, korean: bad};
}"""

# None when the page fits the screen's width, else the elements that stick out.
WIDER_THAN_SCREEN = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  return [...document.querySelectorAll('main *, header *, footer *')]
    .filter(e => e.getBoundingClientRect().right > width + 1 || e.scrollWidth > width + 1)
    .slice(0, 5).map(e => e.outerHTML.slice(0, 160));
}"""


def person_with_axe(browser: Browser) -> BrowserContext:
    """Open a context whose every page loads axe-core (axe-playwright-python's copy).

    Loading it once per page as an init script, rather than evaluating the 500 kB script
    again before each run as ``Axe().run`` does, saves a quarter of each page's time.
    """
    context = new_person(browser)
    context.add_init_script(script=AXE_SCRIPT)
    return context


def run_axe(page: Page) -> AxeResults:
    """Run axe-core on the open page with the WCAG 2.x A/AA rules and best practices."""
    return AxeResults(page.evaluate("options => axe.run(document, options)", AXE_OPTIONS))


def check_page(page: Page, language: str) -> list[str]:
    """Run every check on the page that is open; return what is wrong with it."""
    problems = []
    for violation in run_axe(page).response["violations"]:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:5]]
        problems.append(f"axe {violation['id']} ({violation['impact']}): {violation['help']}")
        problems.extend(f"    at {target}" for target in targets)
    languages = page.evaluate(LANGUAGES)
    if languages["page"] != language:
        problems.append(f'<html lang="{languages["page"]}">, expected "{language}"')
    if language != "ko":
        problems.extend(f"Korean text without lang=ko: {html}" for html in languages["korean"])
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    wide = page.evaluate(WIDER_THAN_SCREEN)
    if wide is not None:
        problems.append(f"scrolls sideways at {PHONE_WIDTH} px; too wide: {wide}")
    page.set_viewport_size(DESKTOP)
    return problems


def scan(page: Page, server: LiveServer, target: Target, language: str) -> list[str]:
    """Open a page and check it; return its problems."""
    response = page.goto(server.url(target.path))
    assert response is not None
    problems = []
    if response.status != target.status:
        problems.append(f"answered {response.status}, expected {target.status}")
    if page.url != server.url(target.path):
        problems.append(f"went to {page.url}")
    return problems + check_page(page, language)


def unreported(problems: dict[str, list[str]]) -> dict[str, list[str]]:
    """Leave out the problems already reported to the owners of the files concerned."""
    left = {}
    for path, found in problems.items():
        rest = [p for p in found if not any(path == r and p.startswith(s) for r, s in REPORTED)]
        if rest:
            left[path] = rest
    return left


def report(problems: dict[str, list[str]]) -> str:
    return "\n".join(f"{path}:\n  " + "\n  ".join(found) for path, found in problems.items())


# --- the tests --------------------------------------------------------------------------


def test_every_get_route_is_scanned_or_is_data(app: Flask) -> None:
    rules = get_rules(app)
    listed = pages(STUB_WORLD)
    data = data_urls(STUB_WORLD)
    missing = sorted(set(rules) - set(listed) - set(data))
    assert not missing, f"add these GET routes to pages() in {__name__}: {missing}"
    assert not sorted(set(listed) - set(rules)), "pages() lists routes that no longer exist"
    assert not sorted(set(data) - set(rules)), "data_urls() lists routes that no longer exist"
    assert all(NOT_HTML.search(rule) for rule in data), "only API, feed and export routes"
    assert not [rule for rule in listed if NOT_HTML.search(rule)]


def test_data_routes_answer_with_data_not_pages(
    live_server: LiveServer, world: dict[str, Any], browser: Browser
) -> None:
    context = new_person(browser)
    try:
        for rule, path in data_urls(world).items():
            response = context.request.get(live_server.url(path))
            content_type = response.headers["content-type"]
            assert response.status == 200, (rule, response.status)
            assert not content_type.startswith("text/html"), (rule, content_type)
    finally:
        context.close()


@pytest.mark.parametrize("role", [*ROLES, SIGNATORY])
def test_every_page_passes_axe_in_every_role(
    role: str,
    app: Flask,
    browser: Browser,
    live_server: LiveServer,
    world: dict[str, Any],
    figures: dict[str, Any],
) -> None:
    rules = get_rules(app)
    listed = pages(world)
    context = person_with_axe(browser)
    page = context.new_page()
    problems: dict[str, list[str]] = {}
    checked: list[str] = []

    def check_second_step(step: Page) -> None:
        found = check_page(step, "en")
        if found:
            problems[SECOND_STEP] = found
        checked.append(SECOND_STEP)

    try:
        if role != "public":
            log_in(page, live_server, ACCOUNTS[role], on_second_step=check_second_step)
        for rule, targets in listed.items():
            if not may_see(rules[rule], role):
                continue
            for target in targets:
                if role in target.roles:
                    found = scan(page, live_server, target, "en")
                    checked.append(target.path)
                    if found:
                        problems[target.path] = found
                    if unreported({target.path: found}):
                        screenshot(page, f"axe-{role}-{re.sub(r'[^a-z0-9]+', '-', target.path)}")
        # An error page, in each role.
        found = scan(page, live_server, Target("/no-such-page", status=404), "en")
        checked.append("/no-such-page")
        if found:
            problems["/no-such-page"] = found
    finally:
        context.close()
    figures["scans"][role] = len(checked)
    figures["violations"][role] = problems
    left = unreported(problems)
    assert not left, f"{len(left)} of {len(checked)} pages fail as {role}:\n{report(left)}"
    for path, start in REPORTED:
        if path in checked:
            found = problems.get(path, [])
            assert any(p.startswith(start) for p in found), f"fixed: drop {start!r} from REPORTED"
    if role == "secretariat" and SECOND_STEP in rules:
        assert SECOND_STEP in checked, "the secretariat's login never reached its second step"


# English is the language of every role's scan above.
MAIN_PUBLIC_PAGES = (
    "/",
    "/cities/",
    "/cities/seoul",
    "/charter/",
    "/resolutions/",
    "/declarations/seoul-declaration-2017",
    "/declarations/seoul-declaration-2017/progress",
    "/practices/",
    "/practices/seoul-labour-respecting-city",
    "/indicators/",
    "/indicators/living-wage-coverage",
    "/indicators/cities/seoul",
    "/verify/",
    "/login",
)


@pytest.mark.parametrize("language", [code for code in LOCALES if code != "en"])
def test_main_public_pages_in_each_language(
    language: str,
    browser: Browser,
    live_server: LiveServer,
    world: dict[str, Any],
    figures: dict[str, Any],
) -> None:
    context = person_with_axe(browser)
    page = context.new_page()
    problems = {}
    try:
        page.goto(live_server.url("/"))
        switcher = page.get_by_role("list", name="Language")
        with page.expect_navigation():
            switcher.locator(f'button[lang="{language}"]').click()
        paths = [*MAIN_PUBLIC_PAGES, f"/elections/{world['election']}"]
        for path in paths:
            found = scan(page, live_server, Target(path), language)
            if found:
                problems[path] = found
            if path == "/charter/":
                screenshot(page, f"language-{language}-charter")
    finally:
        context.close()
    figures["scans"][f"public-{language}"] = len(paths)
    figures["violations"][f"public-{language}"] = problems
    assert not problems, f"in {language}:\n{report(problems)}"


# What the keyboard must show on each page: every stop of the Tab key, visibly.
FOCUS_STYLE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName + (el.id ? '#' + el.id : '') + ' '
      + (el.textContent || el.name || '').trim().slice(0, 30),
    visible: outline || style.boxShadow !== 'none',
    onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0,
  };
}"""


@pytest.mark.parametrize("path", ["/", "/login", "/verify/", "/declarations/joint-agreement-2018"])
def test_keyboard_focus_is_always_visible(
    path: str, browser: Browser, live_server: LiveServer, world: dict[str, Any]
) -> None:
    context = new_person(browser)
    page = context.new_page()
    try:
        page.goto(live_server.url(path))
        page.keyboard.press("Tab")
        skip = page.get_by_role("link", name="Skip to content")
        expect(skip).to_be_focused()
        assert page.evaluate(FOCUS_STYLE)["onScreen"], "the skip link stays off screen"
        stops: list[dict[str, Any]] = []
        for _ in range(40):
            page.keyboard.press("Tab")
            stops.append(page.evaluate(FOCUS_STYLE))
            if stops[-1]["tag"].startswith("BODY"):
                break
        stops = [stop for stop in stops if not stop["tag"].startswith("BODY")]
        assert len(stops) > 5, stops
        hidden = [stop["tag"] for stop in stops if not stop["visible"]]
        assert not hidden, f"focus not visible on {hidden}"
        off_screen = [stop["tag"] for stop in stops if not stop["onScreen"]]
        assert not off_screen, f"focus goes to elements off screen: {off_screen}"
        page.goto(live_server.url(path))
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        expect(page.locator("main")).to_be_focused()
    finally:
        context.close()
