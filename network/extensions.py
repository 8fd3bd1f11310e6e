"""Flask extensions, created unbound; ``create_app`` binds them."""

from __future__ import annotations

from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

from network.common.http import client_address
from network.db import db

migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# Rendered public pages (network/common/conditional.py); CACHE_TYPE comes from the config.
cache = Cache()
# Limits are declared on the routes that need them; the storage comes from
# RATELIMIT_STORAGE_URI (memory by default, Redis when REDIS_URL is set).
limiter = Limiter(key_func=client_address)

__all__ = ["babel", "cache", "csrf", "db", "limiter", "login_manager", "migrate"]
