# The few commands people type. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

# The test suite talks to real PostgreSQL and Redis, as production does.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/smartprogress
TEST_REDIS_URL ?= redis://127.0.0.1:6379/1

.PHONY: install run up test lint fmt messages compilemessages bench bench-digest bench-load clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

compilemessages: install
	$(PY) manage.py compilemessages --ignore=$(VENV) --ignore=var -v0

## Portal with demo data on embedded defaults (SQLite, folder broker, e-mails on the console).
run: compilemessages
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py seed_demo
	bin/serve-embedded

## Production-like stack on this machine: gunicorn, a Celery worker and one beat, on PostgreSQL and Redis.
up: compilemessages
	bin/serve-production

## The whole test suite, browser journeys included.
test: compilemessages
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## Refresh the Italian catalogue after changing strings; then translate what is new.
messages: install
	$(PY) manage.py makemessages -l it --no-obsolete --ignore=$(VENV) --ignore=var --ignore=tests --add-location=file

## Every main page over HTTP (gunicorn, wrk) against a bare baseline view, on PostgreSQL with
## 100,000 members (its own database smartprogress_bench, filled once). Short run:
## `make bench BENCH_MEMBERS=5000 BENCH_GROUP_SIZE=1000 BENCH_SECONDS=3` (sizes: bench/run.py).
bench: compilemessages
	@command -v wrk >/dev/null || { echo "Installing wrk (Debian package)"; \
		if [ "$$(id -u)" = 0 ]; then apt-get install -y wrk; else sudo apt-get install -y wrk; fi; }
	$(PY) -m bench

## Digests for 100,000 members sent to an SMTP server on 127.0.0.1, against a baseline of ready-made messages.
bench-digest: compilemessages
	$(PY) bench/digest.py

## 10 minutes of mixed traffic (600 members signing in, browsing, joining, answering, proposing,
## supporting, enrolling, applying) on gunicorn + a Celery worker + a local SMTP server, on a
## fresh copy of the 100,000-member data; then every write and e-mail checked exactly once.
## Short run: `make bench-load LOAD_SECONDS=30` (settings: bench/load_run.py).
bench-load: compilemessages
	$(PY) -m bench.load_run

clean:
	rm -rf var .pytest_cache
