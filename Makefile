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

# The demo is served as production serves it (docs/exploitation.md): gunicorn, DEBUG off, the static files
# collected under hashed names and served by whitenoise, the worker (long work: publications, imports, exports…)
# beside it, stopping with it. `make demo PORT=8001` changes the port.
PORT ?= 8000
PORT_COURRIEL ?= 1025
demo: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py charger_demo --adresse http://127.0.0.1:$(PORT)
	$(PY) manage.py traiter_avis --a-partir-de-maintenant
	STATIC_MANIFEST=1 STATIC_COMPRESSION=0 $(PY) manage.py collectstatic --noinput -v0
	@export STATIC_MANIFEST=1 STATIC_COMPRESSION=0 GUNICORN_BIND=127.0.0.1:$(PORT) EMAIL_PORT=$(PORT_COURRIEL) ATTRIB_DEMO_BOITE=1; \
	  $(PY) manage.py serveur_courriel_demo --port $(PORT_COURRIEL) & courriel=$$!; \
	  $(PY) manage.py db_worker --no-reload & worker=$$!; \
	  $(PY) manage.py traiter_avis --toutes-les 15 & avis=$$!; \
	  trap 'kill $$worker $$courriel $$avis 2>/dev/null; wait $$worker $$courriel $$avis 2>/dev/null' EXIT; \
	  echo "Travaux longs : worker $$worker démarré (python manage.py db_worker)."; \
	  echo "Courriels envoyés par la démo (serveur SMTP local, port $(PORT_COURRIEL)) : http://127.0.0.1:$(PORT)/avis/demo/boite/"; \
	  echo "Démo servie par gunicorn sur http://127.0.0.1:$(PORT) (Ctrl-C pour arrêter)."; \
	  $(PY) -m gunicorn -c config/gunicorn.conf.py config.wsgi

# `check --deploy` with a production environment (default: the documented example); fails on any warning.
# With the example, the key is drawn at random and the directories are temporary (nothing written on the machine).
ENV_EXEMPLE := deploy/production.env.example
DEPLOY_ENV ?= $(ENV_EXEMPLE)
deploy-check: venv
	@set -a; . "$(abspath $(DEPLOY_ENV))"; set +a; \
	  if [ "$(DEPLOY_ENV)" = "$(ENV_EXEMPLE)" ]; then \
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
