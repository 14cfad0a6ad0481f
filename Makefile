# Two commands do all set-up: `make run` and `make test`. The rest are for maintainers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock requirements-dev.lock | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install messages run test test-fast lint format bench bench-scale bench-alerts bench-desk files-per-request render-floor clean locks

install: $(STAMP) messages

# Production installs requirements.lock alone; a checkout for development, tests and benchmarks
# installs requirements-dev.lock, which is compiled under the production pins.
$(STAMP): requirements.lock requirements-dev.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	@rm -f $(VENV)/.installed-*
	@touch $@

# Compile the gettext catalogs (Babel does it in Python: no system gettext needed).
messages: $(STAMP)
	@if [ -d locale ]; then for domain in django djangojs; do $(BIN)/pybabel -q compile -d locale -D $$domain; done; fi

# A development server: debug on (the settings default to production's debug off).
run: export DJANGO_DEBUG ?= 1
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py demo_users --site http://$(HOST):$(PORT)
	@# The task worker (e-mail alerts) runs beside the server and stops with it (Ctrl+C reaches both).
	$(BIN)/python manage.py db_worker --no-reload & trap 'kill $$! 2>/dev/null' EXIT; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

locks:
	uv pip compile pyproject.toml --python-version 3.11 -o requirements.lock
	uv pip compile pyproject.toml --extra dev --python-version 3.11 -c requirements.lock -o requirements-dev.lock

# gunicorn (DEBUG off) over 10,000 generated releases in a throwaway site: each page's req/s as a
# share of a bare view measured around it (median of rounds) with no cache at all (DummyCache)
# and with the page cache on, and through deploy/nginx.conf as a share of nginx serving a static
# file, each against its target (✓/✗); then a release published through the admin every 10 s
# under load (no error, p99 < 100 ms). BENCH_BEFORE=<git rev> measures that revision beside this
# checkout in the same rounds. Writes bench/results/latest.md. Settings: bench/bench.py (BENCH_*).
bench: install
	$(BIN)/python bench/bench.py

# The same pages at 1,000 and at 100,000 releases, in-process, SQLite and PostgreSQL: medians and
# ratios, written to bench/results/scale-*.md. Settings: see bench/scale.py (SCALE_*).
bench-scale: install
	$(BIN)/python bench/scale.py

# A release published at 100,000 releases and 10,000 subscriptions: how long until every alert
# is handed to a local SMTP server. Settings: see bench/alerts_bench.py (BENCH_*).
bench-alerts: install
	$(BIN)/python bench/alerts_bench.py

# 1,000 admin saves from several staff clients beside autocomplete and public reads, the server
# as `make run` and as production start it, with the task worker: fails on any failed save, 5xx,
# `database is locked` or row written twice. Settings: see bench/desk.py (BENCH_DESK_*).
bench-desk: install
	$(BIN)/python bench/desk.py

# With no cache at all, how much of each page's time is its template alone (rendered again with
# its own context): the share of the bare view a page could reach if its view cost nothing.
# In-process over 10,000 generated releases. Settings: see bench/render_floor.py (BENCH_*).
render-floor: install
	$(BIN)/python bench/render_floor.py

# Which of our files (Python modules whose functions run, URLconfs, templates rendered) the list
# and a release page touch, each listed, against the target of about ten a page.
files-per-request: install
	$(BIN)/python bench/files_per_request.py

clean:
	rm -rf $(VENV) staticfiles artifacts
