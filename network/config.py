"""Configuration: a class per mode, then ``instance/config.py``, then the environment."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

DEV_SECRET_KEY = "dev-only-secret-key-do-not-use-in-production"
DEV_BALLOT_KEY = "dev-only-ballot-key-do-not-use-in-production"
LOCALES = ("en", "ko", "fr", "es")

# Keys read from the environment, when set, over the class and instance values.
ENVIRONMENT_KEYS = (
    "DATABASE_URL",
    "SECRET_KEY",
    "BALLOT_KEY",
    "REDIS_URL",
    "BABEL_DEFAULT_LOCALE",
    "PUBLIC_URL",
    "MAIL_BACKEND",
    "MAIL_SERVER",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_FROM",
    "MAIL_FILE_DIR",
    "UPLOAD_DIR",
)
# Mail settings read from the environment as a number or a yes/no.
ENVIRONMENT_NUMBERS = ("MAIL_PORT", "MAIL_TIMEOUT")
ENVIRONMENT_SWITCHES = ("MAIL_USE_TLS", "MAIL_USE_STARTTLS")


class ConfigurationError(RuntimeError):
    """The configuration cannot run safely in this mode."""


def normalise_database_url(url: str) -> str:
    """Point a bare ``postgres://`` or ``postgresql://`` URL at the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class BaseConfig:
    """Settings shared by every mode."""

    ENV_NAME = "base"
    SECRET_KEY = DEV_SECRET_KEY
    # Seals secret ballots while their vote is open (votes/sealing.py). Kept outside the
    # database, apart from SECRET_KEY: whoever holds the database without it cannot
    # tell how any city voted in a secret vote. Production requires a real one.
    BALLOT_KEY = DEV_BALLOT_KEY
    DATABASE_URL: str | None = None  # SQLite in instance/ when unset
    REDIS_URL: str | None = None
    # Whom to tell about a security problem (/.well-known/security.txt, SECURITY.md).
    SECURITY_CONTACT = "mailto:security@dwcn.example.org"
    # The site's public address (https://dwcn.example): every absolute link (invitation
    # mails, feeds, the API's urls) is built from it, never from the request's Host
    # header, and requests for any other host are refused (400). Required in production.
    PUBLIC_URL: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}
    # One held lock or one runaway query must not stall every worker: a statement waits
    # at most this long for a lock, and runs at most this long, then the request gets a
    # 503 with Retry-After. Both well under gunicorn's 30 s worker timeout.
    DATABASE_LOCK_TIMEOUT = timedelta(seconds=5)
    DATABASE_STATEMENT_TIMEOUT = timedelta(seconds=20)

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = LOCALES

    # Sessions: no remember-me cookie; the session cookie is HttpOnly and SameSite.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)  # absolute: log in again after 8 hours
    IDLE_TIMEOUT = timedelta(minutes=30)
    REMEMBER_COOKIE_DURATION = timedelta(seconds=0)

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = 3600 * 8
    MAX_CONTENT_LENGTH = 1024 * 1024
    # Meeting papers (network/meetings/papers.py, docs/operations.md "Uploads"): at most
    # 20 MB (decimal), so file and form fit in nginx's client_max_body_size of 20m
    # (MiB); kept in UPLOAD_DIR (instance/uploads when unset), or in UPLOAD_STORAGE, an
    # object with put/open/delete (network/common/storage.py) set in instance/config.py.
    PAPER_MAX_SIZE = 20 * 1000 * 1000
    # A practice's documents (network/practices/documents.py), in the same store.
    PRACTICE_DOCUMENT_MAX_SIZE = 20 * 1000 * 1000
    UPLOAD_DIR: str | None = None
    UPLOAD_STORAGE: Any = None
    # The complete archive's PDFs (network/documents/archive.py): of each kind at most
    # this many, of at most this many lines (a register's signatories) each, none made
    # after this many seconds (the archive is built in a request: gunicorn's timeout is
    # 30 s); the others are listed with their address. ARCHIVE_PDFS = False: none.
    ARCHIVE_PDFS = True
    ARCHIVE_PDF_MAX_DOCUMENTS = 50
    ARCHIVE_PDF_MAX_ROWS = 200
    ARCHIVE_PDF_SECONDS = 15

    # Invitations are good for seven days (issue #2); passwords follow ASVS 2.1.
    INVITATION_MAX_AGE = timedelta(days=7)
    PASSWORD_MIN_LENGTH = 12
    PASSWORD_MAX_LENGTH = 128
    # argon2-cffi's RFC 9106 "low memory" profile.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536
    ARGON2_PARALLELISM = 4

    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # A moving window counts the attempts of the last minute (or hour), whenever they
    # came: a fixed window would let twice the limit through across its boundary, and
    # would forget five failed logins made at 11:59:58 two seconds later.
    RATELIMIT_STRATEGY = "moving-window"
    # When Redis is lost, Flask-Limiter counts in each process until it answers again
    # (checked with backoff), so logins and the API keep working and stay throttled;
    # /health/ready says "degraded" meanwhile.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # Failed logins. Guessing one account's password from one address backs off (5 a
    # minute, 10 in 15 minutes, 20 a day); an address trying many accounts is stopped
    # at 30 in 15 minutes. Failures from elsewhere do not lock a delegate out: an
    # account's own limit is high, a brake on guessing spread over many addresses
    # (reaching it takes ten addresses, each at its own pair's limit).
    LOGIN_LIMIT_PER_ADDRESS = "30 per 15 minutes"
    LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS = "5 per minute; 10 per 15 minutes; 20 per day"
    LOGIN_LIMIT_PER_ACCOUNT = "100 per hour"
    SIGN_PASSWORD_LIMIT = "5 per 15 minutes"  # failed password re-entries when signing
    REAUTH_LIMIT = "5 per 15 minutes"  # failed password re-entries for sensitive actions
    TWO_FACTOR_LIMIT = "5 per 15 minutes"  # failed authentication codes per account
    API_RATE_LIMIT = "600 per minute"

    # Second factor (TOTP, RFC 6238): required for these roles, offered to the others.
    TWO_FACTOR_REQUIRED_ROLES = ("secretariat",)
    TWO_FACTOR_ISSUER = "Decent Work City Network"
    # Between the password and the code, the half-logged-in state lasts this long.
    TWO_FACTOR_PENDING_AGE = timedelta(minutes=5)
    RECOVERY_CODE_COUNT = 10

    # Number of reverse proxies whose X-Forwarded-* headers are trusted; 0 trusts none.
    TRUST_PROXY_HOPS = 0

    # Rendered public pages are kept for anonymous visitors, keyed by the audit head
    # (network/common/conditional.py), so any change of state invalidates them at once.
    # PUBLIC_CACHE=0 in the environment switches the cache off (ETags stay).
    PUBLIC_CACHE = True
    CACHE_TYPE = "SimpleCache"  # RedisCache, shared by every process, when REDIS_URL is set
    CACHE_DEFAULT_TIMEOUT = 3600
    CACHE_THRESHOLD = 2000  # SimpleCache: entries kept per process
    CACHE_KEY_PREFIX = "dwcn:"
    # Without Redis, on PostgreSQL, each process listens (LISTEN, one connection of its
    # own) for the state after every change, so reads need no query to validate a page.
    POSTGRES_ANNOUNCEMENTS = True

    # Mail (network/notices, docs/operations.md "Mail"). Notices are written to the
    # outbox in the transaction of the change that causes them; ``flask network deliver``
    # sends them. "file" writes each message as an .eml file in MAIL_FILE_DIR
    # (instance/mail/ when unset), so the site works with no mail server; "smtp" sends
    # through MAIL_SERVER: implicit TLS (MAIL_USE_TLS, port 465) or STARTTLS
    # (MAIL_USE_STARTTLS, port 587), with MAIL_USERNAME and MAIL_PASSWORD when set.
    MAIL_BACKEND = "file"
    MAIL_FILE_DIR: str | None = None
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_STARTTLS = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_FROM = "Decent Work City Network <no-reply@dwcn.example.org>"
    MAIL_TIMEOUT = 30  # seconds for each step of the SMTP conversation
    # A failed attempt (a 4xx answer, or an outcome unknown) is tried again after
    # MAIL_RETRY_BASE, doubling each time up to MAIL_RETRY_CAP, MAIL_MAX_ATTEMPTS in all;
    # then, or at once on a 5xx answer, the message is marked failed with the reason.
    MAIL_MAX_ATTEMPTS = 10
    MAIL_RETRY_BASE = timedelta(minutes=1)
    MAIL_RETRY_CAP = timedelta(hours=4)
    # A message claimed by a sender that then died is found in "sending" and sent again,
    # with its one Message-ID, once this long has passed since the claim.
    MAIL_LEASE = timedelta(minutes=10)
    MAIL_BATCH_SIZE = 100
    # After a request that queued mail, send it at once from the request (development:
    # no sender to run). Elsewhere ``flask network deliver`` does it.
    MAIL_DELIVER_AFTER_REQUEST = False
    # Where links in mail point when PUBLIC_URL is unset (development and tests only:
    # production requires PUBLIC_URL). Never the request's Host header.
    MAIL_LINK_FALLBACK = "http://127.0.0.1:5000"
    # Self-service password reset: a link good for this long, once.
    PASSWORD_RESET_MAX_AGE = timedelta(hours=1)
    PASSWORD_RESET_LIMIT_PER_ADDRESS = "10 per 15 minutes"
    PASSWORD_RESET_LIMIT_PER_ACCOUNT = "3 per hour"

    DIRECTORY_PER_PAGE = 25
    # An unseconded motion lapses after this long.
    MOTION_SECONDING_PERIOD = timedelta(days=14)

    # The rules that govern until a charter is in force (SPEC "Founding rules").
    FOUNDING_RULES = {
        "quorum": "1/2",
        "ordinary": "simple",
        "amendment": "two-thirds",
        "admission": "two-thirds",
        "suspension": "two-thirds",
        "chair_election": "absolute-runoff",
        "chair_term_years": 2,
        # Proxies at meetings: allowed, at most one held per city.
        "proxies_allowed": True,
        "proxies_per_city": 1,
    }


