# cblog: `make run` serves the site locally, `make test` runs the whole suite.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python
PYTEST := $(BIN)/pytest
# Debian packages: no compiler or headers (MySQL through pure-Python PyMySQL); the rest serve the tests.
RUN_DEB := python3-venv
TEST_DEB := $(RUN_DEB) chromium shellcheck systemd haproxy mariadb-client zip redis-server \
	default-jre-headless nodejs
# DB_NAME can be overridden so that parallel runs on one server use separate test databases.
DB_NAME ?= cblog
# The MariaDB pass also runs the cache and throttles on Redis, in a database number of its own.
REDIS_DB ?= 5
MARIADB_ENV := DB_HOST=127.0.0.1 DB_PORT=3306 DB_USER=root DB_PASSWORD= DB_NAME=$(DB_NAME) \
	REDIS_URL=redis://127.0.0.1:6379/$(REDIS_DB)
# checkov's pins conflict with requirements-dev.txt, so it lives in a venv of its own.
CHECKOV_VENV := .venv-checkov

.PHONY: run test test-sqlite test-apps test-system test-deploy test-mariadb test-s3 lint format demo lambda-zip up release status down stack stack-down bench bench-web clean

$(VENV)/.run-deps: requirements.txt
	scripts/apt-install $(RUN_DEB)
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

# npm brings the W3C Nu Html Checker (vnu.jar, run on Debian's Java); its Java download is skipped.
$(VENV)/.dev-deps: $(VENV)/.run-deps requirements-dev.txt tests/package-lock.json
	scripts/apt-install $(TEST_DEB)
	$(BIN)/pip install --quiet -r requirements-dev.txt
	cd tests && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

run: $(VENV)/.run-deps
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PYTHON) manage.py migrate --noinput
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PYTHON) manage.py runserver 127.0.0.1:8000

# The whole suite: on SQLite with local media and a local-memory cache, the application suites and
# the system ones (deploy, stack, browser, standards); the application suites again on MariaDB with
# Redis, and with media on S3. The application passes, the deploy suite and lint run two at a time,
# each printed when it ends: they share no state (their own databases, Redis key prefixes, loopback
# ports). The stack, browser, security and standards suites run alone afterwards, since their load
# and fault tests need the cores to themselves.
APP_PASSES := lint test-apps test-mariadb test-s3 test-deploy
test: $(VENV)/.dev-deps $(CHECKOV_VENV)/.deps
	scripts/start-mariadb
	scripts/start-redis
	$(MAKE) --no-print-directory --jobs=2 --output-sync=target $(APP_PASSES)
	$(MAKE) --no-print-directory test-system

test-sqlite: test-apps test-deploy test-system

test-apps:
	$(PYTEST) -q blog users cblog lambda_indexer

test-deploy:
	$(PYTEST) -q deploy

test-system:
	$(PYTEST) -q tests

test-mariadb:
	$(MARIADB_ENV) $(PYTEST) -q blog users cblog

test-s3:
	CBLOG_TEST_STORAGE=s3 $(PYTEST) -q blog users cblog/images

lint: $(VENV)/.dev-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_DEBUG=1 $(PYTHON) manage.py makemigrations --check --dry-run

format: $(VENV)/.dev-deps
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

demo: $(VENV)/.run-deps
	DJANGO_DEBUG=1 $(PYTHON) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PYTHON) manage.py seed_demo --posts 30

clean:
	rm -rf $(VENV) staticfiles dist test-artifacts tests/node_modules

# The indexer's deployment package, stdlib-only build (handler lambda_indexer.handler.lambda_handler).
LAMBDA_ZIP ?= dist/lambda_indexer.zip
lambda-zip:
	python3 -m lambda_indexer.build_zip $(LAMBDA_ZIP)

# One command per lifecycle step of an AWS environment (deploy/README.md):
# make up|release|status|down ENV=deploy/environments/<name>.json
up release status down: $(VENV)/.dev-deps
	@test -n "$(ENV)" || { echo "ENV=deploy/environments/<name>.json is required" >&2; exit 2; }
	$(PYTHON) -m deploy.ops $@ $(ENV)

$(CHECKOV_VENV)/.deps: deploy/requirements-checkov.txt
	python3 -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/pip install --quiet -r deploy/requirements-checkov.txt
	touch $@

# The production topology on loopback (MariaDB, moto, two gunicorns behind HAProxy, the indexer).
stack: $(VENV)/.dev-deps
	scripts/start-mariadb
	$(PYTHON) -m scripts.stack $(STACK_ARGS)

stack-down:
	$(PYTHON) -m scripts.stack down

# Benchmarks print figures and assert nothing; run as modules so that they import the project.
bench: $(VENV)/.dev-deps
	for script in bench/*.py; do $(PYTHON) -m bench.$$(basename $$script .py) || exit 1; done

# Pages per second on MariaDB at 100 / 10,000 / 100,000 posts against a bare Django view, driven by
# wrk; writes bench/results/web.md, .json and .png. BENCH_WEB_ARGS="--sizes 100 --duration 2"
# for a quick run (python -m bench.web --help lists the options).
bench-web: $(VENV)/.dev-deps
	scripts/apt-install wrk
	scripts/start-mariadb
	$(PYTHON) -m bench.web $(BENCH_WEB_ARGS)
