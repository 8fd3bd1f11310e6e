"""The API says what the pages say, for the same objects and the same filters."""

from __future__ import annotations

import re

import pytest

from network.declarations import views as declaration_views
from network.votes import views as vote_views
from tests.api.conftest import parse

DECLARATION_LINK = re.compile(r"^/declarations/([a-z0-9-]+)$")


def api_all(client, url: str) -> list[dict]:
    """Read every page of an API list."""
    items, page = [], 1
    separator = "&" if "?" in url else "?"
    while True:
        body = client.get(f"{url}{separator}page={page}&per_page=200").get_json()
        items += body["items"]
        if len(items) >= body["total"]:
            return items
        page += 1


def html_all(client, url: str, table: int, width: int) -> tuple[list, int]:
    """Read every page of a list on a page, following its pager; return the rows of
    ``width`` cells in ``table`` and the number of pages read."""
    rows, page = [], 1
    separator = "&" if "?" in url else "?"
    while True:
        html = client.get(f"{url}{separator}page={page}").text
        rows += [row for row in parse(html).body_rows(table) if len(row) == width]
        following = rf'rel="next" href="[^"]*(\?|&amp;)page={page + 1}(&amp;|")'
        if not re.search(following, html):
            return rows, page
        page += 1
        assert page < 100, url


