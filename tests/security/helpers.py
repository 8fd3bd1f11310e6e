"""Shared by the security tests: a fingerprint of the whole database, the audit checks."""

from __future__ import annotations

import hashlib
from html.parser import HTMLParser

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from network.db import db


def fingerprint(connection: sa.Connection) -> str:
    """Hash every row of every table, so any insert, update or delete shows."""
    digest = hashlib.sha256()
    for table in db.metadata.sorted_tables:
        rows = connection.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
        digest.update(table.name.encode())
        digest.update(repr(rows).encode())
    return digest.hexdigest()


def row_counts(connection: sa.Connection) -> dict[str, int]:
    """Count the rows of every table."""
    return {
        table.name: connection.scalar(sa.select(sa.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def audit_is_sound(app: Flask) -> list[str]:
    """Return what is wrong with the audit log (broken chain, records unlike their entries)."""
    from network.audit.queries import check_chain
    from network.audit.verification import run_checks

    with app.app_context():
        report = check_chain()
        problems = run_checks()[1]
        if not report.intact:
            problems.append(f"chain broken at #{report.broken_at}: {report.reason}")
        db.session.remove()
    return problems


def shows_a_message(html: str) -> bool:
    """Tell whether a page explains a refusal: a field error, an error flash or an error page."""
    return any(
        marker in html
        for marker in ('class="error"', "flash-error", 'role="alert"', 'class="error-code"')
    )


class FormFinder(HTMLParser):
    """Collect each POST form of a page: its action and its fields with their offered values."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str | None, dict[str, list[str]]]] = []
        self._fields: dict[str, list[str]] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form":
            if (found.get("method") or "get").lower() == "post":
                self._fields = {}
                self.forms.append((found.get("action"), self._fields))
            else:
                self._fields = None
        elif self._fields is not None and tag in ("input", "select", "textarea"):
            name = found.get("name")
            if name and name != "csrf_token":
                self._fields.setdefault(name, [])
                if found.get("value"):
                    self._fields[name].append(found["value"] or "")
                self._select = name if tag == "select" else None
        elif tag == "option" and self._select and self._fields is not None:
            self._fields[self._select].append(found.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None


class Rollback:
    """Run a block inside a savepoint that is rolled back, and put clients' cookies back.

    The block's requests commit only up to this savepoint, so the next block starts
    from the same state; a client logged out or re-logged in by the block gets its
    session cookie back.
    """

    def __init__(self, connection: sa.Connection, *clients: FlaskClient) -> None:
        self.connection, self.clients = connection, clients

    def __enter__(self) -> Rollback:
        self.savepoint = self.connection.begin_nested()
        self.cookies = [client.get_cookie("session") for client in self.clients]
        return self

    def __exit__(self, *exc: object) -> None:
        self.savepoint.rollback()
        for client, cookie in zip(self.clients, self.cookies, strict=True):
            if cookie is None:
                client.delete_cookie("session")
            else:
                client.set_cookie("session", cookie.value)


class Writes:
    """Collect the INSERT, UPDATE and DELETE statements run on a connection in a block."""

    def __init__(self, connection: sa.Connection) -> None:
        self.connection = connection
        self.statements: list[str] = []

    def _before(self, conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001, PLR0913
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            self.statements.append(statement)

    def __enter__(self) -> Writes:
        sa.event.listen(self.connection, "before_cursor_execute", self._before)
        return self

    def __exit__(self, *exc: object) -> None:
        sa.event.remove(self.connection, "before_cursor_execute", self._before)
