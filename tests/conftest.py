"""Fixtures: the app on a migrated database, a rolled-back transaction per test, factories.

The schema comes from the migrations (``flask db upgrade``) once per run, on SQLite
in a temporary file, or on PostgreSQL when ``TEST_DATABASE_URL`` is set (in a schema
of its own that is dropped afterwards). Each test runs inside an outer transaction
that is rolled back; the app's commits only release savepoints.
"""

from __future__ import annotations

import contextlib
import os
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pyotp
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade

from network import create_app
from network.audit.models import AuditEntry, AuditHead
from network.audit.services import record
from network.auth.models import Role, User
from network.auth.passwords import hash_password
from network.cities.models import City, CityText, MembershipChange, MembershipStatus, Region
from network.cities.rules import name_key
from network.db import db

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
PASSWORD = "correct horse battery"


def on_postgres() -> bool:
    """Tell whether this run uses PostgreSQL."""
    return bool(TEST_DATABASE_URL)


@contextlib.contextmanager
def recorded_statements() -> Iterator[list[str]]:
    """Record the SQL statements any engine runs meanwhile (savepoints and rollbacks aside)."""
    seen: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            seen.append(statement)

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", before)


def statements_during(request: Callable[[], Any]) -> tuple[int, Any]:
    """Return how many statements ``request()`` ran, reading its whole answer, and the answer."""
    with recorded_statements() as seen:
        response = request()
        response.get_data()  # a streamed answer runs its query while it is read
    return len(seen), response


def make_database_url(tmp_dir: Any, name: str) -> tuple[str, Callable[[], None]]:
    """Return a fresh empty database URL and a function that drops it."""
    if not TEST_DATABASE_URL:
        return f"sqlite:///{tmp_dir / (name + '.sqlite3')}", lambda: None
    from network.config import normalise_database_url

    base = normalise_database_url(TEST_DATABASE_URL)
    schema = f"{name}_{uuid.uuid4().hex[:8]}"
    # No pool: each use opens and closes its own connection, so none is left open for
    # the garbage collector to find (a ResourceWarning, an error under this suite).
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in base else "?"
    url = f"{base}{separator}options=-csearch_path%3D{schema}"

    def drop() -> None:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()

    return url, drop


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url, drop = make_database_url(tmp_path_factory.mktemp("db"), "dwcn_test")
    yield url
    drop()


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    # Built archives go to a folder of the run's, not the working tree's instance/.
    archives = str(tmp_path_factory.mktemp("archives"))
    uploads = str(tmp_path_factory.mktemp("uploads"))  # meeting papers, likewise
    application = create_app(
        "testing",
        {"DATABASE_URL": database_url, "ARCHIVE_DIR": archives, "UPLOAD_DIR": uploads},
    )
    with application.app_context():
        upgrade()
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def database(app: Flask) -> Iterator[sa.Connection]:
    """Run the test inside one outer transaction that is rolled back at the end."""
    engines = db._app_engines[app]  # noqa: SLF001 - Flask-SQLAlchemy keeps engines per app
    engine = engines[None]
    connection = engine.connect()
    transaction = connection.begin()
    engines[None] = connection  # type: ignore[assignment]
    try:
        yield connection
    finally:
        engines[None] = engine
        transaction.rollback()
        connection.close()


@pytest.fixture
def client(app: Flask, database: sa.Connection) -> FlaskClient:
    return app.test_client()


@dataclass
class Factory:
    """Make rows for a test directly: set-up, not behaviour.

    A city gets its ``city.created`` entry, as the demo's and the services' cities do,
    so that ``flask audit verify`` finds the record as the log says; accounts, which
    the verification does not cover, get none.
    """

    app: Flask

    def city(
        self,
        name: str = "Seoul",
        *,
        slug: str | None = None,
        country: str = "KR",
        region: Region = Region.asia_pacific,
        status: MembershipStatus = MembershipStatus.member,
        names: dict[str, str] | None = None,
        joined_on: date | None = date(2018, 12, 12),
    ) -> City:
        with self.app.app_context():
            city = City(
                slug=slug or re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-"),
                name=name,
                name_key=name_key(name),
                country=country,
                region=region,
                status=status,
                joined_on=joined_on if status is not MembershipStatus.applicant else None,
            )
            for language, local in (names or {}).items():
                city.texts[language] = CityText(language=language, name=local)
            db.session.add(city)
            db.session.add(
                MembershipChange(
                    city=city,
                    from_status=None,
                    to_status=status,
                    effective_on=joined_on or date(2018, 12, 11),
                    reason="test set-up",
                    recorded_at=datetime(2018, 12, 12, tzinfo=UTC),
                )
            )
            db.session.flush()
            record(
                "city.created",
                subject=("city", city.slug),
                actor=None,
                now=datetime.now(UTC),
                data={"status": status.value, "set_up_by": "test"},
            )
            db.session.commit()
            db.session.refresh(city)
            db.session.expunge(city)
            return city

    def user(
        self,
        role: Role = Role.delegate,
        *,
        city: City | None = None,
        email: str | None = None,
        name: str | None = None,
        signing_authority: bool = False,
        password: str | None = PASSWORD,
        active: bool = True,
        two_factor: bool | None = None,
    ) -> User:
        """Make an account; secretariat accounts have a second factor unless told otherwise."""
        if two_factor is None:
            two_factor = role is Role.secretariat
        with self.app.app_context():
            user = User(
                email=email or f"{role.value}-{uuid.uuid4().hex[:8]}@example.org",
                name=name or f"Test {role.value.title()}",
                role=role,
                city_id=city.id if city else None,
                signing_authority=signing_authority,
                password_hash=hash_password(password) if password else None,
                active=active,
                totp_secret=pyotp.random_base32(32) if two_factor else None,
                totp_enabled_at=datetime(2018, 12, 1, tzinfo=UTC) if two_factor else None,
            )
            db.session.add(user)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    def delegate(self, city: City, **kwargs: Any) -> User:
        return self.user(Role.delegate, city=city, **kwargs)

    def secretariat(self, **kwargs: Any) -> User:
        return self.user(Role.secretariat, **kwargs)

    def observer(self, **kwargs: Any) -> User:
        return self.user(Role.observer, **kwargs)


