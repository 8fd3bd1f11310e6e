"""Verification of the record against the audit log: the checks each domain registers.

The chain (``queries.check_chain``) proves that no entry was altered, removed or
reordered. That is not enough: the records themselves (a ballot, a signature, a
city's status) live in their own tables, and an edit there leaves the chain intact.
So each domain registers checks that recompute its records from what the entries
say: every record has the entry that made it, every entry's record is still there,
and each record equals the state its latest entry carries. A vote's check counts its
ballots again.

The audit package stays at the bottom: it imports no domain. Domains register their
checks here (``@check("what it checks")`` in their ``verify.py``), and the app factory
imports those modules, as vote subjects are registered with the vote engine.

A check is a function that yields one line per problem, naming the record, e.g.
``"signature 7KQ2-M9XD-4TPA-WRHN of seoul on seoul-declaration-2017: signatory_name is
'Someone', its entry says 'Park Won-soon'"``. It reads the entries it needs with
``entries(action, ...)`` (streamed, never all at once).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from network.audit.models import AuditEntry
from network.db import db

Check = Callable[[], Iterator[str]]


@dataclass(frozen=True)
class Registered:
    """A domain's check, with what it checks (shown when it finds nothing wrong too)."""

    name: str
    run: Check


CHECKS: dict[str, Registered] = {}


def check(name: str) -> Callable[[Check], Check]:
    """Register a check of the record under ``name`` (its module and function, once)."""

    def register(function: Check) -> Check:
        CHECKS[f"{function.__module__}.{function.__qualname__}"] = Registered(name, function)
        return function

    return register


def entries(*actions: str) -> Iterator[AuditEntry]:
    """Yield the entries of these actions, oldest first, a thousand rows at a time."""
    statement = (
        sa.select(AuditEntry)
        .where(AuditEntry.action.in_(actions))
        .order_by(AuditEntry.seq)
        .execution_options(yield_per=1000)
    )
    with db.session.scalars(statement) as found:
        yield from found


def latest_by(key: Callable[[AuditEntry], Any], *actions: str) -> dict[Any, AuditEntry]:
    """Return the newest entry of these actions for each ``key(entry)``."""
    newest: dict[Any, AuditEntry] = {}
    for entry in entries(*actions):
        newest[key(entry)] = entry
    return newest


def differences(label: str, stored: dict[str, Any], said: dict[str, Any]) -> Iterator[str]:
    """Yield one problem per field whose stored value is not what the entry says."""
    for field, value in said.items():
        if stored.get(field) != value:
            yield f"{label}: {field} is {stored.get(field)!r}, its entry says {value!r}"


def run_checks(limit: int | None = None) -> tuple[list[str], list[str]]:
    """Run every registered check; return the names run and the problems found.

    :param limit: stop collecting after this many problems (the count is still exact
        for each check that ran to its end; a check is never cut midway).
    """
    names, problems = [], []
    for registered in CHECKS.values():
        names.append(registered.name)
        problems.extend(registered.run())
        if limit is not None and len(problems) >= limit:
            break
    return names, problems
