"""Full-text search of the practices in every language, on PostgreSQL and on SQLite.

Each practice keeps one search document (``Practice.search_document``): its titles,
summaries and full texts in every language, with its city's names, *folded* — lower
case, accents taken off (``économie`` and ``economie`` meet), Hangul kept whole. A
query is folded the same way and split into words; a practice matches when its
document holds every word as the start of one of its words, so ``노동존중`` finds
``노동존중특별시`` and ``서울`` finds ``서울시의`` (Korean words carry their particles),
and ``coop`` finds ``cooperatives``.

- PostgreSQL: ``to_tsvector('simple', search_document)`` (the ``simple`` configuration:
  no stemming, which no single language's would do for Korean) under a GIN index, asked
  with ``to_tsquery('simple', 'word:* & …')``.
- SQLite (the embedded default): an FTS5 table (``practice_search``, its rowid the
  practice's id) that the migration creates on SQLite only, kept by ``reindex`` in the
  same transaction as every change of a practice's texts.

``matches(words)`` is the one condition both give; ``queries.search`` builds on it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

import sqlalchemy as sa

from network.db import db

if TYPE_CHECKING:
    from network.practices.models import Practice

SQLITE_TABLE = "practice_search"
# Letters and digits of any script; an underscore or a hyphen separates words.
WORD = re.compile(r"[^\W_]+")
MAX_WORDS = 12


def fold(text: str) -> str:
    """Return ``text`` in lower case without accents (Hangul syllables stay whole)."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", bare).casefold()


def words(query: str | None) -> list[str]:
    """Return the words of a query, folded (at most ``MAX_WORDS``, each once)."""
    found = WORD.findall(fold(query or ""))
    return list(dict.fromkeys(found))[:MAX_WORDS]


def document_of(practice: Practice, city_names: Iterable[str]) -> str:
    """Return the folded search document of a practice: its texts and its city's names."""
    parts = [*city_names]
    for _language, text in sorted(practice.texts.items()):
        parts.extend((text.title, text.summary, text.body))
    return " ".join(WORD.findall(fold(" ".join(parts))))


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def matches(found: list[str], *, walking: bool = False) -> sa.ColumnElement[bool]:
    """Return the condition that a practice's document holds every word (as a prefix).

    ``walking``: the statement reads a page in the order of an index (the newest
    first), so SQLite had better walk that index and test each practice against the
    matches, stopping at the page's end, than fetch every match by its key and sort them
    all (50 ms for a common word at 65,000 practices; 3 ms walking). To count the
    matches, fetching each by its key is the quicker (a rare word: a few rows).
    """
    from network.practices.models import Practice

    if not found:
        return sa.true()
    if _dialect() == "postgresql":
        # The same expression as the GIN index's, 'simple' written out, so the index serves.
        simple = sa.literal_column("'simple'")
        vector = sa.func.to_tsvector(simple, Practice.search_document)
        query = sa.func.to_tsquery(simple, " & ".join(f"{word}:*" for word in found))
        return vector.op("@@")(query)
    phrase = " AND ".join(f'"{word}"*' for word in found)
    ids = sa.text(f"SELECT rowid FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH :phrase")
    # ``id + 0`` keeps SQLite from using the key to fetch the matches.
    key = Practice.id + 0 if walking else Practice.id
    return key.in_(ids.bindparams(phrase=phrase).columns(sa.column("rowid", sa.Integer)))


def reindex(practice: Practice) -> None:
    """Keep SQLite's FTS5 row of the practice equal to its document (PostgreSQL needs none)."""
    if _dialect() != "sqlite":
        return
    db.session.execute(
        sa.text(f"DELETE FROM {SQLITE_TABLE} WHERE rowid = :id"), {"id": practice.id}
    )
    db.session.execute(
        sa.text(f"INSERT INTO {SQLITE_TABLE} (rowid, document) VALUES (:id, :document)"),
        {"id": practice.id, "document": practice.search_document},
    )


POSTGRES_INDEX = "ix_practices_search_document"


def is_search_schema(name: str | None, kind: str) -> bool:
    """Tell whether a table or index is the search's (FTS5 tables, the GIN index).

    SQLite's FTS5 table and its shadow tables, or PostgreSQL's GIN index: the migration
    makes them for one database each and no model describes them, so a comparison of
    models and schema (autogenerate, tests/test_migrations.py) leaves them out.
    """
    name = name or ""
    if kind == "table":
        return name == SQLITE_TABLE or name.startswith(SQLITE_TABLE + "_")
    return kind == "index" and name == POSTGRES_INDEX
