# The two commands of the README:
#   make run   — set up everything, load the Hưng Yên demo data, serve on http://127.0.0.1:8000
#   make test  — set up everything and run the whole test suite
# Both create .venv, install the pinned dependencies and migrate the database by themselves.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1:8000

.PHONY: run test venv migrate lint typecheck check messages

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

migrate: venv
	$(PY) manage.py migrate --noinput

run: migrate
	$(PY) manage.py load_demo
	@echo "Mở http://$(HOST)/ — quản trị: http://$(HOST)/quan-tri/ — API: http://$(HOST)/api/v1/docs"
	MOTCUA_SITE_URL=$${MOTCUA_SITE_URL:-http://$(HOST)} $(PY) manage.py runserver $(HOST)

test: migrate
	$(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: venv
	$(VENV)/bin/mypy .

check: lint typecheck
	$(PY) manage.py makemigrations --check --dry-run

messages: venv
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=var --ignore=data
	$(PY) manage.py compilemessages --ignore=.venv
