"""`pbk rebuild` (pbk/rebuild.py): a damaged warehouse file is named by `pbk status`, and the
warehouse rebuilt from the archive alone has the same loads and the same figures (on a copy of the
built demo warehouse, through the command line)."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.support.pristine import copy_home
from tests.support.processes import PBK, REPO, env_for, query

# dagster-dbt 0.29 calls a deprecated Dagster API internally
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:dagster_dbt.*")


FIGURES = ("SELECT count(*), sum(budget_amount), sum(realized_amount) FROM marts.mart_absorption")


def test_damaged_warehouse_is_named_and_rebuild_restores_the_same_figures(pristine, tmp_path):
    home = copy_home(pristine["home"], tmp_path / "pbk")    # the built demo warehouse
    before = query(home / "warehouse.duckdb", FIGURES)
    loads_before = query(home / "warehouse.duckdb",
                         "SELECT load_id, source_file, rows_loaded, rows_quarantined FROM "
                         "ops.load_log WHERE status = 'loaded' ORDER BY load_id")
    data = (home / "warehouse.duckdb").read_bytes()
    (home / "warehouse.duckdb").write_bytes(data[: len(data) // 3])   # truncated, as by a crash
    status = subprocess.run(PBK + ["status"], cwd=REPO, env=env_for(home), capture_output=True,
                            text=True, timeout=300)
    assert status.returncode == 1
    assert f"the warehouse file {home / 'warehouse.duckdb'} cannot be opened" in status.stderr
    assert "Restore it with `pbk rebuild`" in status.stderr and "Traceback" not in status.stderr
    rebuild = subprocess.run(PBK + ["rebuild", "--json"], cwd=REPO, env=env_for(home),
                             capture_output=True, text=True, timeout=900)
    assert rebuild.returncode == 0, rebuild.stdout[-2000:] + rebuild.stderr[-2000:]
    doc = json.loads(rebuild.stdout)
    assert doc["success"] and doc["differences"] == [] and doc["files"] == len(loads_before)
    assert Path(doc["kept_aside"]).read_bytes() == data[: len(data) // 3]
    assert query(home / "warehouse.duckdb", FIGURES) == before
    assert query(home / "warehouse.duckdb",
                 "SELECT load_id, source_file, rows_loaded, rows_quarantined FROM ops.load_log "
                 "WHERE status = 'loaded' ORDER BY load_id") == loads_before
