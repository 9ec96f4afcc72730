# Cadence: `make run` to use it, `make test` to test it. Both install what they need first.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: install install-dev run test bench faults lint lock mutate clean

# `make run` installs what Cadence runs with; the test tools come with `make test` (install-dev).
install: $(VENV)/.installed-run
install-dev: $(VENV)/.installed

$(VENV)/bin/python:
	@python="$${PYTHON:-$$(bin/find-python)}" || exit 1; \
	echo "Creating $(VENV) with $$python"; \
	"$$python" -m venv $(VENV) || { echo "Could not create a virtualenv: install the venv module for $$python (e.g. apt-get install python3-venv)"; exit 1; }
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip

# Each re-installs only when its pinned requirements change; idempotent otherwise.
$(VENV)/.installed-run: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@ $(VENV)/.installed-run

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py bootstrap
	PORT=$(PORT) bin/run-all

test: install-dev
	bin/test
	# The roster's hand-written SQL (apps/groups/roster.py) on the embedded default, SQLite, too.
	DATABASE_URL=sqlite:///var/test-embedded.sqlite3 bin/test tests/groups -q -m "not browser"

# Benchmarks (PostgreSQL, Redis, wrk): BENCH_USERS=10000 by default; writes bench/results/latest.json.
bench: install-dev
	@command -v wrk >/dev/null || { echo "installing wrk"; apt-get install -y -qq wrk >/dev/null; }
	$(PY) bench/run.py

# Fault tests: real processes broken on purpose (a killed worker, two beats, Redis and PostgreSQL down, SMTP refusing),
# and the property-based tests (generated input to the forms, the importer and every route) at full length.
faults: install-dev
	FAULTS_FULL=1 bin/test tests/faults tests/test_properties.py tests/security/test_any_request.py

lint: install-dev
	$(VENV)/bin/ruff check .

# Regenerate the pinned files from pyproject.toml's ranges in a scratch virtualenv: what Cadence runs
# with alone, then what the dev extras add on top of it.
lock:
	rm -rf /tmp/cadence-lock && "$$(bin/find-python)" -m venv /tmp/cadence-lock
	/tmp/cadence-lock/bin/pip install --quiet --upgrade pip
	/tmp/cadence-lock/bin/pip install --quiet -e .
	{ echo "# Exact versions of everything Cadence runs with (make lock regenerates this)."; \
	  /tmp/cadence-lock/bin/pip freeze --exclude-editable | grep -v '^pip=='; } > requirements.txt
	/tmp/cadence-lock/bin/pip install --quiet -e '.[dev]'
	{ echo "# requirements.txt plus the test tools (make lock regenerates this)."; echo "-r requirements.txt"; \
	  /tmp/cadence-lock/bin/pip freeze --exclude-editable | grep -v '^pip==' | grep -vxFf requirements.txt; } > requirements-dev.txt

# Mutation testing of the core modules (bench/mutate.py; slow: not part of make test or CI).
mutate: install-dev
	$(PY) bench/mutate.py $(MODULES)

clean:
	rm -rf $(VENV) var
