"""The app the browser tests serve: development mode, with cheap password hashing.

Everything else is the development configuration (CSRF on, real sessions, rate
limits); only argon2 is tuned down, as in the test suite's configuration, so that a
dozen people logging in does not cost a minute of CPU.
"""

from network import create_app

CHEAP_HASHING = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024, "ARGON2_PARALLELISM": 1}

app = create_app("development", CHEAP_HASHING)
