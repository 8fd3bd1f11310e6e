"""Liveness and readiness for a load balancer or an orchestrator.

``/health/live`` says the process answers, and asks nothing of anyone: a load balancer
that restarts processes on it must not restart them all because the database is down.
``/health/ready`` says whether this process can do its work: it asks the database
and, when one is configured, Redis. Redis down is *degraded*, not unready: logins and
the API go on with per-process rate limits (Flask-Limiter's in-memory fallback) and
pages without the shared cache, so the process stays in the pool (200) and says so.
The database down is unready (503): nothing but cached public pages can be served.
Neither answer is cached, rate-limited or translated: machines read them.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify
from werkzeug import Response

from network.common.decorators import public
from network.db import db
from network.extensions import limiter

bp = Blueprint("health", __name__, url_prefix="/health")


@bp.route("/live")
@public
@limiter.exempt
def live() -> Response:
    """Say the process is up; check nothing else."""
    return _answer({"status": "live"}, 200)


@bp.route("/ready")
@public
@limiter.exempt
def ready() -> Response:
    """Check the database and Redis; 503 when the database cannot be reached."""
    checks: dict[str, Any] = {"database": _database_state(), "redis": _redis_state()}
    checks["rate_limits"] = "per-process" if _limiter_degraded() else "shared"
    if checks["redis"] == "not configured":
        checks["rate_limits"] = "per-process"
    if checks["database"] != "ok":
        status, code = "unavailable", 503
    elif checks["redis"] == "down" or _limiter_degraded():
        status, code = "degraded", 200
    else:
        status, code = "ready", 200
    return _answer({"status": status, **checks}, code)


def _answer(body: dict[str, Any], status: int) -> Response:
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def _database_state() -> str:
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        current_app.logger.warning("readiness: the database cannot be reached", exc_info=True)
        db.session.rollback()
        return "down"
    return "ok"


def _redis_state() -> str:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return "not configured"
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        current_app.logger.warning("readiness: Redis cannot be reached", exc_info=True)
        return "down"
    finally:
        client.close()
    return "ok"


def _limiter_degraded() -> bool:
    """Tell whether the rate limits run on the per-process fallback (Redis lost)."""
    return bool(getattr(limiter, "_storage_dead", False))
