"""orchestration/dbt_models.py: every dbt model and seed is an asset the job materialises, and dbt
writes nothing into the repository.
"""
import json

import pytest

from tests.support.orchestration import REPO

# dagster-dbt 0.29 calls a deprecated Dagster API internally
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:dagster_dbt.*")


def test_run_covers_every_dbt_model_and_seed(home, first_run, pristine):
    manifest = json.loads((home / "dbt" / "manifest" / "manifest.json").read_text())
    nodes = {f"{n['schema']}/{n['name']}" for n in manifest["nodes"].values()
             if n["resource_type"] in ("model", "seed")}
    assert len(nodes) > 30
    materialized = {k for k, s in first_run.assets.items() if s == "materialized"}
    assert nodes <= materialized, nodes - materialized
    assert {f"raw/{k}" for k in pristine["manifest"]["files"]} <= materialized
    assert "quality/dq_report" in materialized
    # nothing dbt writes lands in the repository (targets and logs are under PBK_HOME)
    written = [p for d in ("target", "logs") for p in (REPO / "dbt_project" / d).rglob("*")
               if p.is_file() and p.stat().st_mtime >= pristine["started"]]
    assert written == []
    assert (home / "dbt" / "target" / "run_results.json").exists()

