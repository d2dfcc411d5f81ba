# FiberOps — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3.12
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
# Tests marked postgres_only (row-locking races) need PostgreSQL; on SQLite they are deselected.
PYTEST_MARKS := $(if $(findstring postgres,$(DATABASE_URL)),,-m "not postgres_only")
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: demo test lint typecheck pytest bench lock messages clean

$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=25"
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

venv: $(VENV)/.installed

## make demo — migrate the embedded database, load the demo data once, serve it with the SLA clock.
demo: venv
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py demo_logins
	@echo "FiberOps on http://127.0.0.1:$(PORT)/  (Ctrl-C stops the server and the SLA clock)"
	trap 'kill 0' INT TERM EXIT; \
	  $(PY) manage.py run_sla_clock --loop --interval 30 & \
	  $(PY) manage.py runserver --noreload 127.0.0.1:$(PORT)

## make test — lint, types, migrations check and every test (the embedded SQLite unless DATABASE_URL says otherwise).
test: venv lint typecheck
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_MARKS)

lint: venv
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

typecheck: venv
	$(VENV)/bin/mypy fiberops

pytest: venv
	$(PY) -m pytest $(PYTEST_MARKS)

## make bench — intake throughput and one SLA sweeper tick over 1,000,000 open deadlines.
bench: venv
	$(PY) manage.py bench_sla --database-url sqlite:///var/bench.sqlite3
	$(PY) manage.py bench_sla --database-url postgres://postgres@127.0.0.1:5432/fiberops_bench

## make lock — re-resolve requirements.lock from pyproject.toml (run after changing a dependency).
lock:
	rm -rf /tmp/fiberops-lock && $(PYTHON) -m venv /tmp/fiberops-lock
	/tmp/fiberops-lock/bin/pip install --quiet -e ".[dev]"
	/tmp/fiberops-lock/bin/pip freeze --exclude-editable | grep -v '^-e' > requirements.lock

messages: venv
	cd fiberops && ../$(PY) ../manage.py makemessages -l zh_Hans --no-obsolete && ../$(PY) ../manage.py compilemessages

clean:
	rm -rf $(VENV) var
