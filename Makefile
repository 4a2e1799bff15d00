# Two commands for a fresh machine: `make run` and `make test` (see README.md).
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
GOVUK_FRONTEND := 6.3.0
DIST := feedback_app/static/dist
SECRET_FILE := instance/secret_key
PYTHON ?= python3

.PHONY: run test install assets lint typecheck pytest bench translations compile-translations clean-assets \
	lock test-min-versions licences

install: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The OpenID provider the single sign-on tests start (tests/support/oidc/, ADR 0035).
OIDC_TEST_PROVIDER := tests/support/oidc
$(OIDC_TEST_PROVIDER)/node_modules/.installed: $(OIDC_TEST_PROVIDER)/package.json $(OIDC_TEST_PROVIDER)/package-lock.json
	cd $(OIDC_TEST_PROVIDER) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: $(DIST)/app.css $(DIST)/app.js
$(DIST)/app.css: node_modules/.installed Makefile $(wildcard feedback_app/static/src/*.scss)
	mkdir -p $(DIST)
	npx --no-install sass --load-path=node_modules --style=compressed --no-source-map \
		--quiet-deps feedback_app/static/src/app.scss $@
	gzip -9 --keep --force --no-name $@
$(DIST)/app.js: node_modules/.installed Makefile feedback_app/static/src/app.js
	mkdir -p $(DIST)
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $(DIST)/govuk-frontend-$(GOVUK_FRONTEND).min.js
	cp feedback_app/static/src/app.js $@
	gzip -9 --keep --force --no-name $@ $(DIST)/govuk-frontend-$(GOVUK_FRONTEND).min.js

$(SECRET_FILE):
	mkdir -p instance
	umask 077 && $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(48))" > $@

run: install assets compile-translations $(SECRET_FILE)
	SECRET_KEY="$$(cat $(SECRET_FILE))" $(BIN)/alembic upgrade heads
	SECRET_KEY="$$(cat $(SECRET_FILE))" $(BIN)/feedback-app demo load
	@echo "  Staff workspace: http://127.0.0.1:$(PORT)/staff/login"
	@echo ""
	@echo "  The demo is running: open http://127.0.0.1:$(PORT)/ (stop with Ctrl+C)"
	@echo ""
	SECRET_KEY="$$(cat $(SECRET_FILE))" exec $(BIN)/feedback-app run --host 127.0.0.1 --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

pytest: install assets compile-translations $(OIDC_TEST_PROVIDER)/node_modules/.installed
	$(BIN)/pytest -q $(PYTEST_ARGS)

test: lint typecheck pytest

# Extract interface and questionnaire text, update each language, compile.
EXTRACT := $(BIN)/pybabel extract -k N_ -k _l -k lazy_gettext --sort-output --omit-header --no-location
# messages.pot holds every string; respondent.pot what respondents and the public
# see, which every shipped language translates (staff pages are in English).
translations: install
	$(EXTRACT) -k S_ -F babel.cfg -o translations/messages.pot . >/dev/null
	$(EXTRACT) -F babel-respondent.cfg -o translations/respondent.pot . >/dev/null
	$(BIN)/pybabel update -i translations/respondent.pot -d translations \
		--no-fuzzy-matching --ignore-obsolete >/dev/null
	$(MAKE) compile-translations

compile-translations: install
	if ls translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then \
		$(BIN)/pybabel compile -d translations --statistics; fi

bench: install assets
	$(BIN)/python bench/analysis_bench.py
	$(BIN)/python bench/load/run_all.py $(LOAD_ARGS)
	$(BIN)/python bench/results_bench.py
	$(BIN)/python bench/board_pdf_bench.py
	$(BIN)/python bench/downloads_bench.py --keep bench/out/downloads
	$(BIN)/python bench/respond_bench.py --backend sqlite
	$(BIN)/python bench/respond_bench.py --backend postgresql
	HYPOTHESIS_PROFILE=bench $(BIN)/pytest -q -s tests/feedback_app/web/test_web_fuzz_forms.py -k sqlite
	$(BIN)/python bench/figures.py

# Pinned versions with hashes for deployments (docs/production.md, "Dependencies").
# `make lock` after changing pyproject.toml keeps the other pins; upgrade all with
# `make lock LOCK_ARGS=--upgrade`, one with `LOCK_ARGS="--upgrade-package NAME"`.
LOCK := $(BIN)/uv pip compile --quiet pyproject.toml --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command "make lock" $(LOCK_ARGS)
lock: install
	$(LOCK) -o requirements.lock
	$(LOCK) --extra dev -o requirements-dev.lock

# The runtime dependencies' licences (docs/licences.md); fails on one not allowed.
licences: install
	$(BIN)/python -m tests.support.licences

# The lowest declared version of every direct dependency (uv's lowest-direct
# resolution), in a venv of its own: the unit and web tests must pass there too,
# so a floor in pyproject.toml that no longer works is caught (docs/production.md).
MIN_VENV := .venv-min
test-min-versions: install assets compile-translations
	rm -rf $(MIN_VENV)
	$(BIN)/uv venv --quiet --python $(BIN)/python $(MIN_VENV)
	$(BIN)/uv pip compile --quiet pyproject.toml --extra dev --resolution lowest-direct \
		--python $(MIN_VENV)/bin/python -o $(MIN_VENV)/requirements-min.txt
	$(BIN)/uv pip install --quiet --python $(MIN_VENV)/bin/python -r $(MIN_VENV)/requirements-min.txt
	$(BIN)/uv pip install --quiet --python $(MIN_VENV)/bin/python --no-deps -e .
	$(MIN_VENV)/bin/pytest -q -p no:cacheprovider -m "not browser" tests --ignore=tests/browser --ignore=tests/ops $(PYTEST_ARGS)

clean-assets:
	rm -rf $(DIST) node_modules/.installed
