# Meldpunt — see README.md. Targets work on a fresh machine: they find Python >= 3.12 themselves.
SHELL := /bin/sh
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
DB ?= both            # make test DB=sqlite | postgres | both
HOST ?= 127.0.0.1
PORT ?= 8000
export MELDPUNT_DATA ?= $(CURDIR)/var
# as settings.STATIC_ROOT
STATIC_ROOT = $(or $(MELDPUNT_STATIC_ROOT),$(MELDPUNT_DATA)/static)

.PHONY: install assets run test test-sqlite test-postgres bench lint clean

install: $(BIN)/meldpunt

$(BIN)/meldpunt: pyproject.toml requirements/constraints.txt package-lock.json
	@python=$$(scripts/find-python) || exit 1; \
	  echo "Using $$python"; \
	  [ -x $(PY) ] || $$python -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements/constraints.txt -e '.[test,bench]'
	$(MAKE) --no-print-directory assets
	@touch $@

# htmx and Chart.js: npm fetches the versions pinned in package.json/package-lock.json; the files
# the templates use are copied into the package (committed), so a wheel serves them without npm.
# After a version bump: `make assets`, then commit src/meldpunt/web/static/vendor/.
VENDOR := src/meldpunt/web/static/vendor
assets:
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@mkdir -p $(VENDOR)/htmx $(VENDOR)/chartjs
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/htmx.org/LICENSE $(VENDOR)/htmx/
	cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/dist/chart.umd.min.js.map \
	  node_modules/chart.js/LICENSE.md $(VENDOR)/chartjs/

run: export MELDPUNT_DEBUG = 1
run: export MELDPUNT_SITE_URL ?= http://$(HOST):$(PORT)
run: export MELDPUNT_EMAIL_BACKEND ?= django.core.mail.backends.filebased.EmailBackend
run: install $(STATIC_ROOT)/.collected
	@mkdir -p $(MELDPUNT_DATA)
	$(BIN)/meldpunt migrate --no-input -v 0
	$(BIN)/meldpunt load-catalogs
	$(BIN)/meldpunt load-demo
	@echo; echo "Meldpunt runs at http://$(HOST):$(PORT)/  (Ctrl-C stops web server, worker and scheduler)"
	@$(BIN)/meldpunt demo-logins; echo
	@echo "Mail out is written to $(MELDPUNT_DATA)/mail/ (MELDPUNT_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend"
	@echo "and MELDPUNT_SMTP_HOST send it for real). IMAP mailboxes are set up in /admin/ (Intake > Mailboxes)."
	@exec $(PY) scripts/run-all $(BIN) $(HOST):$(PORT)  # stops all three on INT or TERM to make

# collectstatic hashes and compresses every file (~15-30 s), so it runs only when a static source
# (or the installed packages: Django's admin files) is newer than the last collection.
$(STATIC_ROOT)/.collected: $(shell find src -path '*/static/*') $(BIN)/meldpunt
	$(BIN)/meldpunt collectstatic --no-input -v 0
	@touch $@

test: install
	@case "$(strip $(DB))" in \
	  sqlite) $(MAKE) --no-print-directory test-sqlite ;; \
	  postgres) $(MAKE) --no-print-directory test-postgres ;; \
	  *) $(MAKE) --no-print-directory test-postgres && $(MAKE) --no-print-directory test-sqlite ;; \
	esac

test-sqlite: install
	@echo "== test suite on SQLite"
	env -u DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: install
	@echo "== test suite on PostgreSQL"
	scripts/with-postgres $(BIN)/pytest $(PYTEST_ARGS)

bench: export MELDPUNT_PG_OPTS ?= -c shared_buffers=2GB -c work_mem=64MB -c maintenance_work_mem=512MB
bench: export MELDPUNT_PG_DURABLE ?= 1
bench: install $(STATIC_ROOT)/.collected
	$(PY) bench/businesstime_bench.py
	@echo
	scripts/with-postgres $(PY) bench/intake_bench.py
	@echo
	scripts/with-postgres sh -c '$(PY) bench/generate_tickets.py --tickets $${BENCH_TICKETS:-1000000} && $(PY) bench/alert_scan_bench.py && $(PY) bench/queue_bench.py && $(PY) bench/search_bench.py'
	@echo
	scripts/with-postgres $(PY) bench/helpdesk_bench.py
	@echo
	scripts/with-postgres $(PY) bench/worker_memory_bench.py
	@echo
	scripts/with-postgres $(PY) bench/attachment_memory_bench.py
	scripts/with-postgres $(PY) bench/attachment_memory_bench.py --s3

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy  # meldpunt.core, configured in pyproject.toml
	$(BIN)/lint-imports  # the layers and the app order ([tool.importlinter] in pyproject.toml)

clean:
	rm -rf $(VENV) var .pytest_cache
