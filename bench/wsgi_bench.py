"""The app as gunicorn serves it for the throughput section, plus two benchmark-only routes.

``/__bench/bare`` answers "ok" with no database and no template: the baseline of what
the same app, server and load generator can do. ``/__bench/config`` says whether the
app knows ``PUBLIC_CACHE`` (public-page caching) and how it is set. Neither exists in
the product. Rate limiting is off here: the load comes from one address, and the
throughput of pages is measured, not of 429 answers.
"""

from __future__ import annotations

from flask import jsonify

from network import create_app, freeze_startup_objects

app = create_app(None, {"RATELIMIT_ENABLED": False})


@app.get("/__bench/bare")
def bare() -> str:
    """Answer with two bytes: the app's smallest possible work."""
    return "ok"


@app.get("/__bench/config")
def config() -> object:
    """Tell whether public-page caching is known to this app, and its setting."""
    known = "PUBLIC_CACHE" in app.config
    return jsonify(known=known, public_cache=app.config.get("PUBLIC_CACHE") if known else None)


freeze_startup_objects()  # as wsgi.py does, once every route is in place
