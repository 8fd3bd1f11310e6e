"""The site's furniture: emblem and icons, header and phone menu, the secretariat's
navigation, breadcrumbs, badges and labelled table cells on phones."""

from __future__ import annotations

import hashlib
import re
import struct
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest

from network import ROOT
from network.charter.models import VersionStatus
from network.cities.models import MembershipStatus
from network.db import db
from network.declarations.models import DeclarationStatus
from network.elections.models import ElectionStatus, NominationStatus
from network.meetings.models import Meeting
from network.motions.models import MotionStatus
from network.votes.models import VoteStatus
from network.votes.tally import Outcome

CSS = (ROOT / "network" / "static" / "css" / "site.css").read_text()
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


@dataclass
class Element:
    """An element of a parsed page: enough of a DOM to ask where things are."""

    tag: str
    attrs: dict[str, str]
    children: list[Element] = field(default_factory=list)
    text: str = ""

    def all(self, tag: str | None = None, **attrs: str) -> list[Element]:
        """Every element below this one with the tag and attributes (class: one of them)."""
        found = []
        for child in self.children:
            if _matches(child, tag, attrs):
                found.append(child)
            found.extend(child.all(tag, **attrs))
        return found

    def one(self, tag: str | None = None, **attrs: str) -> Element:
        [found] = self.all(tag, **attrs)
        return found

    @property
    def words(self) -> str:
        return " ".join((self.text + " ".join(c.words for c in self.children)).split())

    def hrefs(self) -> list[str]:
        return [a.attrs["href"] for a in self.all("a")]


def _matches(element: Element, tag: str | None, attrs: dict[str, str]) -> bool:
    if tag is not None and element.tag != tag:
        return False
    for name, value in attrs.items():
        name = name.rstrip("_").replace("_", "-")
        if name == "class":
            if value not in element.attrs.get("class", "").split():
                return False
        elif element.attrs.get(name) != value:
            return False
    return True


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].text += data


def parse(response) -> Element:
    assert response.status_code == 200, response.status_code
    builder = _TreeBuilder()
    builder.feed(response.get_data(as_text=True))
    return builder.root


# The emblem and the icons


def test_every_page_carries_the_emblem_beside_the_name_and_the_icons(client):
    page = parse(client.get("/cities/"))
    brand = page.one("a", class_="brand")
    assert brand.attrs["href"] == "/"
    emblem = brand.one("img")
    assert urlsplit(emblem.attrs["src"]).path == "/static/img/emblem.svg"
    assert emblem.attrs["alt"] == ""
    assert brand.words == "Decent Work City Network"
    icons = {
        urlsplit(link.attrs["href"]).path: link.attrs
        for link in page.all("link")
        if "icon" in link.attrs["rel"]
    }
    assert icons["/static/img/emblem.svg"]["type"] == "image/svg+xml"
    assert "/static/img/favicon.ico" in icons and "/static/img/apple-touch-icon.png" in icons


def test_a_static_address_changes_with_its_file(client):
    """nginx lets browsers keep static files a year: the address names the content."""
    page = parse(client.get("/cities/"))
    stylesheet = next(
        link.attrs["href"] for link in page.all("link") if "stylesheet" in link.attrs["rel"]
    )
    address = urlsplit(stylesheet)
    content = (ROOT / "network" / address.path.lstrip("/")).read_bytes()
    assert parse_qs(address.query)["v"] == [hashlib.sha256(content).hexdigest()[:12]]
    with client.get(stylesheet) as response:
        assert response.status_code == 200 and response.get_data() == content


@pytest.mark.parametrize(
    ("path", "content_type", "magic"),
    [
        ("/static/img/emblem.svg", "image/svg+xml", b"<svg"),
        ("/static/img/favicon.ico", "image/", b"\x00\x00\x01\x00"),
        ("/static/img/apple-touch-icon.png", "image/png", b"\x89PNG"),
    ],
)
def test_the_icons_are_served(client, path, content_type, magic):
    with client.get(path) as response:
        assert response.status_code == 200
        assert response.content_type.startswith(content_type)
        assert response.get_data().startswith(magic)


def test_the_icon_file_holds_the_three_sizes_browsers_ask_for():
    data = (ROOT / "network" / "static" / "img" / "favicon.ico").read_bytes()
    _reserved, kind, count = struct.unpack("<HHH", data[:6])
    sizes = [data[6 + 16 * i] for i in range(count)]
    assert kind == 1 and sizes == [16, 32, 48]


def test_the_emblem_is_drawn_here_with_nothing_the_policy_would_block():
    svg = (ROOT / "network" / "static" / "img" / "emblem.svg").read_text()
    assert "<script" not in svg and "style=" not in svg and "href" not in svg