class DevelopmentConfig(BaseConfig):
    """Local development: SQLite in instance/, demo data allowed."""

    ENV_NAME = "development"
    MAIL_DELIVER_AFTER_REQUEST = True


class TestingConfig(BaseConfig):
    """The test suite: cheap password hashing; CSRF off unless a test turns it on.

    Rate limiting stays configured (so Flask-Limiter installs its hooks); the test
    suite switches it off and on per test.
    """

    ENV_NAME = "testing"
    TESTING = True
    WTF_CSRF_ENABLED = False
    PUBLIC_CACHE = False  # the tests of the cache switch it on
    # Each app would hold a listening connection: hundreds of apps would exhaust
    # PostgreSQL's connections. The tests of the announcements switch it on.
    POSTGRES_ANNOUNCEMENTS = False
    # Tests travel in time to see votes close and motions lapse; the idle-timeout test
    # sets the real 30 minutes back.
    IDLE_TIMEOUT = timedelta(days=60)
    PERMANENT_SESSION_LIFETIME = timedelta(days=60)
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 64
    ARGON2_PARALLELISM = 1
    SERVER_NAME = "localhost"
    MAIL_LINK_FALLBACK = "http://localhost"
    # The tests of the sender point it at an aiosmtpd server of their own.
    MAIL_BACKEND = "smtp"
    MAIL_SERVER = "127.0.0.1"
    MAIL_TIMEOUT = 5


