"""The declarative base, the shared column types and the ``db`` extension object."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Alembic autogenerate and the database agree on constraint names only when
# every constraint has one; this convention names them all.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timestamp stored as naive UTC and always read back timezone-aware.

    SQLite keeps no zone and PostgreSQL's ``timestamptz`` hands back the session's
    zone; storing naive UTC and re-attaching UTC on the way out makes both
    databases return the same value, which the audit hash relies on.
    """

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        """Convert an aware datetime to naive UTC; refuse a naive one."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        """Attach UTC to the stored naive value."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Base class of every model."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(
    model_class=Base,
    # Only matters when the session is bound to a connection that is already in a
    # transaction (the test suite does this): commits then release a savepoint.
    session_options={"join_transaction_mode": "create_savepoint"},
)


@sa.event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record) -> None:  # noqa: ANN001
    """Turn on foreign keys and let SQLAlchemy, not pysqlite, manage transactions."""
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    # pysqlite's own transaction handling breaks SAVEPOINT; the SQLAlchemy
    # documentation's recipe hands BEGIN to SQLAlchemy (see _begin_sqlite).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def violates(error: sa.exc.IntegrityError, constraint: str) -> bool:
    """Tell whether ``error`` is the violation of this one named constraint, and no other.

    A service maps only its own rule's violation (one ballot per city, one signature
    per city) to its answer; any other integrity error (a primary key taken after a
    restore, say) is a fault, not "already done". PostgreSQL names the constraint
    (psycopg's ``diag.constraint_name``); SQLite names its columns ("UNIQUE constraint
    failed: signatures.declaration_id, signatures.city_id"), compared with the
    constraint's own in the models' metadata.
    """
    diagnosis = getattr(error.orig, "diag", None)
    if diagnosis is not None:
        return diagnosis.constraint_name == constraint
    for table in db.metadata.tables.values():
        for item in table.constraints:
            if item.name == constraint:
                columns = ", ".join(f"{table.name}.{column.name}" for column in item.columns)
                return str(error.orig) == f"UNIQUE constraint failed: {columns}"
    return False


def limit_waits(engine: Engine, lock_timeout: timedelta, statement_timeout: timedelta) -> None:
    """Bound how long a statement may wait for a lock, and run, on this engine's connections.

    One held lock must not stall every worker until gunicorn kills them: past the
    limit the database cancels the statement and the request answers 503 (see
    ``common.errors``). PostgreSQL has both limits; SQLite only waits for its one
    writer's lock (the busy timeout).
    """
    lock_ms = int(lock_timeout.total_seconds() * 1000)
    statement_ms = int(statement_timeout.total_seconds() * 1000)

    @sa.event.listens_for(engine, "connect")
    def _set_limits(dbapi_connection, connection_record) -> None:  # noqa: ANN001
        if engine.dialect.name == "sqlite":
            cursor = dbapi_connection.cursor()
            cursor.execute(f"PRAGMA busy_timeout={lock_ms}")
            cursor.close()
            return
        if engine.dialect.name != "postgresql":
            return
        # SET outside a transaction, so that it lasts the connection's life (the
        # SQLAlchemy documentation's recipe for session settings on connect).
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET lock_timeout = {lock_ms}")
            cursor.execute(f"SET statement_timeout = {statement_ms}")
        dbapi_connection.autocommit = autocommit


def run_alone(name: str) -> bool:
    """Take the lock called ``name`` for this transaction; tell whether it was free.

    Scheduled work (the tick, the mail sender's claim) runs on every app server, and
    must do its work once whatever their number: the first to ask gets PostgreSQL's
    transaction-level advisory lock and the others are told to stand aside. The lock
    goes with the commit or the rollback, and with the connection if the process dies,
    so a crashed tick never leaves the schedule stuck. SQLite serves one server only
    (docs/operations.md), and its single writer's lock already orders the writers.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        return True
    key = zlib.crc32(f"network:{name}".encode())
    return bool(db.session.scalar(sa.text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": key}))


@sa.event.listens_for(Engine, "begin")
def _begin_sqlite(conn: sa.Connection) -> None:
    """Emit BEGIN ourselves on SQLite (see _configure_sqlite)."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN")


def str_enum(enum_class: type, name: str) -> sa.Enum:
    """Store a ``StrEnum`` as its values in a VARCHAR with a CHECK constraint.

    :param name: names the CHECK constraint (``ck_<table>_<name>``); unique per table.
    """
    return sa.Enum(
        enum_class,
        name=name,
        native_enum=False,
        length=32,
        create_constraint=True,
        validate_strings=True,
        values_callable=lambda members: [member.value for member in members],
    )
