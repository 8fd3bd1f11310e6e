"""Absolute links come from the configured public address, never the Host header (#18)."""

from __future__ import annotations

import re

import pytest

from tests.secretariat.test_accounts import INVITATION

PUBLIC = "https://dwcn.example"


@pytest.fixture
def public_address(app, monkeypatch):
    """Configure the public address as production does (derived from PUBLIC_URL)."""
    from network.config import derive_services

    settings = {"PUBLIC_URL": PUBLIC}
    derive_services(settings, {})
    for key, value in settings.items():
        monkeypatch.setitem(app.config, key, value)


# Every page that renders an absolute URL, and a few that don't.
ABSOLUTE = (
    "/api/v1/cities",
    "/api/v1/charter/versions",
    "/api/v1/elections",
    "/api/v1/resolutions",
    "/api/v1/declarations",
    "/resolutions/feed.atom",
    "/declarations/feed.atom",
)


@pytest.mark.parametrize(
    "host",
    ["evil.example", "dwcn.example.evil.example", "localhost", "dwcn.example@evil.example"],
)
def test_requests_for_another_host_are_refused(client, public_address, host):
    for path in ("/", "/login", "/account", *ABSOLUTE):
        assert client.get(path, headers={"Host": host}).status_code == 400, (host, path)
    forwarded = client.get(
        "/api/v1/cities", base_url=PUBLIC, headers={"X-Forwarded-Host": host}
    )  # not trusted without TRUST_PROXY_HOPS: the public address answers as itself
    assert forwarded.status_code == 200


def test_the_api_and_feeds_link_to_the_public_address(client, make, public_address):
    make.city("Seoul")
    city = client.get("/api/v1/cities/seoul", base_url=PUBLIC).get_json()
    assert city["url"] == f"{PUBLIC}/cities/seoul"
    for path in ABSOLUTE:
        text = client.get(path, base_url=PUBLIC).get_data(as_text=True)
        for link in re.findall(r'https?://[^"/<\s]+', text):
            assert link == PUBLIC or link.startswith(("http://www.w3.org", "https://www.")), (
                path,
                link,
            )
    for feed in ("/resolutions/feed.atom", "/declarations/feed.atom"):
        text = client.get(feed, base_url=PUBLIC).get_data(as_text=True)
        links = re.findall(r'(?:href="|<id>)([^"<]+)', text)
        assert links and all(link.startswith(PUBLIC + "/") for link in links), links


def test_the_invitation_link_is_the_public_address_whatever_the_host(
    app, make, as_user, monkeypatch
):
    make.city("Dakar", country="SN")
    officer = as_user(make.secretariat())
    response = officer.post("/secretariat/accounts/invite", data=INVITATION)
    assert response.status_code == 302
    # The address alone (no trusted-hosts refusal), asked for with another Host
    # (localhost): the link shown, to be mailed, still points at the public address.
    monkeypatch.setitem(app.config, "SERVER_NAME", "dwcn.example")
    page = officer.get(response.location, base_url="http://localhost")
    assert page.status_code == 200, (page.status_code, page.location)
    links = re.findall(r'value="https?://([^/"]+)/invitations/', page.get_data(as_text=True))
    assert links == ["dwcn.example"]
