# The two commands: `make run` and `make test`. Each bootstraps .venv by itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
HOST ?= 127.0.0.1
PORT ?= 8501

.PHONY: run test lint install clean bench

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

# Every core, the 15 slowest tests and the PostgreSQL count printed at the end (tests/conftest.py).
test: $(STAMP) lint
	$(BIN)/python -m pytest -n auto --durations=15 $(PYTEST_ARGS)

bench: $(STAMP)
	@for f in benchmarks/bench_*.py benchmarks/metering.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
