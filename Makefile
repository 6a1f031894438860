# Two commands on a fresh machine (Python 3.11+ and make):
#   make run    install into .venv, then run web + worker + demo on embedded defaults
#   make test   install the dev tools, then run the whole suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PG_URL    ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
REDIS_URL_TEST ?= redis://127.0.0.1:6379/15
SHARED ?= ../shared

.PHONY: run test lint test-embedded test-services install install-dev eval bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	$(BIN)/tactful run

# Lint first, then the two passes. When the first pass fails the second never runs;
# the last line says so, so a red run is not mistaken for a skipped PostgreSQL pass.
test: install-dev
	@$(MAKE) --no-print-directory lint || \
	  { echo "make test: FAILED at ruff check; no test pass ran" >&2; exit 1; }
	@$(MAKE) --no-print-directory test-embedded || \
	  { echo "make test: FAILED in the SQLite + embedded-queue pass;" \
	         "the PostgreSQL + Redis pass did not run" >&2; exit 1; }
	@$(MAKE) --no-print-directory test-services || \
	  { echo "make test: the SQLite pass passed; FAILED in the PostgreSQL + Redis pass" >&2; \
	    exit 1; }
	@echo "make test: passed (lint, then every pass that ran above)"

lint: install-dev
	$(BIN)/ruff check .

# SQLite + the embedded queue: everything, on any machine.
test-embedded:
	$(BIN)/pytest -q

# PostgreSQL + Redis: every test that touches a database or broker, again.
# Skipped with a notice where those servers are absent (a laptop); CI sets
# TACTFUL_REQUIRE_SERVICES=1 so a missing server fails instead.
test-services:
	@if $(BIN)/python -m integration.cli.probe "$(PG_URL)" "$(REDIS_URL_TEST)"; then \
	  TACTFUL_TEST_DB=postgres TACTFUL_TEST_BROKER=redis \
	  TACTFUL_TEST_POSTGRES_URL="$(PG_URL)" TACTFUL_TEST_REDIS_URL="$(REDIS_URL_TEST)" \
	  $(BIN)/pytest -q -m backends; \
	elif [ -n "$$TACTFUL_REQUIRE_SERVICES" ]; then \
	  echo "PostgreSQL or Redis unreachable and TACTFUL_REQUIRE_SERVICES is set" >&2; exit 1; \
	else echo "skipped the PostgreSQL + Redis pass: servers not reachable"; fi

# Accuracy on the labelled dev sets (not shipped; read from $(SHARED)/eval).
eval: install
	@for f in $(SHARED)/eval/*.dev.jsonl; do $(BIN)/tactful eval "$$f"; done

bench: install-dev
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b; done

clean:
	rm -rf $(VENV) var .pytest_cache
