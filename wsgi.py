"""Entry point for gunicorn: ``gunicorn wsgi:app``."""

from network import create_app, freeze_startup_objects

app = create_app()
freeze_startup_objects()