class ProductionConfig(BaseConfig):
    """Production: a real SECRET_KEY is required and cookies are Secure."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    # The __Host- prefix makes browsers refuse the cookie unless it is Secure, set by
    # this host itself for the whole site: no subdomain can plant or read it.
    SESSION_COOKIE_NAME = "__Host-session"
    PREFERRED_URL_SCHEME = "https"
    # Configure MAIL_SERVER, MAIL_PORT, MAIL_USE_TLS or MAIL_USE_STARTTLS, MAIL_USERNAME,
    # MAIL_PASSWORD and MAIL_FROM (docs/operations.md "Mail").
    MAIL_BACKEND = "smtp"
    MAIL_USE_STARTTLS = True
    MAIL_PORT = 587


CONFIGS: dict[str, type[BaseConfig]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_class_for(name: str | None) -> type[BaseConfig]:
    """Return the configuration class for a mode name (``NETWORK_ENV``).

    An unset mode means production, so a forgotten variable fails safe.
    """
    name = (name or "production").strip().lower()
    try:
        return CONFIGS[name]
    except KeyError:
        raise ConfigurationError(
            f"NETWORK_ENV={name!r} is not one of {', '.join(sorted(CONFIGS))}"
        ) from None


def apply_environment(config: dict[str, Any], environ: os._Environ[str] | dict[str, str]) -> None:
    """Overlay the environment on ``config`` and derive the dependent settings."""
    for key in ENVIRONMENT_KEYS:
        if environ.get(key):
            config[key] = environ[key]
    for key in ENVIRONMENT_NUMBERS:
        if environ.get(key):
            config[key] = int(environ[key])
    for key in ENVIRONMENT_SWITCHES:
        if environ.get(key):
            config[key] = environ[key].strip().lower() in {"1", "true", "yes"}
    if environ.get("TRUST_PROXY_HOPS"):
        config["TRUST_PROXY_HOPS"] = int(environ["TRUST_PROXY_HOPS"])
    if environ.get("PUBLIC_CACHE"):
        config["PUBLIC_CACHE"] = environ["PUBLIC_CACHE"].strip().lower() in {"1", "true", "yes"}
    derive_services(config, environ)


def derive_services(config: dict[str, Any], environ: os._Environ[str] | dict[str, str]) -> None:
    """Derive the settings that follow from PUBLIC_URL and REDIS_URL.

    PUBLIC_URL gives Flask's SERVER_NAME (absolute links are built with it, whatever
    Host a request came with) and TRUSTED_HOSTS (other hosts are refused).
    REDIS_URL points the rate-limit counters and the page cache at Redis.
    """
    if config.get("PUBLIC_URL"):
        address = urlsplit(config["PUBLIC_URL"])
        if address.scheme not in {"http", "https"} or not address.hostname:
            raise ConfigurationError(
                f"PUBLIC_URL={config['PUBLIC_URL']!r} is not an address such as "
                "https://dwcn.example"
            )
        config["SERVER_NAME"] = address.netloc
        config["PREFERRED_URL_SCHEME"] = address.scheme
        config["TRUSTED_HOSTS"] = [address.hostname]
    if config.get("REDIS_URL"):
        config["RATELIMIT_STORAGE_URI"] = config["REDIS_URL"]
        config["CACHE_TYPE"] = "RedisCache"
        # The page cache may live in a Redis of its own (CACHE_REDIS_URL), with a memory
        # cap, apart from the rate-limit counters.
        config["CACHE_REDIS_URL"] = environ.get("CACHE_REDIS_URL") or config["REDIS_URL"]


def check_production(config: dict[str, Any]) -> None:
    """Refuse settings that are unsafe in production.

    :raises ConfigurationError: when the secret key is the development one or too short,
        when no public address is configured, or no Redis for the rate-limit counters.
    """
    key = config.get("SECRET_KEY") or ""
    if key == DEV_SECRET_KEY or len(key) < 32:
        raise ConfigurationError(
            "Production needs a real SECRET_KEY (at least 32 random characters), "
            "e.g. SECRET_KEY=\"$(python -c 'import secrets; print(secrets.token_hex(32))')\""
        )
    ballot_key = config.get("BALLOT_KEY") or ""
    if ballot_key == DEV_BALLOT_KEY or len(ballot_key) < 32 or ballot_key == key:
        raise ConfigurationError(
            "Production needs a real BALLOT_KEY, not the SECRET_KEY (at least 32 random "
            "characters): it seals secret ballots while their vote is open. Keep it out of "
            "the database's backups, and keep it: the ballots of an open vote cannot be "
            "counted without it."
        )
    if not config.get("PUBLIC_URL"):
        raise ConfigurationError(
            "Production needs PUBLIC_URL, the site's public address (e.g. "
            "https://dwcn.example): links are built from it, and requests for other "
            "hosts refused, never trusting the Host header."
        )
    limits_per_process = not config.get("REDIS_URL") or config.get(
        "RATELIMIT_STORAGE_URI", ""
    ).startswith("memory://")
    if config.get("RATELIMIT_ENABLED", True) and limits_per_process:
        # Counters in each process would let an attacker spread guesses over the
        # workers and servers: 16 failed logins passed before a 429 in a test.
        raise ConfigurationError(
            "Production needs REDIS_URL (e.g. redis://127.0.0.1:6379/0): the rate-limit "
            "counters for logins and the API must be shared by every process."
        )
