"""base/warehouse_file.py: a warehouse held open by another process gives errors that name the
holder, through `pbk ingest`, `pbk status` and `pbk run` (real processes), and nothing is taken."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from tests.support.hostile_corpus import csv_text, row
from tests.support.processes import PBK, REPO, env_for

# dagster-dbt 0.29 calls a deprecated Dagster API internally
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:dagster_dbt.*")


def test_warehouse_held_open_names_the_holder(pristine, tmp_path):
    busy = tmp_path / "busy"     # a copy of the built demo warehouse, without its run history
    shutil.copytree(pristine["home"], busy, symlinks=True, ignore=shutil.ignore_patterns("dagster"))
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; "
                               "c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
                               "time.sleep(300)", str(busy / "warehouse.duckdb")],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        (busy / "landing").mkdir(exist_ok=True)
        (busy / "landing" / "real.csv").write_text(csv_text([row(1)]))
        ingest = subprocess.run(PBK + ["ingest", "--json"], cwd=REPO, env=env_for(busy),
                                capture_output=True, text=True, timeout=300)
        assert ingest.returncode == 1
        error = json.loads(ingest.stdout)["error"]
        assert error.startswith(f"the warehouse {busy / 'warehouse.duckdb'} is open in process "
                                f"{holder.pid}")
        assert (busy / "landing" / "real.csv").exists()   # nothing taken
        status = subprocess.run(PBK + ["status"], cwd=REPO, env=env_for(busy),
                                capture_output=True, text=True, timeout=300)
        assert status.returncode == 0, status.stderr
        assert f"note: the warehouse {busy / 'warehouse.duckdb'} is open in process" in status.stdout
        assert "Traceback" not in status.stdout + status.stderr
        run = subprocess.run(PBK + ["run", "--json"], cwd=REPO, env=env_for(busy),
                             capture_output=True, text=True, timeout=600)
        assert run.returncode == 1
        errors = json.loads(run.stdout)["errors"]
        assert any(f"is open in process {holder.pid}" in e for e in errors), errors
    finally:
        holder.kill()
        holder.wait()
