"""The Decent Work City Network platform."""

from __future__ import annotations

import gc
import importlib
import os
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, Map

from network.config import (
    apply_environment,
    check_production,
    config_class_for,
    derive_services,
    normalise_database_url,
)

ROOT = Path(__file__).resolve().parent.parent
MAX_ID = 2**31 - 1  # PostgreSQL's INTEGER


def create_app(config_name: str | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    """Build the application for a mode (default: ``NETWORK_ENV``, else production)."""
    app = Flask(__name__, template_folder="../templates", instance_relative_config=True)
    load_config(app, config_name or os.environ.get("NETWORK_ENV"), overrides or {})
    register_extensions(app)
    register_blueprints(app)
    register_commands(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_security_headers(app)
    register_conditional_get(app)
    return app


def freeze_startup_objects() -> None:
    """Leave the objects built so far out of garbage collection from now on (gc.freeze).

    Call once the app is built, in the process that serves it. The app's long-lived
    objects (mappers, compiled statements and templates, routes, locale data: some
    130,000) never become garbage, yet every full collection walks them all: about
    70 ms, and a large answer (a 13,000-city roll call) allocates enough to set one off
    every few requests. Frozen, a full collection takes about a millisecond. Under
    ``gunicorn --preload`` it also keeps those pages shared between the workers.
    """
    gc.collect()
    gc.freeze()


def load_config(app: Flask, config_name: str | None, overrides: dict[str, Any]) -> None:
    """Class, then ``instance/config.py``, then environment, then explicit overrides."""
    config_class = config_class_for(config_name)
    app.config.from_object(config_class)
    app.config.from_pyfile("config.py", silent=True)
    apply_environment(app.config, os.environ)
    app.config.update(overrides)
    derive_services(app.config, os.environ)  # from a REDIS_URL given in overrides too
    if app.config["ENV_NAME"] == "production":
        check_production(app.config)
    url = app.config.get("DATABASE_URL")
    if not url:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        url = "sqlite:///" + str(Path(app.instance_path) / "network.sqlite3")
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(url)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(ROOT / "translations")
    if app.config["TRUST_PROXY_HOPS"]:
        hops = app.config["TRUST_PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def register_extensions(app: Flask) -> None:
    """Bind the extensions to the application."""
    import network.models  # noqa: F401 - every mapper known before the first query
    from network.auth.session import configure_login
    from network.common.i18n import select_locale
    from network.db import limit_waits
    from network.extensions import babel, csrf, db, limiter, migrate

    db.init_app(app)
    with app.app_context():
        limit_waits(
            db.engine, app.config["DATABASE_LOCK_TIMEOUT"], app.config["DATABASE_STATEMENT_TIMEOUT"]
        )
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    configure_login(app)


class BoundedIntConverter(IntegerConverter):
    """``<int:…>`` limited to the database's integer range: a larger number is a 404."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:  # noqa: A002
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def register_blueprints(app: Flask) -> None:
    """Register every blueprint, in an explicit list."""
    app.url_map.converters["int"] = BoundedIntConverter
    from network.api.exports import bp as exports_bp
    from network.api.views import bp as api_bp
    from network.archive.views import bp as archive_bp
    from network.audit.views import bp as audit_bp
    from network.audit.views import public_bp as public_audit_bp
    from network.auth.views import bp as auth_bp
    from network.calendars.views import bp as calendars_bp
    from network.charter.views import bp as charter_bp
    from network.cities.views import bp as cities_bp
    from network.commitments.views import bp as commitments_bp
    from network.declarations.views import bp as declarations_bp
    from network.documents.views import bp as documents_bp
    from network.elections.views import bp as elections_bp
    from network.health.views import bp as health_bp
    from network.home.views import bp as home_bp
    from network.indicators.views import bp as indicators_bp
    from network.meetings.attendance_views import bp as attendance_bp
    from network.meetings.live_views import bp as live_bp
    from network.meetings.minutes_views import bp as minutes_bp
    from network.meetings.papers_views import bp as papers_bp
    from network.meetings.views import bp as meetings_bp
    from network.motions.views import bp as motions_bp
    from network.notices.views import bp as notices_bp
    from network.practices.documents_views import bp as practice_documents_bp
    from network.practices.views import bp as practices_bp
    from network.resolutions.views import bp as resolutions_bp
    from network.secretariat.charter import bp as secretariat_charter_bp
    from network.secretariat.declarations import bp as secretariat_declarations_bp
    from network.secretariat.elections import bp as secretariat_elections_bp
    from network.secretariat.outbox import bp as secretariat_outbox_bp
    from network.secretariat.views import bp as secretariat_bp
    from network.site.views import bp as site_bp
    from network.verify.views import bp as verify_bp
    from network.votes.views import bp as votes_bp

    for blueprint in (
        home_bp,
        cities_bp,
        charter_bp,
        elections_bp,
        motions_bp,
        meetings_bp,
        attendance_bp,
        live_bp,
        papers_bp,
        minutes_bp,
        calendars_bp,
        declarations_bp,
        commitments_bp,
        practices_bp,
        practice_documents_bp,
        indicators_bp,
        documents_bp,
        votes_bp,
        resolutions_bp,
        verify_bp,
        auth_bp,
        secretariat_bp,
        secretariat_charter_bp,
        secretariat_elections_bp,
        secretariat_declarations_bp,
        secretariat_outbox_bp,
        notices_bp,
        audit_bp,
        public_audit_bp,
        api_bp,
        exports_bp,
        archive_bp,
        site_bp,
        health_bp,
    ):
        app.register_blueprint(blueprint)


def register_commands(app: Flask) -> None:
    """Add the ``flask network``, ``flask audit`` and ``flask translate`` groups."""
    from network.audit.cli import audit_cli
    from network.cli import network_cli
    from network.common.cli import translate_cli

    for group in (network_cli, audit_cli, translate_cli):
        app.cli.add_command(group)
    # Each domain's checks of the record against the audit log (``flask audit verify``):
    # importing a domain's verify module registers them with audit, which imports no
    # domain itself.
    for module in VERIFYING_DOMAINS:
        importlib.import_module(module)


VERIFYING_DOMAINS = (
    "network.cities.verify",
    "network.votes.verify",
    "network.declarations.verify",
    "network.resolutions.verify",
    "network.charter.verify",
)


def register_errorhandlers(app: Flask) -> None:
    """Answer errors with a page, or JSON under ``/api/``."""
    from network.common.errors import register_error_pages

    register_error_pages(app)


def register_security_headers(app: Flask) -> None:
    """Send the security headers (CSP, framing, sniffing, referrer, HSTS) with every answer."""
    from network.common.security import init_security_headers

    init_security_headers(app)


def register_conditional_get(app: Flask) -> None:
    """Answer anonymous reads of public routes with ETags, 304s and the page cache."""
    from network.common.conditional import init_conditional_get

    init_conditional_get(app)


def register_template_helpers(app: Flask) -> None:
    """Give templates the locale list, the formatting filters and the access predicates."""
    from network.common.templating import init_templating

    init_templating(app)
