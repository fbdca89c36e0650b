.DEFAULT_GOAL := help
.PHONY: help venv requirements demo-requirements demo-storage upgrade test test-sqlite quality format pii_check demo migrate serve bench clean

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP_COMPILE := $(BIN)/pip-compile --allow-unsafe --strip-extras --no-emit-index-url -q
DEMO_ENV := DATABASE_URL=sqlite:///$(CURDIR)/.data/demo.sqlite3

help: ## show this list of targets
	@grep -E '^[a-zA-Z_-]+:.*?## .*$$' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-14s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip wheel

venv: $(BIN)/python ## create the virtualenv (.venv)

requirements: venv ## install the pinned development requirements and the packages, editable
	bash scripts/system-packages.sh
	$(BIN)/pip install -q -r requirements/dev.txt
	# One package per pip call: two editable installs in one call have raced on their .pth files.
	$(BIN)/pip install -q -e .
	$(BIN)/pip install -q -e tutor_plugin
	$(BIN)/pip install -q ./tests/packages/vault-likert-type
	# Open edX's LTI 1.3 platform (lti-consumer-xblock) for the LTI tests' platform server, outside site-packages:
	# its lms.djangoapp entry point would load it into the hosts, which lack edx-platform's settings.
	$(BIN)/pip install -q --no-deps --upgrade --target $(VENV)/lti-platform lti-consumer-xblock==11.4.4
	# esbuild and React, pinned by package-lock.json: the Tutor plugin tests compile and render the MFE widget.
	npm ci --prefix tests/tutor_plugin/mfe_harness --no-audit --no-fund --loglevel=error

demo-requirements: venv ## install only what the demo needs (the package and the hosts; no test or Tutor tool chain)
	$(BIN)/pip install -q -r requirements/demo.txt
	$(BIN)/pip install -q -e .

upgrade: venv ## re-pin requirements/*.txt from requirements/*.in (pip-tools)
	$(BIN)/pip install -q -r requirements/pip-tools.txt
	cd requirements && for f in base demo test quality dev ci pip-tools doc; do ../$(PIP_COMPILE) --upgrade -o $$f.txt $$f.in; done
	# Let tox choose the Django version for its matrix (as edx-cookiecutters does).
	sed -i '/^django==/d' requirements/test.txt

test: requirements ## run the whole test suite on MariaDB and on PostgreSQL (both hosts)
	bash scripts/test.sh --parallel mariadb postgresql

test-sqlite: requirements ## run the suite quickly on SQLite (no database server needed)
	bash scripts/test.sh sqlite

quality: requirements ## ruff (lint, format check), mypy and the import contracts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy ve_edu_vault hosts
	$(BIN)/lint-imports

format: requirements ## format the code with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

pii_check: requirements ## check that every model has a PII annotation
	DJANGO_SETTINGS_MODULE=hosts.lms.test_settings $(BIN)/code_annotations django_find_annotations --config_file .pii_annotations.yml --lint --report --coverage

migrate: demo-requirements ## migrate the demo database (SQLite under .data/)
	$(DEMO_ENV) $(BIN)/python manage.py lms migrate -v0

demo-storage: ## with VE_EDU_VAULT_STORAGE_BACKEND=mongodb, check VE_EDU_VAULT_MONGODB_URL is given (make demo does)
	@if [ "$${VE_EDU_VAULT_STORAGE_BACKEND:-django}" = mongodb ] && [ -z "$${VE_EDU_VAULT_MONGODB_URL:-}" ]; then \
	  echo "make demo: VE_EDU_VAULT_STORAGE_BACKEND=mongodb needs VE_EDU_VAULT_MONGODB_URL (e.g. mongodb://127.0.0.1:27017)."; \
	  echo "No MongoDB server is installed on this machine kind; run 'make demo' without it for SQLite storage."; \
	  exit 2; fi

demo: demo-storage migrate ## import the demo course, load the demo data and serve the LMS (:8000) and Studio (:8001) hosts
	$(DEMO_ENV) $(BIN)/python manage.py cms host_import_course
	$(DEMO_ENV) $(BIN)/python manage.py lms vault_init --demo
	$(MAKE) serve

serve: ## serve the LMS and Studio hosts and a Celery worker (filesystem broker, no server needed)
	bash scripts/serve.sh

bench: requirements ## run the benchmarks (figures with same-run baselines; MariaDB for submit and regrade)
	$(BIN)/python bench/bench_diff.py
	$(BIN)/python bench/bench_apply.py
	$(BIN)/python bench/bench_graders.py
	$(BIN)/python bench/bench_answer_check.py
	$(BIN)/python bench/bench_question_import.py
	$(BIN)/python bench/bench_question_search.py
	$(BIN)/python bench/bench_submit.py
	$(BIN)/python bench/bench_regrade.py
	$(BIN)/python bench/bench_export.py
	$(BIN)/python bench/bench_lti.py
	$(BIN)/python bench/bench_load.py
	$(BIN)/python bench/bench_summaries.py
	$(BIN)/python bench/bench_storage.py
	$(BIN)/python bench/bench_webhooks.py

clean: ## remove the virtualenv and local data
	rm -rf $(VENV) .data .tox .pytest_cache .mypy_cache .ruff_cache
