# Two commands do everything on a fresh machine: `make demo` and `make test`.
# Everything is installed into .venv in the repo, with the exact versions of constraints.txt.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Telemetry off everywhere: offline machines and public-finance data.
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DO_NOT_TRACK := 1
export GX_ANALYTICS_ENABLED := false

.PHONY: install demo test bench dev clean

install: $(STAMP)

# Re-install only when the dependency definition changes: a second `make install` takes seconds.
$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[test]"
	@touch $(STAMP)

demo: install
	$(BIN)/pbk demo

test: install
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python scripts/bench_generate.py

clean:
	rm -rf .pbk
