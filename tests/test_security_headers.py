"""Security headers on every kind of answer."""

from __future__ import annotations

import pytest

from network import create_app
from network.db import db


@pytest.mark.parametrize(
    "url", ["/", "/cities/", "/login", "/api/v1/cities", "/no-such-page", "/static/css/site.css"]
)
def test_every_answer_carries_the_security_headers(client, url):
    with client.get(url) as response:
        headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in headers  # not over plain HTTP in tests


# Production requires Redis for its counters; none is reached by these requests.
SHARED_REDIS = "redis://127.0.0.1:6379/13"


def test_production_adds_hsts(database_url, database):
    settings = {"SECRET_KEY": "s" * 64, "DATABASE_URL": database_url, "REDIS_URL": SHARED_REDIS}
    settings["BALLOT_KEY"] = "b" * 64
    settings["PUBLIC_URL"] = "https://localhost"
    # No listening connection left open behind the test (on PostgreSQL).
    app = create_app("production", settings | {"POSTGRES_ANNOUNCEMENTS": False})
    response = app.test_client().get("/", base_url="https://localhost")
    with app.app_context():
        db.engine.dispose()
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
