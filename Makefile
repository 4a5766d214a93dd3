# Active Interview — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# A fresh checkout runs in development mode; set DJANGO_DEBUG=0 (and DJANGO_SECRET_KEY) for production.
DJANGO_DEBUG ?= 1
export HOST PORT DJANGO_DEBUG

.PHONY: install chromium nodejs run serve migrate seed test test-js test-llm lint types format bench clean

# Re-installs only when a requirements file changed since the last install.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed chromium nodejs

# The browser tests (tests/e2e) drive Debian's chromium (Playwright cannot download its own here):
# apt-get installs it when missing. Never fatal: without it the browser tests fail under CI=true, skip otherwise.
SUDO := $(if $(filter 0,$(shell id -u 2>/dev/null)),,sudo -n)
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing chromium for the browser tests (tests/e2e)..."; \
	  { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends chromium; } \
	  || echo "warning: chromium could not be installed; tests/e2e fail under CI=true and are skipped otherwise" >&2; }

# The JavaScript tests (tests/js, node's built-in test runner, no npm packages) need node: apt-get
# installs Debian's nodejs when it is missing. Never fatal, like chromium above.
nodejs:
	@command -v node >/dev/null 2>&1 || { \
	  echo "Installing nodejs for the JavaScript tests (tests/js)..."; \
	  { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends nodejs; } \
	  || echo "warning: nodejs could not be installed; tests/js fail under CI=true and are skipped otherwise" >&2; }

migrate: install
	@$(PY) manage.py migrate --noinput

seed: migrate
	@$(PY) manage.py seed_demo

# Install, migrate, load demo data, then serve with daphne (plus the background worker) until Ctrl-C.
run: seed
	@bash scripts/serve.sh

serve: install
	@bash scripts/serve.sh

# The JavaScript tests, then pytest: both always run, and either failing fails `make test`.
test: install
	@status=0; bash tests/js/run.sh || status=$$?; $(VENV)/bin/pytest $(PYTEST_ARGS) || status=$$?; exit $$status

# Only the JavaScript tests (tests/js/run.sh: node's built-in runner, no npm packages).
test-js:
	@bash tests/js/run.sh

# Opt-in: the same interview flow against llama.cpp serving SmolLM2 (a server we did not write).
test-llm: install
	@bash scripts/test-llm.sh

lint: install
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .

# mypy with django-stubs and djangorestframework-stubs (configuration in pyproject.toml). The plugin
# loads the settings, so it runs in development mode (no secret key needed).
types: install
	@DJANGO_DEBUG=1 $(VENV)/bin/mypy

format: install
	@$(VENV)/bin/ruff format .
	@$(VENV)/bin/ruff check --fix .

bench: install
	@$(PY) -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .mypy_cache
