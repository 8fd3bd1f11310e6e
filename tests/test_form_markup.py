"""Form fields carry ARIA attributes only when they mean something."""

from __future__ import annotations

import pytest


def test_no_field_says_none(client):
    assert '="None"' not in client.get("/login").get_data(as_text=True)


@pytest.mark.parametrize("url", ["/secretariat/accounts/invite", "/secretariat/cities/new"])
def test_fields_point_at_their_help_and_nothing_else(client, make, login_as, url):
    login_as(make.secretariat())
    html = client.get(url).get_data(as_text=True)
    assert '="None"' not in html
    assert 'aria-describedby="' in html


def test_an_invalid_field_points_at_its_error(client):
    html = client.post("/login", data={"email": "", "password": ""}).get_data(as_text=True)
    assert 'aria-invalid="true"' in html and 'aria-describedby="email-error"' in html
