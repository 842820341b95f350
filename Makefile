# Two commands for a new machine: `make run` (the site with demo content) and `make test` (the whole suite).
SHELL := /bin/bash
.DEFAULT_GOAL := help
HOST ?= 127.0.0.1
PORT ?= 8000
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PY := .venv/bin/python
MANAGE := $(PY) manage.py
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON_PREFERENCE := only-system

.PHONY: help install migrate bootstrap run test test-fast e2e lint fmt messages check-messages translations coverage-vi screenshots bench clean audit backup restore

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-16s %s\n", $$1, $$2}'

.tools/bin/uv:
	@echo "uv not found: installing it into .tools/"
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --python python3.11
	@touch $@

install: .venv/.synced ## Install the locked environment (uv sync --locked)

translations: install ## Compile the Vietnamese catalogues (.po -> .mo)
	$(MANAGE) compile_translations

migrate: install
	$(MANAGE) migrate --noinput

bootstrap: migrate translations ## Load the site skeleton, the plan's data and demo content (idempotent)
	$(MANAGE) bootstrap
	$(MANAGE) ensure_superuser

run: bootstrap ## Serve the site with demo content at http://$(HOST):$(PORT)
	@echo "Serving http://$(HOST):$(PORT)/ (admin at /admin/)"
	$(MANAGE) runserver $(HOST):$(PORT)

test: translations ## Run the whole suite (SQLite, local-memory cache, browser tests in Chromium)
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: translations ## The suite without the browser tests
	$(PY) -m pytest -m "not e2e" $(PYTEST_ARGS)

lint: install ## ruff, migrations and system checks
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(MANAGE) makemigrations --check --dry-run
	$(MANAGE) check

fmt: install ## Format and fix what ruff can
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

messages: install ## Extract translatable strings into locale/vi (needs GNU gettext)
	$(MANAGE) makemessages -l vi --no-obsolete --ignore=.venv --ignore=.tools --ignore=media --ignore=bench --ignore=tests --add-location=file
	$(MANAGE) makemessages -d djangojs -l vi --no-obsolete --ignore=.venv --ignore=.tools --ignore=static --ignore=media --add-location=file

check-messages: messages ## Fail when a project string has no Vietnamese translation
	$(PY) -m pytest tests/home/test_translations.py -q

COVERAGE_MIN ?= 100
coverage-vi: translations ## Vietnamese coverage per catalogue (Wagtail's and ours); fails below COVERAGE_MIN percent
	$(MANAGE) translation_coverage --min $(COVERAGE_MIN)

screenshots: translations ## Save PNGs of the key admin screens (in Vietnamese) into screenshots/
	$(MANAGE) admin_screenshots

audit: install ## Check every locked dependency against known vulnerabilities (pip-audit; PyPI's project JSON if its services are out of reach)
	@req=$$(mktemp /tmp/gnt-audit.XXXXXX.txt); \
	$(UV) export --frozen --no-hashes --no-emit-project --all-groups --format requirements-txt --output-file $$req >/dev/null && \
	$(PY) -m pip_audit --requirement $$req --disable-pip --no-deps --strict --progress-spinner off 2>&1 | tee $$req.log; \
	rc=$${PIPESTATUS[0]}; \
	if [ $$rc -ne 0 ] && ! grep -qiE "found [0-9]+ known vulnerabilit" $$req.log; then \
	  echo "pip-audit could not reach its vulnerability service: falling back to PyPI's project JSON (latest releases only)."; \
	  $(PY) site/operations/audit.py $$req; rc=$$?; \
	fi; \
	rm -f $$req $$req.log; \
	if [ $$rc -ne 0 ]; then echo "AUDIT FAILED: a locked dependency has a known vulnerability, or no package could be checked (see above)." >&2; fi; \
	exit $$rc

BACKUP_DIR ?= backups
backup: install ## Back up the database (from DATABASE_URL), media/ and private_media/ into BACKUP_DIR/<timestamp>/
	$(MANAGE) backup_site --output-dir $(BACKUP_DIR)

restore: install ## Restore a backup into an EMPTY database and empty media folders: make restore FROM=backups/<timestamp>
	@test -n "$(FROM)" || { echo "Say which backup: make restore FROM=backups/<timestamp>" >&2; exit 2; }
	$(MANAGE) restore_site $(FROM)

bench: install ## Run the benchmarks in bench/ and write bench/results/latest.{json,md} (needs ~15 min)
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		(apt-get update -qq && apt-get install -y -qq wrk >/dev/null) || echo "wrk not installed: using the Python load generator"; }
	$(PY) bench/run.py $(BENCH_ARGS)

clean: ## Remove the development database, media and compiled catalogues
	rm -f db.sqlite3 db.sqlite3-wal db.sqlite3-shm .dev-superuser
	find locale -name '*.mo' -delete