# The header


def test_no_inline_style_or_script_in_any_role(client, make, login_as):
    make.city("Seoul")
    pages = ["/", "/cities/", "/meetings/", "/secretariat/", "/secretariat/cities", "/account"]
    login_as(make.secretariat())
    for path in pages:
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r"<[^>]+\sstyle=", html), path
        assert "<script" not in html, path


def test_phones_get_a_menu_holding_the_same_links_as_the_full_navigation(client):
    page = parse(client.get("/"))
    wide = page.one("nav", class_="wide-only", aria_label="Main")
    menu = page.one("details", class_="menu")
    assert "narrow-only" in menu.attrs["class"]
    assert menu.one("summary").words == "Menu"
    assert menu.one("nav", aria_label="Main").hrefs() == wide.hrefs()
    assert "/login" in menu.one("nav", aria_label="Account").hrefs()
    # The language switcher stays outside the menu, always in view.
    switcher = page.one("form", class_="language-switcher")
    assert switcher not in menu.all("form")
    assert [b.attrs["value"] for b in switcher.all("button")] == ["en", "ko", "fr", "es"]


def test_the_stylesheet_shows_one_navigation_at_each_width():
    wide = re.search(r"@media \(min-width: ([\d.]+)rem\) \{ \.narrow-only \{ display: none", CSS)
    narrow = re.search(r"@media \(max-width: ([\d.]+)rem\) \{\s*\.wide-only \{ display: none", CSS)
    assert wide and narrow
    assert float(narrow.group(1)) < float(wide.group(1)) <= float(narrow.group(1)) + 0.1


def test_the_page_s_section_is_marked_in_the_navigation(client):
    page = parse(client.get("/meetings/"))
    nav = page.one("nav", class_="wide-only", aria_label="Main")
    [current] = [a for a in nav.all("a") if "aria-current" in a.attrs]
    assert current.attrs == {"href": "/meetings/", "aria-current": "page"}


# The secretariat's navigation

SECRETARIAT_DESKS = {
    "Dashboard": "/secretariat/",
    "Cities": "/secretariat/cities",
    "Accounts": "/secretariat/accounts",
    "Charter": "/secretariat/charter/",
    "Elections": "/elections/",
    "Motions": "/motions/",
    "Meetings": "/meetings/",
    "Declarations": "/secretariat/declarations/",
    "Outbox": "/secretariat/outbox",
    "Audit log": "/secretariat/audit/",
}


def test_the_secretariat_reaches_every_desk_from_one_navigation(client, make, login_as):
    login_as(make.secretariat())
    for path in ["/", "/secretariat/cities", "/resolutions/"]:
        page = parse(client.get(path))
        band = page.one("div", class_="secretariat-band").one("nav", aria_label="Secretariat")
        links = {a.words: a.attrs["href"] for a in band.all("a")}
        assert links == SECRETARIAT_DESKS, path
        # On a phone the same desks are in the menu.
        menu = page.one("details", class_="menu")
        assert menu.one("nav", aria_labelledby="menu-secretariat").hrefs() == band.hrefs()
    for href in SECRETARIAT_DESKS.values():
        assert client.get(href).status_code == 200, href


def test_the_secretariat_s_current_desk_is_marked(client, make, login_as):
    city = make.city("Seoul")
    login_as(make.secretariat())
    page = parse(client.get(f"/secretariat/cities/{city.slug}/status"))
    band = page.one("div", class_="secretariat-band")
    marked = [
        (a.words, a.attrs["aria-current"]) for a in band.all("a") if "aria-current" in a.attrs
    ]
    assert marked == [("Cities", "true")]


@pytest.mark.parametrize("role", ["anonymous", "delegate", "observer"])
def test_no_one_else_sees_the_secretariat_s_navigation(client, make, login_as, role):
    if role == "delegate":
        login_as(make.delegate(make.city("Seoul")))
    elif role == "observer":
        login_as(make.observer())
    html = client.get("/").get_data(as_text=True)
    assert "secretariat-band" not in html and "/secretariat/" not in html


# Breadcrumbs


@pytest.fixture
def meeting_id(app):
    with app.app_context():
        meeting = Meeting(
            title="City Government Roundtable",
            held_on=date(2018, 12, 12),
            place="Seoul",
            created_at=datetime(2018, 12, 1, tzinfo=UTC),
        )
        db.session.add(meeting)
        db.session.commit()
        return meeting.id


