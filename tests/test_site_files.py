"""robots.txt, sitemap.xml and security.txt: what crawlers and security researchers read (#17)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

from network.cities.models import MembershipStatus

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_robots_keep_crawlers_out_of_personal_pages_and_point_to_the_sitemap(client):
    answer = client.get("/robots.txt")
    assert answer.status_code == 200 and answer.mimetype == "text/plain"
    lines = answer.get_data(as_text=True).splitlines()
    assert lines[0] == "User-agent: *"
    for path in ("/account", "/login", "/secretariat/", "/invitations/"):
        assert f"Disallow: {path}" in lines
    assert "Sitemap: http://localhost/sitemap.xml" in lines


def test_the_sitemap_lists_every_public_record_and_no_personal_page(client, make):
    make.city("Seoul")
    make.city("Setagaya", country="JP", status=MembershipStatus.applicant)
    answer = client.get("/sitemap.xml")
    assert answer.status_code == 200 and answer.mimetype == "application/xml"
    root = ET.fromstring(answer.get_data())
    assert root.tag == f"{SITEMAP}urlset"
    pages = [loc.text for loc in root.iter(f"{SITEMAP}loc")]
    assert len(pages) == len(set(pages))
    for page in (
        "http://localhost/",
        "http://localhost/cities/",
        "http://localhost/cities/seoul",
        "http://localhost/cities/setagaya",
        "http://localhost/declarations/",
        "http://localhost/open-data",
    ):
        assert page in pages, page
    assert all(page.startswith("http://localhost/") for page in pages)
    assert not any("/secretariat" in page or "/account" in page for page in pages)


def test_security_txt_says_whom_to_tell_until_when(client):
    answer = client.get("/.well-known/security.txt")
    assert answer.status_code == 200 and answer.mimetype == "text/plain"
    fields = dict(line.split(": ", 1) for line in answer.get_data(as_text=True).splitlines())
    assert fields["Contact"] == "mailto:security@dwcn.example.org"
    assert fields["Canonical"] == "http://localhost/.well-known/security.txt"
    expires = datetime.fromisoformat(fields["Expires"])
    assert timedelta(days=300) < expires - datetime.now(UTC) <= timedelta(days=366)
