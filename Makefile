# The two commands: `make run` and `make test`. Each bootstraps .venv by itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
HOST ?= 127.0.0.1
PORT ?= 8501

.PHONY: run test test-browser test-ehf browser-deps lint install clean bench

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]' --config-settings editable_mode=compat
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/backoffice db upgrade --no-admin
	$(BIN)/backoffice demo --if-empty
	@echo ""
	@echo "Backoffice: http://$(HOST):$(PORT)   (sign in with one of the demo users above, password demo-passord)"
	@echo ""
	$(BIN)/streamlit run app.py --server.address $(HOST) --server.port $(PORT) --server.headless true \
		--browser.gatherUsageStats false

lint: $(STAMP)
	$(BIN)/ruff check .

# Browser tests need Debian's Chromium and axe-core (pinned, from npm, kept in a cache outside the clone).
# Installed when missing and possible (apt as root, npm); otherwise the browser tests skip and say why.
BROWSER_CACHE ?= $(HOME)/.cache/backoffice-browser
AXE_VERSION := 4.14.1
AXE_JS := $(BROWSER_CACHE)/axe-core-$(AXE_VERSION)/node_modules/axe-core/axe.min.js
export BACKOFFICE_AXE_JS := $(AXE_JS)

browser-deps:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
		&& (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 \
		    || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1)); } \
		|| echo "browser tests: Chromium could not be installed here; they will be skipped"
	@test -f $(AXE_JS) || { command -v npm >/dev/null 2>&1 && mkdir -p $(BROWSER_CACHE)/axe-core-$(AXE_VERSION) \
		&& npm install --silent --no-audit --no-fund --prefix $(BROWSER_CACHE)/axe-core-$(AXE_VERSION) \
		   axe-core@$(AXE_VERSION) >/dev/null 2>&1; } \
		|| echo "browser tests: axe-core $(AXE_VERSION) could not be installed (npm); accessibility checks skipped"

# Every core, the 15 slowest tests and the PostgreSQL count printed at the end (tests/conftest.py).
# The browser tests are one xdist group: one worker serves the app while the others run the rest.
test: $(STAMP) lint browser-deps
	$(BIN)/python -m pytest -n auto --dist loadgroup --durations=15 $(PYTEST_ARGS)

# Every page as every demo user in the browser (make test visits as the leader and the administrator).
test-browser: $(STAMP) browser-deps
	BACKOFFICE_BROWSER_USERS=all $(BIN)/python -m pytest -p no:xdist tests/browser $(PYTEST_ARGS)

# Every EHF document of the demo's runs through the official Peppol/CEN rules (make test validates a sample).
test-ehf: $(STAMP)
	BACKOFFICE_EHF_ALL=1 $(BIN)/python -m pytest -p no:xdist -s tests/pricing/invoicing/test_ehf_validation.py $(PYTEST_ARGS)

bench: $(STAMP)
	@for f in benchmarks/bench_*.py benchmarks/metering.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
