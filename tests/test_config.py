"""Configuration: modes, the production secret-key refusal, database URLs."""

from __future__ import annotations

import pytest

from network import create_app
from network.config import DEV_SECRET_KEY, ConfigurationError, normalise_database_url


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app("production")


@pytest.mark.parametrize("key", [DEV_SECRET_KEY, "short", "x" * 31])
def test_production_refuses_a_development_or_short_secret_key(monkeypatch, key):
    monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(ConfigurationError):
        create_app("production")


def test_an_unset_mode_means_production(monkeypatch):
    monkeypatch.delenv("NETWORK_ENV", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError):
        create_app()


def test_production_refuses_to_start_without_shared_rate_limit_counters(monkeypatch, tmp_path):
    # Counters in each process let guesses spread over the workers: Redis is required.
    monkeypatch.setenv("SECRET_KEY", "k" * 64)
    monkeypatch.setenv("BALLOT_KEY", "b" * 64)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite3'}")
    monkeypatch.setenv("PUBLIC_URL", "https://dwcn.example")
    monkeypatch.delenv("REDIS_URL", raising=False)
    with pytest.raises(ConfigurationError, match="REDIS_URL"):
        create_app("production")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/13")
    app = create_app("production")
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/13"
    assert app.config["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] is True


def test_production_refuses_to_start_without_its_own_ballot_key(monkeypatch, tmp_path):
    # The key that seals secret ballots is not the session key, nor the development one.
    monkeypatch.setenv("SECRET_KEY", "k" * 64)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite3'}")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/13")
    monkeypatch.setenv("PUBLIC_URL", "https://dwcn.example")
    for ballot_key in (None, "short", "k" * 64):
        if ballot_key is None:
            monkeypatch.delenv("BALLOT_KEY", raising=False)
        else:
            monkeypatch.setenv("BALLOT_KEY", ballot_key)
        with pytest.raises(ConfigurationError, match="BALLOT_KEY"):
            create_app("production")


def test_production_refuses_to_start_without_a_public_address(monkeypatch, tmp_path):
    # Links built from the request's Host header could point anywhere (an invitation
    # mailed as http://evil.example/invitations/...): the address is configured.
    monkeypatch.setenv("SECRET_KEY", "k" * 64)
    monkeypatch.setenv("BALLOT_KEY", "b" * 64)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite3'}")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/13")
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    with pytest.raises(ConfigurationError, match="PUBLIC_URL"):
        create_app("production")
    monkeypatch.setenv("PUBLIC_URL", "dwcn.example")  # no scheme: not an address
    with pytest.raises(ConfigurationError, match="PUBLIC_URL"):
        create_app("production")


def test_production_starts_with_a_real_key_and_secure_cookies(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "k" * 64)
    monkeypatch.setenv("BALLOT_KEY", "b" * 64)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/13")
    monkeypatch.setenv("PUBLIC_URL", "https://dwcn.example")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite3'}")
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    cookie = app.test_client().get("/login", base_url="https://dwcn.example").headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=")
    for attribute in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert attribute in cookie
    assert "Domain=" not in cookie


def test_unknown_mode_is_refused():
    with pytest.raises(ConfigurationError, match="NETWORK_ENV"):
        create_app("staging")


def test_environment_overrides_and_redis_feeds_the_limiter(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.example.org/network")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    monkeypatch.setenv("BABEL_DEFAULT_LOCALE", "ko")
    app = create_app("development")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example.org/network"
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/3"
    assert app.config["BABEL_DEFAULT_LOCALE"] == "ko"


def test_default_database_is_sqlite_in_instance(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app("development")
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    assert uri.startswith("sqlite:///") and uri.endswith("instance/network.sqlite3")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://a@h/d", "postgresql+psycopg://a@h/d"),
        ("postgresql://a@h/d", "postgresql+psycopg://a@h/d"),
        ("postgresql+psycopg://a@h/d", "postgresql+psycopg://a@h/d"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_urls_use_psycopg_3(given, expected):
    assert normalise_database_url(given) == expected


def test_the_page_cache_may_have_a_redis_of_its_own():
    from network.config import apply_environment

    config: dict = {}
    apply_environment(config, {"REDIS_URL": "redis://limits:6379/0"})
    assert config["CACHE_REDIS_URL"] == config["RATELIMIT_STORAGE_URI"] == "redis://limits:6379/0"
    apply_environment(
        config, {"REDIS_URL": "redis://limits:6379/0", "CACHE_REDIS_URL": "redis://pages:6379/1"}
    )
    assert config["CACHE_REDIS_URL"] == "redis://pages:6379/1"
    assert config["RATELIMIT_STORAGE_URI"] == "redis://limits:6379/0"
