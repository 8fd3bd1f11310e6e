"""The Atom feeds: valid RFC 4287, one per language, linked from every page, true times."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta

import feedparser
import pytest

from network.common.feeds import FEEDS_BEGAN
from network.db import db
from network.resolutions.models import DecisionMode, Resolution, ResolutionKind
from tests.declarations.test_story import open_declaration, sign

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FEEDS = ("/resolutions/feed.atom", "/declarations/feed.atom")
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


@pytest.fixture
def people(make, as_user):
    seoul = make.city("Seoul", names={"ko": "서울특별시"})
    return {
        "secretariat": as_user(make.secretariat()),
        "seoul": as_user(make.delegate(seoul, signing_authority=True)),
    }


@pytest.fixture
def resolution(app):
    with app.app_context():
        db.session.add(
            Resolution(
                year=2026,
                sequence=1,
                number="DWCN/RES/2026/1",
                title="On the living wage",
                kind=ResolutionKind.ordinary,
                mode=DecisionMode.online,
                adopted_on=date(2026, 3, 2),
                created_at=datetime(2026, 3, 2, 10, 30, tzinfo=UTC),
            )
        )
        db.session.commit()


def atom(response) -> ET.Element:
    assert response.status_code == 200, response.text
    assert response.mimetype == "application/atom+xml"
    return ET.fromstring(response.get_data())


def assert_valid_atom(response) -> ET.Element:
    """Check what RFC 4287 requires of a feed and of each entry (4.1.1, 4.1.2)."""
    root = atom(response)
    assert root.tag == f"{ATOM}feed" and root.get(XML_LANG)
    for element in (root, *root.iter(f"{ATOM}entry")):
        for name in ("id", "title", "updated"):
            assert len(element.findall(f"{ATOM}{name}")) == 1, name
        for stamp in ("updated", "published"):
            for found in element.findall(f"{ATOM}{stamp}"):
                assert RFC3339.match(found.text), found.text
    for entry in root.iter(f"{ATOM}entry"):
        assert entry.find(f"{ATOM}author/{ATOM}name").text
        assert entry.find(f"{ATOM}published") is not None
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None
        assert entry.find(f"{ATOM}published").text <= entry.find(f"{ATOM}updated").text
    assert root.find(f"{ATOM}link[@rel='self']").get("href").startswith("http")
    parsed = feedparser.parse(response.get_data())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    for entry in parsed.entries:
        assert entry.author and entry.published_parsed and entry.updated_parsed
    return root


def entries(root: ET.Element) -> list[ET.Element]:
    return root.findall(f"{ATOM}entry")


def test_both_feeds_are_valid_atom_with_authors_and_publication_times(client, people, resolution):
    open_declaration(people["secretariat"])
    for url in FEEDS:
        root = assert_valid_atom(client.get(url))
        assert len(entries(root)) == 1
    resolutions = assert_valid_atom(client.get(FEEDS[0]))
    entry = entries(resolutions)[0]
    assert entry.find(f"{ATOM}published").text == "2026-03-02T10:30:00Z"
    assert entry.find(f"{ATOM}author/{ATOM}name").text == "Decent Work City Network"


def test_every_page_links_to_both_feeds_in_the_readers_language(client, people):
    open_declaration(people["secretariat"])
    for language in ("en", "ko"):
        page = client.get("/", headers={"Accept-Language": language}).text
        head = page.split("</head>")[0]
        links = re.findall(r'<link rel="alternate" type="application/atom\+xml"[^>]*>', head)
        assert len(links) == 2
        hrefs = [re.search(r'href="([^"]+)"', link)[1].replace("&amp;", "&") for link in links]
        assert hrefs == [f"{url}?lang={language}" for url in FEEDS]
        assert all(f'hreflang="{language}"' in link for link in links)
        for href in hrefs:
            assert atom(client.get(href)).get(XML_LANG) == language
    korean = client.get("/declarations/", headers={"Accept-Language": "ko"}).text
    assert 'title="공동선언"' in korean.split("</head>")[0]


def test_one_feed_per_language(client, people):
    open_declaration(people["secretariat"])  # English (authoritative) and Korean texts
    korean = assert_valid_atom(client.get(f"{FEEDS[1]}?lang=ko"))
    assert korean.get(XML_LANG) == "ko"
    assert korean.find(f"{ATOM}title").text.endswith(": 공동선언")
    assert korean.find(f"{ATOM}link[@rel='self']").get("href").endswith("/feed.atom?lang=ko")
    entry = entries(korean)[0]
    title = entry.find(f"{ATOM}title")
    assert (title.text, title.get(XML_LANG)) == ("생활임금 선언", "ko")
    summary = entry.find(f"{ATOM}summary")
    assert (summary.text, summary.get(XML_LANG)) == ("도시는 공정한 임금을 이끌 수 있다.", "ko")
    assert entry.find(f"{ATOM}link").get("href").endswith("/declarations/living-wage-2019?lang=ko")
    # No French text: the feed's own words in French, the entry in the authoritative text.
    french = assert_valid_atom(client.get(f"{FEEDS[1]}?lang=fr"))
    assert french.get(XML_LANG) == "fr"
    title = entries(french)[0].find(f"{ATOM}title")
    assert (title.text, title.get(XML_LANG)) == ("Declaration on the living wage", "en")
    # A language the interface lacks: the feed's words in the reader's language.
    german = atom(client.get(f"{FEEDS[1]}?lang=de", headers={"Accept-Language": "ko"}))
    assert german.get(XML_LANG) == "ko" and german.find(f"{ATOM}title").text.endswith("공동선언")
    assert entries(german)[0].find(f"{ATOM}title").get(XML_LANG) == "en"
    # A tag with a region finds its language; without ?lang=, the reader's language.
    assert atom(client.get(f"{FEEDS[1]}?lang=en-US")).get(XML_LANG) == "en"
    reader = atom(client.get(FEEDS[1], headers={"Accept-Language": "ko"}))
    assert reader.get(XML_LANG) == "ko"
    assert entries(reader)[0].find(f"{ATOM}title").text == "생활임금 선언"
    # The feeds differ, and so do their ids.
    ids = {
        atom(client.get(f"{FEEDS[1]}?lang={code}")).find(f"{ATOM}id").text
        for code in "ko fr".split()
    }
    ids.add(atom(client.get(FEEDS[1])).find(f"{ATOM}id").text)
    assert len(ids) == 3


@pytest.mark.parametrize("query", ["lang=", "lang=not a language", "lang=ko&lang=en", "lang=<x>"])
def test_a_wrong_language_is_refused(client, query):
    for url in FEEDS:
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400, (url, query)
        assert "The lang parameter must be a language code" in response.text


def test_an_empty_feed_is_not_dated_1970(client, people, ledger):
    for url in FEEDS:
        updated = atom(client.get(url)).find(f"{ATOM}updated").text
        assert not updated.startswith("1970")
    # A draft is not in the feed, but its creation is the record's last public change.
    people["secretariat"].post(
        "/secretariat/declarations/new",
        data={
            "slug": "draft-only",
            "authoritative_language": "en",
            "texts-0-language": "en",
            "texts-0-title": "A draft",
            "texts-0-preamble": "Not yet.",
            "texts-0-commitments": "Nothing yet.",
        },
    )
    last = max((entry for entry in ledger.entries_since(0) if entry.public), key=lambda e: e.seq)
    for url in FEEDS:
        root = atom(client.get(url))
        assert entries(root) == []
        assert root.find(f"{ATOM}updated").text == last.created_at.astimezone(UTC).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )


def test_with_no_public_change_at_all_the_feed_dates_from_its_creation(client):
    for url in FEEDS:
        updated = atom(client.get(url)).find(f"{ATOM}updated").text
        assert updated == FEEDS_BEGAN.strftime("%Y-%m-%dT%H:%M:%SZ")


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_declaration_is_updated_when_a_city_signs(client, people, time_machine):
    # Forward from now: the people's sessions were opened now, and stay valid.
    opened = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=1)
    time_machine.move_to(opened, tick=False)
    slug = open_declaration(people["secretariat"])
    entry = entries(atom(client.get(FEEDS[1])))[0]
    assert entry.find(f"{ATOM}published").text == stamp(opened)
    assert entry.find(f"{ATOM}updated").text == stamp(opened)
    signed = opened + timedelta(minutes=47)
    time_machine.move_to(signed, tick=False)
    assert sign(people["seoul"], slug).status_code == 302
    root = assert_valid_atom(client.get(FEEDS[1]))
    entry = entries(root)[0]
    assert entry.find(f"{ATOM}published").text == stamp(opened)
    assert entry.find(f"{ATOM}updated").text == stamp(signed)
    assert root.find(f"{ATOM}updated").text == stamp(signed)
