# Two commands do everything on a fresh machine: `make demo` and `make test`.
# Everything is installed into .venv in the repo, with the exact versions of constraints.txt.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The DuckDB 1.x that BI drivers bundle, installed apart (never imported by the warehouse): the test
# suite opens the published copy with it (tests/test_publish.py, docs/bi.md).
DUCKDB_1X := 1.1.3
DUCKDB_1X_DIR := $(VENV)/duckdb-$(DUCKDB_1X)

# Telemetry off everywhere: offline machines and public-finance data.
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DO_NOT_TRACK := 1
export GX_ANALYTICS_ENABLED := false

.PHONY: install browser java demo test bench dev clean

install: $(STAMP)

# Re-install only when the dependency definition changes: a second `make install` takes seconds.
$(STAMP): pyproject.toml constraints.txt Makefile
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[test,spark]"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps \
	  --target $(DUCKDB_1X_DIR) "duckdb==$(DUCKDB_1X)"
	@touch $(STAMP)

demo: install
	$(BIN)/pbk demo

# The tests open the pages people read (Data Docs) in a real headless browser: Debian's Chromium,
# installed when missing (as root, or through sudo).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

# The Spark engine (docs/spark.md) runs PySpark, which needs a Java 17+ runtime: Debian's, installed
# when missing, as for Chromium.
java:
	@command -v java >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq openjdk-17-jre-headless; }

# Test files run on PYTEST_WORKERS processes (pytest-xdist), each file whole in one process so
# its module fixtures (a built warehouse) are made once; most of a test's time is single-threaded
# Python (dbt, Dagster, GX), so two workers on two cores nearly halve the wall time. Files are
# handed out in collection order, longest first (tests/conftest.py: LONGEST_FIRST); the shared
# warehouses are built once for both workers (tests/support/shared.py).
PYTEST_WORKERS ?= 2
test: install browser java
	PBK_TEST_DUCKDB1=$(abspath $(DUCKDB_1X_DIR)) $(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder

bench: install
	$(BIN)/python scripts/bench_generate.py

# The Dagster UI and daemon (nightly schedule, landing sensor, run queue), on localhost only:
# http://127.0.0.1:$(DEV_PORT). Runtime state in PBK_HOME (default .pbk/), Dagster's own in
# $PBK_HOME/dagster (DAGSTER_HOME; dagster.yaml with telemetry off is written first).
DEV_PORT ?= 3000
dev: install
	@export PBK_HOME="$$($(BIN)/python -c 'from base.settings import paths; print(paths().home)')" \
	  && export DAGSTER_HOME="$$($(BIN)/python -m orchestration.instance)" \
	  && echo "PBK_HOME=$$PBK_HOME  DAGSTER_HOME=$$DAGSTER_HOME" \
	  && echo "Dagster UI: http://127.0.0.1:$(DEV_PORT)" \
	  && exec $(BIN)/dagster dev -m orchestration -h 127.0.0.1 -p $(DEV_PORT)

clean:
	rm -rf .pbk
