# The two commands: `make run` serves the site with demo data, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEV := NETWORK_ENV=development FLASK_APP=wsgi.py
HOST ?= 127.0.0.1
PORT ?= 5000

# What the site needs from Debian: Pango (with HarfBuzz's subsetter) for WeasyPrint,
# which makes the PDFs. `make run` and `make test` install them where missing.
RUN_SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0

# What the tests need from Debian besides: its Chromium for the browser tests (never a
# downloaded browser), a font with Hangul so that Korean pages are readable in
# screenshots, a redis-server that the fail-soft tests start and kill, and the nginx
# that the two-server test puts in front of two gunicorns (deploy/nginx/dwcn.conf).
TEST_SYSTEM_PACKAGES := chromium:/usr/bin/chromium fonts-noto-cjk redis-server:/usr/bin/redis-server nginx:/usr/sbin/nginx

.PHONY: run test install run-system-packages system-packages compile lint format translations bench screenshots clean

$(BIN)/.installed: pyproject.toml
	@echo "Installing the Python packages into $(VENV) (about a minute, the first time only)..."
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@
	@echo "Installed."

install: $(BIN)/.installed

run-system-packages:
	@sh tools/system-packages $(RUN_SYSTEM_PACKAGES)

system-packages:
	@sh tools/system-packages $(RUN_SYSTEM_PACKAGES) $(TEST_SYSTEM_PACKAGES)

compile: install
	@$(BIN)/pybabel -q compile -d translations

run: compile run-system-packages
	@echo "Migrating the database (instance/network.sqlite3) and loading the demo on first run..."
	@$(DEV) $(BIN)/flask db upgrade
	@$(DEV) $(BIN)/flask network seed-demo --if-empty
	@echo "Serving http://$(HOST):$(PORT)/ (stop with Ctrl-C; another port: make run PORT=8080)"
	$(DEV) $(BIN)/flask run --host $(HOST) --port $(PORT)

test: compile system-packages
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The benchmark of issue #9 (bench/): full size by default, BENCH_SCALE=0.1 for a quick run.
$(BIN)/.installed-bench: pyproject.toml $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@

bench: $(BIN)/.installed-bench compile
	$(BIN)/python -m bench.run

# The pictures in docs/screenshots/, made again from the demo data.
screenshots: compile system-packages
	$(BIN)/python -m tools.screenshots

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

translations: install
	$(DEV) $(BIN)/flask translate update

clean:
	rm -rf $(VENV) instance/network.sqlite3 translations/*/LC_MESSAGES/*.mo