def slug_of(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[-1]


def declaration_slugs(links: list[str]) -> list[str]:
    """The declarations a page links to, in order, once each."""
    found = [m.group(1) for link in links if (m := DECLARATION_LINK.match(link))]
    return list(dict.fromkeys(found))


@pytest.mark.parametrize(
    "query",
    [
        "",
        "region=europe-central-asia",
        "status=applicant",
        "status=member&region=asia-pacific",
        "country=jp",
        "q=seo",
        "q=함부르크",
    ],
)
def test_the_directory_and_the_api_list_the_same_cities(client, open_world, query):
    page = parse(client.get(f"/cities/?{query}").text)
    rows = page.body_rows(0) if page.tables else []
    listed = [(slug_of(row[0].links[0]), row[3].text) for row in rows]
    api = api_all(client, f"/api/v1/cities?{query}")
    labels = {"member": "Member", "applicant": "Applicant"}
    assert [slug for slug, _ in listed] == [city["slug"] for city in api]
    assert [status for _, status in listed] == [labels[city["status"]] for city in api]
    assert listed, query or "no filter"  # every filter here matches something


def test_a_city_page_and_the_api_agree(client, open_world):
    for slug in ("seoul", "hamburg", "setagaya"):
        html = client.get(f"/cities/{slug}").text
        api = client.get(f"/api/v1/cities/{slug}").get_json()
        assert f"<h1>{api['name']}" in html
        for delegate in api["delegates"]:
            assert delegate in html
        assert declaration_slugs(parse(html).links) == api["declarations_signed"]
        assert (slug == "seoul") == bool(api["chair_terms"])  # the certified chair
        for term in api["chair_terms"]:
            assert term["city"] == slug


def test_the_signatories_on_the_page_are_the_apis(client, open_world, monkeypatch):
    # Two to a page: the pages, read one after the other, give the API's list exactly.
    monkeypatch.setattr(declaration_views, "SIGNATORIES_PER_PAGE", 2)
    slug = "seoul-declaration-2017"
    rows, pages = html_all(client, f"/declarations/{slug}", table=0, width=6)
    api = api_all(client, f"/api/v1/declarations/{slug}/signatures")
    assert pages == -(-len(api) // 2) > 1
    first = client.get(f"/declarations/{slug}").text
    assert f"Signatures 1 to 2 of {len(api)}" in first and 'rel="next"' in first
    beyond = client.get(f"/declarations/{slug}?page={pages + 1}")
    assert beyond.status_code == 200 and "Signatures " not in beyond.text
    assert not parse(beyond.text).tables  # no table of signatories past the last page
    assert [
        (slug_of(r[0].links[0]), r[1].text, r[2].text, r[5].text, "withdrawn" in r[0].text)
        for r in rows
    ] == [
        (
            s["city"],
            s["signatory_name"],
            s["signatory_title"],
            s["verification_code"],
            s["withdrawn"],
        )
        for s in api
    ]
    assert any(s["withdrawn"] for s in api) and not all(s["withdrawn"] for s in api)
    detail = client.get(f"/api/v1/declarations/{slug}").get_json()
    assert detail["signature_count"] == sum(not s["withdrawn"] for s in api)


def test_the_declarations_list_and_the_api_agree(client, open_world, monkeypatch):
    monkeypatch.setattr(declaration_views, "DECLARATIONS_PER_PAGE", 1)
    page_slugs = []
    for number in (1, 2):
        page = parse(client.get(f"/declarations/?page={number}").text)
        page_slugs += [
            slug_of(link)
            for link in page.links
            if link.startswith("/declarations/") and "?" not in link
        ]
    api = api_all(client, "/api/v1/declarations")
    assert [d["slug"] for d in api] == [
        s for s in dict.fromkeys(page_slugs) if s in {d["slug"] for d in api}
    ]
    assert len(api) == 2


@pytest.mark.parametrize("query", ["", "kind=charter", "kind=ordinary", "q=charter"])
def test_the_register_and_the_api_list_the_same_resolutions(client, open_world, query):
    page = parse(client.get(f"/resolutions/?{query}").text)
    rows = [row for row in page.body_rows(0) if len(row) == 4]
    api = api_all(client, f"/api/v1/resolutions?{query}")
    assert [(r[0].text, r[1].text) for r in rows] == [(x["number"], x["title"]) for x in api]
    if query == "kind=charter":
        assert len(api) == 1 and api[0]["vote"] == open_world["charter_vote"]
    if query == "":  # the charter by vote, the Seoul office motion in the meeting
        assert [(r["vote"], r["meeting"]) for r in api] == [
            (open_world["charter_vote"], None),
            (None, open_world["meeting"]),
        ]


def test_the_charter_in_force_page_and_the_api_agree(client, open_world):
    html = client.get("/charter/").text
    api = client.get("/api/v1/charter?lang=en").get_json()
    articles = [h for h in parse(html).headings if h.startswith("Article ")]
    assert articles == [f"Article {a['number']}. {a['title']}" for a in api["articles"]]
    assert api["resolution"] in html and f"Version {api['version']}," in html
    versions = client.get("/api/v1/charter/versions").get_json()["items"]
    assert versions[0]["version"] == api["version"] and versions[0]["status"] == "adopted"
    korean = client.get("/charter/", headers={"Accept-Language": "ko"}).text
    api_ko = client.get("/api/v1/charter?lang=ko").get_json()
    for article in api_ko["articles"]:
        assert article["title"] in korean


def test_a_recorded_vote_shows_the_same_result_and_roll_call(client, open_world, monkeypatch):
    monkeypatch.setattr(vote_views, "LIST_PER_PAGE", 3)
    vote_id = open_world["charter_vote"]
    page = parse(client.get(f"/votes/{vote_id}").text)
    api = client.get(f"/api/v1/votes/{vote_id}").get_json()
    counts = [cell.text for cell in page.body_rows(0)[0]]
    result = api["result"]
    assert counts == [
        str(result["counts"]["yes"]),
        str(result["counts"]["no"]),
        str(result["counts"]["abstain"]),
        str(result["majority"]["needed"]),
    ]
    assert result["outcome"] == "carried" and api["ballots_cast"] == 7
    rows, pages = html_all(client, f"/votes/{vote_id}", table=1, width=2)
    roll_call = [(slug_of(r[0].links[0]), r[1].text.lower()) for r in rows]
    # The page lists the whole electorate; the API, the cities that voted.
    voted = [row for row in roll_call if row[1] != "did not vote"]
    assert voted == [(row["city"], row["choice"]) for row in api["roll_call"]]
    electorate = result["quorum"]["electorate"]
    assert len(roll_call) == electorate and pages == -(-electorate // 3)  # three to a page


def test_an_election_and_its_secret_round_show_the_same_counts(client, open_world, monkeypatch):
    monkeypatch.setattr(vote_views, "LIST_PER_PAGE", 3)
    election = client.get(f"/api/v1/elections/{open_world['election']}").get_json()
    html = client.get(f"/elections/{open_world['election']}").text
    page = parse(html)
    assert election["winner"] == "seoul" and election["certified"]
    names = {"seoul": "Seoul", "hamburg": "Hamburg", "johannesburg": "Johannesburg"}
    round_counts = {r[0].text: int(r[1].text) for r in page.body_rows(1)}
    api_counts = {names[c]: n for c, n in election["rounds"][0]["counts"][0].items()}
    assert round_counts == api_counts == {"Seoul": 5, "Hamburg": 2, "Johannesburg": 0}
    listed = client.get("/api/v1/elections").get_json()["items"]
    assert listed[0] == election
    vote_id = open_world["election_vote"]
    vote = client.get(f"/api/v1/votes/{vote_id}").get_json()
    rows, pages = html_all(client, f"/votes/{vote_id}", table=1, width=2)
    receipts = [(r[0].text, r[1].text) for r in rows]
    assert receipts == [(b["receipt"], b["choice"]) for b in vote["ballots"]]
    assert pages == 3
    # Who voted (a public fact) comes three to a page too, each city once.
    voters = []
    for number in (1, 2, 3, 4):
        html = client.get(f"/votes/{vote_id}?voters_page={number}").text
        found = re.search(r"Cities that voted: ([^<]*)</p>", html)
        voters += found.group(1).split(", ") if found else []
    assert len(voters) == len(set(voters)) == vote["ballots_cast"] == 7
    assert voters == sorted(voters)
    assert open_world["receipt"] in {b["receipt"] for b in vote["ballots"]}
    assert "roll_call" not in vote


def test_verification_codes_say_the_same_on_the_page_and_in_the_api(client, open_world):
    for code in (open_world["receipt"], open_world["signature_code"]):
        api = client.get(f"/api/v1/verify/{code}").get_json()
        html = client.get(f"/verify/{code}").text
        assert code in html
        if api["type"] == "signature":
            assert api["withdrawn"] is True and api["signatory_name"] in html
        else:
            assert api["vote_status"] == "closed" and api["choice"] in html


def test_the_audit_head_is_the_public_records_newest_entry(client, open_world, ledger):
    head = client.get("/api/v1/audit/head").get_json()
    assert head["seq"] == ledger.audit_seq()
    assert head["hash"] == ledger.entries_since(head["seq"] - 1)[0].hash
