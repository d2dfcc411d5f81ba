# FiberOps — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3.12
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
DEMO_SNMP_PORT ?= 16161
# Tests marked postgres_only (row-locking races) need PostgreSQL; on SQLite they are deselected.
PYTEST_MARKS := $(if $(findstring postgres,$(DATABASE_URL)),,-m "not postgres_only")
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: demo serve test lint typecheck pytest bench bench-dispatch bench-snmp lock messages clean static-vendor

# Settings default to production (DEBUG off, SECRET_KEY required: docs/deploy.md); the demo and
# the developer's own commands run with DEBUG on. Tests use fiberops/settings_test.py.
demo messages bench bench-dispatch bench-snmp: export DEBUG = 1

$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=25"
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

## Front-end packages (Leaflet for the dispatcher board's map) come through npm with
## package-lock.json; their built files are copied into a gitignored static directory.
LEAFLET_STATIC := fiberops/dispatch/static/vendor/leaflet
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(LEAFLET_STATIC)/leaflet.js: node_modules/.package-lock.json
	rm -rf $(LEAFLET_STATIC) && mkdir -p $(dir $(LEAFLET_STATIC))
	cp -R node_modules/leaflet/dist $(LEAFLET_STATIC)
	touch $@

static-vendor: $(LEAFLET_STATIC)/leaflet.js

venv: $(VENV)/.installed static-vendor

## make demo — migrate the embedded database and serve the demo: the web server starts as soon as the
## logins and the newest orders exist, the rest of the demo data loads behind it (once), then the SLA
## clock starts. Ctrl-C (or TERM to make) stops the loader, the server and the clock; none is left.
DEMO_READY := var/demo.ready
demo: venv
	mkdir -p var
	$(PY) manage.py migrate --noinput
	@rm -f $(DEMO_READY); loader= server= clock= agent= poller=; \
	stop() { trap - INT TERM EXIT; kill -TERM $$loader $$server $$clock $$agent $$poller 2>/dev/null; wait; }; \
	trap 'stop; exit 130' INT; trap 'stop; exit 143' TERM; trap stop EXIT; \
	mkdir -p -m 777 var/snmpsim-cache; \
	$(PY) -m fiberops.inspections.snmp_agent --data-dir=fiberops/inspections/snmpdata \
	  --cache-dir=var/snmpsim-cache --agent-udpv4-endpoint=127.0.0.1:$(DEMO_SNMP_PORT) \
	  --logging-method=null & agent=$$!; \
	DEMO_SNMP_PORT=$(DEMO_SNMP_PORT) $(PY) manage.py load_demo --ready-file $(DEMO_READY) & loader=$$!; \
	while [ ! -e $(DEMO_READY) ]; do \
	  kill -0 $$loader 2>/dev/null || { wait $$loader; exit 1; }; sleep 0.2; \
	done; \
	$(PY) manage.py runserver --noreload 127.0.0.1:$(PORT) & server=$$!; \
	PORT=$(PORT) $(PY) manage.py demo_logins; \
	echo "FiberOps on http://127.0.0.1:$(PORT)/  (Ctrl-C stops the server, the loading, the SLA clock, the SNMP agent and the switch poller)"; \
	while kill -0 $$loader 2>/dev/null; do kill -0 $$server 2>/dev/null || exit 1; sleep 0.5; done; \
	wait $$loader || { echo "load_demo failed (see above)" >&2; exit 1; }; loader=; \
	$(PY) manage.py run_sla_clock --loop --interval 30 & clock=$$!; \
	$(PY) manage.py poll_switches --loop --interval 300 & poller=$$!; \
	wait $$server

## make serve — the production way on this machine (docs/deploy.md): migrate, collect static files,
## then gunicorn (WEB_CONCURRENCY workers) and the SLA worker as two processes. Needs SECRET_KEY,
## DATABASE_URL and ALLOWED_HOSTS in the environment; DEBUG stays off. Ctrl-C/TERM stops both.
serve: venv static-vendor
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@web= worker=; \
	stop() { trap - INT TERM EXIT; kill -TERM $$web $$worker 2>/dev/null; wait; }; \
	trap 'stop; exit 130' INT; trap 'stop; exit 143' TERM; trap stop EXIT; \
	$(VENV)/bin/gunicorn --config gunicorn.conf.py fiberops.wsgi & web=$$!; \
	$(PY) manage.py run_sla_clock --loop --interval 30 & worker=$$!; \
	wait -n $$web $$worker; exit 1

## make test — lint, types, migrations check and every test (the embedded SQLite unless DATABASE_URL says otherwise).
test: venv lint typecheck
	DJANGO_SETTINGS_MODULE=fiberops.settings_test $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_MARKS)

lint: venv
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

typecheck: venv
	$(VENV)/bin/mypy fiberops

pytest: venv
	$(PY) -m pytest $(PYTEST_MARKS)

## make bench — intake throughput and one SLA sweeper tick over 1,000,000 open deadlines, then intake
## over HTTP against gunicorn (DEBUG off there) beside a bare Django view (fiberops/bench).
bench: venv
	$(PY) manage.py bench_sla --database-url sqlite:///var/bench.sqlite3
	$(PY) manage.py bench_sla --database-url postgres://postgres@127.0.0.1:5432/fiberops_bench
	$(PY) manage.py bench_intake_http --database-url postgres://postgres@127.0.0.1:5432/fiberops_bench_http
	$(PY) manage.py bench_photo_hash --database-url postgres://postgres@127.0.0.1:5432/fiberops_bench_photos

## make bench-dispatch — day plans (issue 9): the 56 Solomon instances at 10 s each (about ten
## minutes; the data in ../shared/bench/solomon), then the synthetic city day (60 technicians, 600
## jobs) planned by PyVRP and by the greedy baseline, and urgent insertions. A subset or shorter
## runs: make bench-dispatch BENCH_DISPATCH_ARGS="--instances C1,R101 --time-limit 2".
## make bench-snmp — one SNMP poll of 10,000 switches served by snmpsim (issue 10; goal: within
## 5 minutes), storing the readings with the breach rule; docs/benchmarks.md "Switch poll".
bench-snmp: venv
	$(PY) manage.py bench_snmp_poll --switches 10000 --database-url sqlite:///var/bench-snmp.sqlite3

bench-dispatch: venv
	$(PY) manage.py bench_dispatch $(BENCH_DISPATCH_ARGS)

## make lock — re-resolve requirements.lock from pyproject.toml (run after changing a dependency).
lock:
	rm -rf /tmp/fiberops-lock && $(PYTHON) -m venv /tmp/fiberops-lock
	/tmp/fiberops-lock/bin/pip install --quiet -e ".[dev]"
	/tmp/fiberops-lock/bin/pip freeze --exclude-editable | grep -v '^-e' > requirements.lock

messages: venv
	cd fiberops && ../$(PY) ../manage.py makemessages -l zh_Hans --no-obsolete && ../$(PY) ../manage.py compilemessages

clean:
	rm -rf $(VENV) var node_modules $(LEAFLET_STATIC)
