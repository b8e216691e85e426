# The two commands of the README:
#   make run   — set up everything, load the Hưng Yên demo data, serve on http://127.0.0.1:8000
#   make test  — set up everything and run the whole test suite
# Both create .venv, install the locked dependencies (requirements/dev.txt: runtime, test and development
# tools) and migrate the databases they use by themselves.
#
# Production: make serve — a venv of its own (.venv-prod) with the runtime lock only
# (requirements/runtime.txt), migrations, static files, then gunicorn (motcua/gunicorn_conf.py), the
# outbox worker(s) that deliver to the partners (OUTBOX_WORKERS) and the background worker(s) that run the
# tasks and the periodic jobs (TASK_WORKERS), all supervised by tools/serve.py.
# The locks are generated from pyproject.toml by `make lock`.

PYTHON    ?= python3
VENV      := .venv
PY        := $(VENV)/bin/python
PROD_VENV ?= .venv-prod
PROD_PY   := $(PROD_VENV)/bin/python
HOST      ?= 127.0.0.1:8000
PIP       := -m pip install --quiet --disable-pip-version-check
# pip before 24 refuses a locked package asked for with an extra (weasyprint → fonttools[woff]) in
# hash-checking mode; a new venv's pip is upgraded to this one first.
PIP_VERSION := 26.3
# Flags for `make lock`, e.g. LOCK_ARGS=--upgrade or LOCK_ARGS="--upgrade-package django".
LOCK_ARGS ?=
UV_COMPILE = $(VENV)/bin/uv pip compile pyproject.toml --quiet --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command "make lock" $(LOCK_ARGS)

.PHONY: run test venv migrate lint typecheck check messages lock serve

venv: $(VENV)/.installed

# Re-installs whenever the lock changes (pip adds and changes packages; it removes none: after a
# package leaves the lock, `rm -r .venv` gives a clean one).
$(VENV)/.installed: requirements/dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) $(PIP) pip==$(PIP_VERSION)
	$(PY) $(PIP) --require-hashes -r requirements/dev.txt
	@touch $@

# The runtime lock first; the dev lock is constrained by it, so both pin the same versions of what runs.
# Versions already in the locks are kept unless LOCK_ARGS says otherwise.
lock: venv
	$(UV_COMPILE) -o requirements/runtime.txt
	$(UV_COMPILE) --group dev -c requirements/runtime.txt -o requirements/dev.txt

migrate: venv
	$(PY) manage.py migrate --noinput

# The web server, the partners' simulators (port SIM_PORT), the outbox worker and the background worker
# (tasks, periodic jobs), stopped together by Ctrl-C (tools/run_demo.py): motcua's partner settings point at
# the simulators in all of them.
SIM_PORT  ?= 8765

run: migrate
	$(PY) manage.py load_demo
	@echo "Mở http://$(HOST)/ — quản trị: http://$(HOST)/quan-tri/ — API: http://$(HOST)/api/v1/docs"
	$(PY) tools/run_demo.py --host $(HOST) --simulators-port $(SIM_PORT)

# The tests run in parallel processes (pytest-xdist), one per core up to four, each starting on its own
# share and taking over tests from the others when done; PYTEST_WORKERS=0 runs them in this process
# (e.g. to debug with --pdb). Each process migrates a test database of its own: the tests never use
# the development database, so `make test` leaves it alone.
PYTEST_WORKERS ?= auto
test: venv
	$(PY) -m pytest -n $(PYTEST_WORKERS) --maxprocesses=4 --dist worksteal $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: venv
	$(VENV)/bin/mypy .

check: lint typecheck
	$(PY) manage.py makemigrations --check --dry-run

messages: venv
	$(PY) manage.py makemessages -l en --ignore='.venv*' --ignore=var --ignore=data
	$(PY) manage.py compilemessages --ignore='.venv*'

$(PROD_VENV)/.installed: requirements/runtime.txt
	@test -x $(PROD_PY) || $(PYTHON) -m venv $(PROD_VENV)
	$(PROD_PY) $(PIP) pip==$(PIP_VERSION)
	$(PROD_PY) $(PIP) --require-hashes -r requirements/runtime.txt
	@touch $@

# Production: configured by the environment (README, "Production"). The deploy checks print their
# warnings without stopping; tools/serve.py then replaces make, so its signals (TERM, INT, HUP) reach it:
# it runs gunicorn, OUTBOX_WORKERS outbox workers (manage.py run_worker; default 1, 0 when they run
# elsewhere) and TASK_WORKERS background workers (manage.py run_tasks; default 1), and stops them together.
# MOTCUA_DEMO_PKI (and with it MOTCUA_DEMO) defaults to 0 here: no demo CA, no demo second-factor key.
serve: export MOTCUA_DEMO_PKI ?= 0
serve: export MOTCUA_STATIC_COLLECTED := 1
serve: $(PROD_VENV)/.installed
	$(PROD_PY) manage.py check --deploy
	$(PROD_PY) manage.py migrate --noinput
	$(PROD_PY) manage.py collectstatic --noinput --verbosity 0
	exec $(PROD_PY) tools/serve.py --bind $(HOST)