@pytest.fixture
def make(app: Flask, database: sa.Connection) -> Factory:
    return Factory(app)


def log_in(
    client: FlaskClient, email: str, password: str = PASSWORD, *, secret: str | None = None
) -> Any:
    """Log in through the forms as a person would: the password, then a code if asked.

    ``secret`` is the account's authenticator key. A code is accepted once, so before
    typing one the test lets the authenticator "move on" (forgets the last step used):
    tests log the same person in several times within 30 seconds.
    """
    response = client.post("/login", data={"email": email, "password": password})
    if response.status_code == 302 and response.location.endswith("/login/verify"):
        assert secret, f"{email} has two-factor authentication on: pass its key"
        with client.application.app_context():
            db.session.execute(
                sa.update(User).where(User.email == email).values(totp_last_step=None)
            )
            db.session.commit()
        response = client.post("/login/verify", data={"code": pyotp.TOTP(secret).now()})
    return response


@pytest.fixture
def login_as(client: FlaskClient) -> Callable[[User], FlaskClient]:
    """Log a user in through the login form, as a person would."""

    def login(user: User, password: str = PASSWORD) -> FlaskClient:
        response = log_in(client, user.email, password, secret=user.totp_secret)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return login


@dataclass
class Ledger:
    """Counts that show whether a request wrote anything."""

    app: Flask

    def audit_seq(self) -> int:
        with self.app.app_context():
            return db.session.scalar(sa.select(AuditHead.seq))

    def count(self, model: type) -> int:
        with self.app.app_context():
            return db.session.scalar(sa.select(sa.func.count()).select_from(model))

    def snapshot(self) -> dict[str, int]:
        return {
            "audit": self.audit_seq(),
            "cities": self.count(City),
            "texts": self.count(CityText),
            "history": self.count(MembershipChange),
            "users": self.count(User),
        }

    def entries_since(self, seq: int) -> list[AuditEntry]:
        with self.app.app_context():
            entries = list(
                db.session.scalars(
                    sa.select(AuditEntry).where(AuditEntry.seq > seq).order_by(AuditEntry.seq)
                )
            )
            for entry in entries:
                db.session.expunge(entry)
            return entries


@pytest.fixture
def ledger(app: Flask, database: sa.Connection) -> Ledger:
    return Ledger(app)


@pytest.fixture(autouse=True)
def _rate_limits_off() -> Iterator[None]:
    """Keep rate limits off unless a test asks for them.

    Flask-Limiter keeps "enabled" and its storage on its one module-level instance,
    so any app built in this process (test_config builds several) would switch it on
    for all; each test starts from off.
    """
    from network.extensions import limiter

    limiter.enabled = False
    yield
    limiter.enabled = False


@pytest.fixture
def rate_limits(app: Flask) -> Iterator[None]:
    """Turn the configured rate limits on, with fresh in-memory counters."""
    from network.extensions import limiter

    limiter.init_app(app)  # back to this app's storage; its hooks are installed already
    limiter.reset()
    limiter.enabled = True
    yield
    limiter.reset()
    limiter.enabled = False


@pytest.fixture
def as_user(app: Flask, database: sa.Connection) -> Callable[[User], FlaskClient]:
    """Return a fresh client logged in as ``user`` (several people can act in one test)."""

    def client_for(user: User, password: str = PASSWORD) -> FlaskClient:
        new_client = app.test_client()
        response = log_in(new_client, user.email, password, secret=user.totp_secret)
        assert response.status_code == 302, response.get_data(as_text=True)
        return new_client

    return client_for


@pytest.fixture
def committed_app(tmp_path: Any) -> Iterator[Flask]:
    """An app on a database of its own where requests really commit (concurrency tests)."""
    url, drop = make_database_url(tmp_path, "dwcn_concurrency")
    application = create_app(
        "testing", {"DATABASE_URL": url, "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 24}}
    )
    with application.app_context():
        upgrade()
    yield application
    with application.app_context():
        db.engine.dispose()
    drop()
