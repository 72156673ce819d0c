# Two commands on a fresh machine: `make demo` and `make test`. Both create .venv themselves.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
TEST_STAMP := $(VENV)/.test-installed-stamp
DEMO := demo

# the site tests run a second time on PostgreSQL when a server answers (CI machines have one)
PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: venv demo test lint bench docs screenshots clean example-grand-bend

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

# the demo site: SQLite + DuckDB under demo/, no other services, http://127.0.0.1:8000
DEMO_ENV := AIMLINE_HOME=$(DEMO) AIMLINE_DEBUG=1 AIMLINE_WAREHOUSE=$(DEMO)/aimline.duckdb \
  AIMLINE_REQUIRE_2FA=0

demo: $(STAMP)
	rm -rf $(DEMO)/district $(DEMO)/aimline.duckdb
	@mkdir -p $(DEMO); echo "Building the demo district; the commands' tables go to $(DEMO)/build.log"
	$(BIN)/aimline synth --students 20000 --seed 7 --story --out $(DEMO)/district > $(DEMO)/build.log
	$(BIN)/aimline load $(DEMO)/district --warehouse $(DEMO)/aimline.duckdb >> $(DEMO)/build.log
	for y in 2024 2025 2026; do for p in year month; do \
	  $(BIN)/aimline compute --year $$y --period $$p --warehouse $(DEMO)/aimline.duckdb \
	    --out $(DEMO)/indicators-$$y-$$p.csv >> $(DEMO)/build.log || exit 1; done; done
	$(BIN)/python -m aimline.improve.gallery $(DEMO)/charts >> $(DEMO)/build.log
	$(DEMO_ENV) $(BIN)/aimline site setup --demo
	@echo "Warehouse: $(DEMO)/aimline.duckdb  Indicators: $(DEMO)/indicators-*.csv  Charts: $(DEMO)/charts/*.svg"
	@echo "For the README's commands: export AIMLINE_WAREHOUSE=$(DEMO)/aimline.duckdb"
	@echo "Site: http://127.0.0.1:8000  (log in as any user above, password aimline-demo; Ctrl-C stops)"
	$(DEMO_ENV) $(BIN)/aimline serve --workers 2

# two workers (pytest-xdist, a test file per worker at a time); the browser tests after, in
# one process: they run on a live server and leave an emptied database behind them
XDIST := -n 2 --dist loadfile
test: $(TEST_STAMP)
	$(BIN)/python -m pytest -q $(XDIST) -m "not browser"
	$(BIN)/python -m pytest -q -p no:cacheprovider -m browser
	@if $(BIN)/python -c "import psycopg; psycopg.connect('$(PG_URL)', connect_timeout=3).close()" 2>/dev/null; then \
	  echo "Site tests again on PostgreSQL ($(PG_URL))"; \
	  DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest -q -p no:cacheprovider $(XDIST) -m "not browser" tests/web && \
	  DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest -q -p no:cacheprovider -m browser tests/web; \
	else echo "No PostgreSQL at $(PG_URL): site tests ran on SQLite only"; fi

# Grand Bend ISD from two real sources: the Ed-Fi ODS table export by a SIS mapping, then
# the Ed-Fi XML sample's attendance, discipline, staff and rosters on top
SHARED ?= ../shared
GB := examples/grand-bend
GB_WH := $(GB)/aimline.duckdb
example-grand-bend: $(STAMP)
	rm -rf $(GB)/build $(GB_WH)
	$(BIN)/aimline import sis $(SHARED)/realdata/edfi/grand_bend_ods --mapping $(GB)/mapping.yaml \
	  --out $(GB)/build/ods
	$(BIN)/aimline load $(GB)/build/ods --warehouse $(GB_WH)
	$(BIN)/aimline import edfi $(SHARED)/realdata/edfi/grand_bend --out $(GB)/build/edfi \
	  --enrollments-from $(GB)/build/ods
	$(BIN)/aimline load $(GB)/build/edfi --warehouse $(GB_WH) --only attendance_events \
	  --only discipline_actions --only staff_assignments --only section_rosters
	for p in year month; do $(BIN)/aimline compute --year 2022 --period $$p \
	  --warehouse $(GB_WH) || exit 1; done
	$(BIN)/aimline info --warehouse $(GB_WH)

screenshots: $(TEST_STAMP)
	AIMLINE_SCREENSHOTS=1 $(BIN)/python -m pytest -q tests/web/test_browser.py tests/web/test_browser_everyday.py tests/web/test_browser_leaders.py \
		tests/web/test_browser_induction.py tests/web/test_browser_district.py

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

docs: $(STAMP)
	$(BIN)/python -m aimline.data.docs > docs/data-format.md
	$(BIN)/python -m aimline.metrics.docs > docs/metrics.md
	AIMLINE_HOME=$$(mktemp -d) $(BIN)/python -m aimline.web.access_docs > docs/access.md
	$(BIN)/python -m aimline.improve.gallery docs/charts

bench: $(STAMP)
	$(BIN)/python bench/synth_load.py
	$(BIN)/python bench/load_week.py
	$(BIN)/python bench/spc.py
	$(BIN)/python bench/metrics.py
	$(BIN)/python bench/audit.py
	$(BIN)/python bench/importers.py
	$(BIN)/python bench/site.py

clean:
	rm -rf $(DEMO) .pytest_cache .ruff_cache
