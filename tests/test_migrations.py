"""Migrations: from empty to head and back, and the models match the migrated schema."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from network import create_app
from network.db import db
from network.practices.search import is_search_schema
from tests.conftest import make_database_url


@pytest.fixture
def empty_app(tmp_path):
    url, drop = make_database_url(tmp_path, "dwcn_migrations")
    application = create_app("testing", {"DATABASE_URL": url})
    yield application
    with application.app_context():
        db.engine.dispose()
    drop()


def table_names(app) -> set[str]:
    with app.app_context():
        return set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_to_head_and_downgrade_to_base(empty_app):
    assert table_names(empty_app) == set()
    with empty_app.app_context():
        upgrade()
    assert {
        "cities",
        "city_texts",
        "membership_changes",
        "users",
        "invitations",
        "audit_entries",
        "audit_head",
    } <= table_names(empty_app)
    with empty_app.app_context():
        assert db.session.execute(sa.text("SELECT seq, hash FROM audit_head")).one() == (
            0,
            "0" * 64,
        )
        db.session.remove()
        downgrade(revision="base")
    assert table_names(empty_app) == set()
    with empty_app.app_context():
        upgrade()  # and up again: the downgrade left nothing behind
    assert "cities" in table_names(empty_app)


def test_models_match_the_migrated_schema(app):
    with app.app_context(), db.engine.connect() as connection:
        # SQLite's FTS5 table of the practices' search is the migration's, not a model's.
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_name": lambda name, kind, _parent: not is_search_schema(name, kind),
            },
        )
        assert compare_metadata(context, db.metadata) == []


def test_city_texts_get_their_search_keys_when_migrated(empty_app):
    with empty_app.app_context():
        upgrade(revision="e5a9c3d1f0b7")
        db.session.execute(
            sa.text(
                "INSERT INTO cities (id, slug, name, name_key, country, region, status,"
                " created_at) VALUES (1, 'evry', 'Évry', 'évry', 'FR', 'europe-central-asia',"
                " 'member', '2026-01-01 00:00:00')"
            )
        )
        db.session.execute(
            sa.text(
                "INSERT INTO city_texts (city_id, language, name) VALUES"
                " (1, 'fr', 'ÉVRY  Courcouronnes'), (1, 'en', NULL)"
            )
        )
        db.session.commit()
        upgrade()
        keys = db.session.execute(
            sa.text("SELECT language, name_key FROM city_texts ORDER BY language")
        ).all()
        db.session.remove()
    assert [tuple(row) for row in keys] == [("en", None), ("fr", "évry courcouronnes")]