def trail(page: Element) -> list[tuple[str, str | None]]:
    crumbs = page.one("nav", class_="breadcrumbs")
    assert crumbs.attrs["aria-label"] == "Breadcrumb"
    steps = []
    for item in crumbs.one("ol").all("li"):
        links = item.all("a")
        steps.append((item.words, links[0].attrs["href"] if links else None))
    assert item.one("span").attrs["aria-current"] == "page"
    return steps


def test_public_deep_pages_show_where_they_sit(client, meeting_id):
    assert trail(parse(client.get(f"/meetings/{meeting_id}"))) == [
        ("Home", "/"),
        ("Meetings", "/meetings/"),
        ("City Government Roundtable", None),
    ]
    assert trail(parse(client.get("/audit/"))) == [("Home", "/"), ("Public audit record", None)]


def test_secretariat_and_account_pages_show_where_they_sit(client, make, login_as):
    officer = make.secretariat()
    login_as(officer)
    desk = ("Secretariat", "/secretariat/")
    expected = {
        "/secretariat/cities": [desk, ("Cities", None)],
        "/secretariat/cities/new": [desk, ("Cities", "/secretariat/cities"), ("Add a city", None)],
        "/secretariat/accounts/invite": [
            desk,
            ("Accounts", "/secretariat/accounts"),
            ("Invite a person", None),
        ],
        f"/secretariat/accounts/{officer.id}": [
            desk,
            ("Accounts", "/secretariat/accounts"),
            (officer.name, None),
        ],
        "/secretariat/charter/": [desk, ("Charter", None)],
        "/secretariat/declarations/": [desk, ("Declarations", None)],
        "/secretariat/declarations/new": [
            desk,
            ("Declarations", "/secretariat/declarations/"),
            ("Draft a declaration", None),
        ],
        "/secretariat/audit/": [desk, ("Audit log", None)],
        "/meetings/new": [("Meetings", "/meetings/"), ("Convene a meeting", None)],
        "/account": [("My account", None)],
        "/account/two-factor": [("My account", "/account"), ("Two-factor authentication", None)],
    }
    for path, steps in expected.items():
        assert trail(parse(client.get(path))) == [("Home", "/"), *steps], path


# Tables on phones


def test_stacked_table_cells_keep_their_column_labels(client, make, login_as):
    make.city("Seoul")
    make.city("Setagaya", country="JP", status=MembershipStatus.applicant)
    login_as(make.secretariat())
    client.post("/secretariat/charter/drafts")  # a version to list
    for path in [
        "/secretariat/cities",
        "/secretariat/accounts",
        "/secretariat/charter/",
        "/secretariat/audit/",
        "/audit/",
    ]:
        page = parse(client.get(path))
        cells = [td for table in page.all("table", class_="listing") for td in table.all("td")]
        assert cells, path
        for cell in cells:
            assert cell.attrs.get("data-label") or "colspan" in cell.attrs, (path, cell.words)
    assert ".listing [data-label]::before" in CSS


# Badges

STATUSES = [
    VoteStatus,
    Outcome,
    VersionStatus,
    DeclarationStatus,
    MotionStatus,
    MembershipStatus,
    ElectionStatus,
    NominationStatus,
]


def _badge_rules() -> dict[str, tuple[str, str]]:
    """Return each ``.badge-<value>`` class with its (background, colour)."""
    colours = {}
    for selectors, body in re.findall(r"([^{}]*\.badge-[^{}]*)\{([^}]*)\}", CSS):
        background = re.search(r"background:\s*(#[0-9a-f]{6})", body)
        colour = re.search(r"(?<!-)color:\s*(#[0-9a-f]{6})", body)
        if not (background and colour):
            continue
        for name in re.findall(r"\.badge-([a-z-]+)", selectors):
            colours[name] = (background.group(1), colour.group(1))
    return colours


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_every_status_and_outcome_has_a_badge_colour():
    rules = _badge_rules()
    values = {member.value for enum in STATUSES for member in enum}
    values |= {"in-force", "superseded"}  # the charter's versions as readers know them
    assert sorted(values - set(rules)) == []


def test_badge_colours_meet_wcag_aa_contrast():
    rules = _badge_rules()
    assert rules
    for name, (background, colour) in rules.items():
        assert contrast(background, colour) >= 4.5, name


def test_the_contrast_check_can_tell_a_faint_pair():
    assert contrast("#ffffff", "#000000") == pytest.approx(21)
    assert contrast("#cce2d8", "#8fbfa8") < 4.5


def test_a_badge_names_the_state_in_words(app):
    with app.test_request_context("/"):
        macro = app.jinja_env.get_template("macros/_nav.html").module.badge
        html = str(macro(VoteStatus.open))
    assert html == '<span class="badge badge-open">Open</span>'
