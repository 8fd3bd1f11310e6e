# The two commands: `make run` serves the site with demo data, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEV := NETWORK_ENV=development FLASK_APP=wsgi.py
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install compile lint format translations bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

compile: install
	$(BIN)/pybabel -q compile -d translations

run: compile
	$(DEV) $(BIN)/flask db upgrade
	$(DEV) $(BIN)/flask network seed-demo --if-empty
	$(DEV) $(BIN)/flask run --host $(HOST) --port $(PORT)

test: compile
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The benchmark of issue #9 (bench/): full size by default, BENCH_SCALE=0.1 for a quick run.
$(BIN)/.installed-bench: pyproject.toml $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@

bench: $(BIN)/.installed-bench compile
	$(BIN)/python -m bench.run

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
