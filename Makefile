# Attrib — the two commands of the README are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
ONLY ?=
PYTEST_ARGS ?=
CHROMIUM := /usr/bin/chromium

.PHONY: venv demo test quality bench fix chromium compile-deps serve deploy-check

venv: $(VENV)/.installed

$(VENV)/.installed: requirements/base.txt requirements/dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --require-hashes -r requirements/base.txt -r requirements/dev.txt
	touch $@

# Debian's chromium drives the browser tests; installed here when it is missing.
chromium:
	@test -x $(CHROMIUM) || { echo "Installation de chromium (Debian)…"; \
	  SUDO=$$( [ $$(id -u) -eq 0 ] || echo sudo ); \
	  $$SUDO apt-get install -y -q chromium >/dev/null 2>&1 || { $$SUDO apt-get update -q >/dev/null && $$SUDO apt-get install -y -q chromium >/dev/null; }; }

# The worker (long work: publications, imports, exports…) runs beside the web server and stops with it.
demo: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py charger_demo
	@$(PY) manage.py db_worker --no-reload & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	  echo "Travaux longs : worker $$worker démarré (python manage.py db_worker)."; \
	  $(PY) manage.py runserver 127.0.0.1:8000

# `check --deploy` with a production environment (default: the documented example); fails on any warning.
# With the example, the key is drawn at random and the directories are temporary (nothing written on the machine).
ENV_EXEMPLE := deploy/production.env.example
ENV ?= $(ENV_EXEMPLE)
deploy-check: venv
	@set -a; . "$(abspath $(ENV))"; set +a; \
	  if [ "$(ENV)" = "$(ENV_EXEMPLE)" ]; then \
	    tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	    SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))'); \
	    ATTRIB_VAR_DIR=$$tmp/var; STATIC_ROOT=$$tmp/static; \
	    export SECRET_KEY ATTRIB_VAR_DIR STATIC_ROOT; \
	  fi; \
	  $(PY) manage.py check --deploy --fail-level WARNING

serve: venv
	$(PY) manage.py runserver 127.0.0.1:8000

test: venv chromium
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

quality: venv
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy attrib/
	$(PY) manage.py makemigrations --check --dry-run

fix: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: venv
	$(PY) -m benchmarks $(ONLY)

compile-deps:
	$(PYTHON) -m piptools compile -q --generate-hashes --allow-unsafe requirements/base.in -o requirements/base.txt
	$(PYTHON) -m piptools compile -q --generate-hashes --allow-unsafe requirements/dev.in -o requirements/dev.txt
