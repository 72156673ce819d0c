# Two commands on a fresh machine: `make demo` and `make test`. Both create .venv themselves.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
TEST_STAMP := $(VENV)/.test-installed-stamp
DEMO := demo

.PHONY: venv demo test lint bench docs clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

# the test suite also runs every metric on Spark (needs Java 17+; .ci/run installs it)
$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install -q -e '.[dev,spark]'
	touch $(TEST_STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/aimline synth --students 20000 --seed 7 --out $(DEMO)/district
	$(BIN)/aimline load $(DEMO)/district --warehouse $(DEMO)/aimline.duckdb
	$(BIN)/aimline info --warehouse $(DEMO)/aimline.duckdb
	$(BIN)/aimline compute --year 2026 --warehouse $(DEMO)/aimline.duckdb --out $(DEMO)/indicators.csv
	$(BIN)/python -m aimline.improve.gallery $(DEMO)/charts
	@echo "Warehouse: $(DEMO)/aimline.duckdb  Indicators: $(DEMO)/indicators.csv  Charts: $(DEMO)/charts/*.svg"

test: $(TEST_STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

docs: $(STAMP)
	$(BIN)/python -m aimline.data.docs > docs/data-format.md
	$(BIN)/python -m aimline.metrics.docs > docs/metrics.md
	$(BIN)/python -m aimline.improve.gallery docs/charts

bench: $(STAMP)
	$(BIN)/python bench/synth_load.py
	$(BIN)/python bench/spc.py
	$(BIN)/python bench/metrics.py
	$(BIN)/python bench/audit.py

clean:
	rm -rf $(DEMO) .pytest_cache .ruff_cache
