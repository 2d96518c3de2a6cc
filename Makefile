# Arthomed — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# The port of `make run`: PORT from the command line or environment, else from .env, else 3001.
PORT ?= $(or $(shell sed -n "s/^PORT=\([0-9][0-9]*\)$$/\1/p" .env 2>/dev/null),3001)

.PHONY: run test lint fmt check fuzz load venv dev-venv worker beat clean faults backup restore clients

$(VENV)/.installed-runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed-runtime

venv: $(VENV)/.installed-runtime
dev-venv: $(VENV)/.installed-dev

# A local .env with DEBUG on and a fresh secret, made once from .env.example.
.env:
	@sed "s|^SECRET_KEY=.*|SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')|" .env.example > .env
	@echo "Created .env from .env.example (DEBUG=true, console SMS)."

## make run: install, migrate, seed the demo clinic if empty, serve on http://localhost:3001
run: venv .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py seed_demo --if-empty --today --appointments 300
	@echo ""
	@echo "  Arthomed API   http://localhost:$(PORT)/api"
	@echo "  Swagger UI     http://localhost:$(PORT)/api-docs"
	@echo "  Django admin   http://localhost:$(PORT)/admin/  (sign in with a demo mobile number; the code is printed here)"
	@echo "  Health         http://localhost:$(PORT)/health"
	@echo ""
	$(VENV)/bin/gunicorn arthomed.wsgi:application --bind 127.0.0.1:$(PORT) --workers 1 --threads 8 \
		--access-logfile - --error-logfile - --log-level warning

## make test: install dev tools and run the whole suite (SQLite unless DATABASE_URL names PostgreSQL)
test: dev-venv
	$(PY) -m pytest -rs $(PYTEST_ARGS)

lint: dev-venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: dev-venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## static checks CI runs besides the tests (ruff, the ReDoS audit of every regex, migrations, OpenAPI)
check: dev-venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m arthomed.redos_check
	SECRET_KEY=check-only-secret-key-0123456789abcdefghij $(PY) manage.py makemigrations --check --dry-run
	SECRET_KEY=check-only-secret-key-0123456789abcdefghij $(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

## schemathesis against a live server's own OpenAPI document, as every role (loopback, bounded)
fuzz: dev-venv
	$(PY) bench/fuzz.py $(FUZZ_ARGS)

## generated TypeScript and Python clients run sign-in -> book -> cancel against a live server (needs node + npm)
clients: dev-venv
	npm ci --prefix clients/ts --no-audit --no-fund
	$(PY) -m pytest -m clients $(PYTEST_ARGS)

## clinic-day load against gunicorn + PostgreSQL + Redis on loopback (own database and Redis db; bounded)
load: dev-venv
	$(PY) bench/load.py $(LOAD_ARGS)

## fault injection on private PostgreSQL/Redis instances (loopback, bounded): see docs/reliability.md
faults: dev-venv
	$(PY) bench/faults/run_all.py

BACKUP_DIR ?= backups

## make backup: PostgreSQL dump (custom format) + media files into $(BACKUP_DIR)/arthomed-<UTC time>/
backup:
	$(PY) manage.py backup --output "$(BACKUP_DIR)"

## make restore FROM=<backup folder> [DATABASE_URL=<empty database>] [MEDIA_ROOT=<empty dir>]
restore:
	@test -n "$(FROM)" || { echo "usage: make restore FROM=backups/arthomed-<time> [DATABASE_URL=...] [MEDIA_ROOT=...]"; exit 2; }
	$(PY) manage.py restore "$(FROM)"

worker: venv .env
	$(VENV)/bin/celery -A arthomed worker --loglevel INFO

beat: venv .env
	$(VENV)/bin/celery -A arthomed beat --loglevel INFO

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
