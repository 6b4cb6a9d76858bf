# Breach Notice Portal: `make run` to try it, `make test` to check it.
SHELL := /bin/bash
.DELETE_ON_ERROR:
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-unit test-browser lint audit format install system-packages run-system-packages migrate demo demo-code manage clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

system-packages:
	bin/install-system-packages

run-system-packages:
	bin/install-system-packages --optional

# `make run` serves as production does (gunicorn, DEBUG off, the portal's own
# error pages, compressed static files) but over plain HTTP on this machine. A
# secret key and the keys that seal identifiers are made once and kept in var/.
RUN_ENV = DEBUG=$${DEBUG:-false} SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}" \
	FIELD_ENCRYPTION_KEYS="$${FIELD_ENCRYPTION_KEYS:-run1:$$(cat var/field_encryption_key)}" \
	FIELD_LOOKUP_KEY="$${FIELD_LOOKUP_KEY:-$$(cat var/field_lookup_key)}" \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost,$(HOST)}" SECURE_SSL_REDIRECT=false \
	SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false

var/secret_key: | var/field_encryption_key var/field_lookup_key
	mkdir -p var
	umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@.tmp && mv $@.tmp $@

var/field_encryption_key var/field_lookup_key:
	mkdir -p var
	umask 077 && $(PYTHON) -c "import base64, os; print(base64.b64encode(os.urandom(32)).decode())" > $@.tmp \
		&& mv $@.tmp $@

migrate: install var/secret_key
	@$(RUN_ENV) $(BIN)/python manage.py migrate --noinput

demo: migrate
	@$(RUN_ENV) $(BIN)/python manage.py seed_demo --force
	@$(RUN_ENV) $(BIN)/python manage.py seed_demo_letters
	@$(RUN_ENV) $(BIN)/python manage.py seed_demo_calls

## demo-code: the current sign-in code of a demo login (WHO=demo-manager by default)
demo-code: install var/secret_key
	@$(RUN_ENV) $(BIN)/python manage.py demo_code $(or $(WHO),demo-manager) --force

## run: install, migrate, load the demo incident, start the web server and a worker (Ctrl-C stops both)
run: run-system-packages demo
	@$(RUN_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo
	@echo "  Breach Notice Portal: http://$(HOST):$(PORT)/"
	@echo "  Sign in with a demo login above. Ctrl-C stops the web server and the worker."
	@echo
	@$(RUN_ENV) PORTAL_ADDRESS=$(HOST):$(PORT) PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile.dev

## test: install and run the whole suite (unit and browser tests) on the configured database and broker
test: system-packages install
	$(BIN)/pytest

test-unit: install
	$(BIN)/pytest accounts audit incidents people regulators public notifications callcenter demo portal

test-browser: system-packages install
	$(BIN)/pytest e2e

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

## audit: known vulnerabilities in the installed packages (pip-audit); AUDIT_STRICT=true also fails when it cannot reach its service
audit: install
	bin/audit-dependencies $(BIN)

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## manage: run a management command, e.g. make manage ARGS="verify_audit"
manage: install var/secret_key
	@$(RUN_ENV) $(BIN)/python manage.py $(ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
