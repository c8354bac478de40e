"""orchestration/run.py: `run_all` (what `pbk run` runs) materialises the whole graph in-process on
the generated sample, and its outcome says what happened (the `pristine` warehouse is that run).
"""
import json

import pytest

from tests.support.orchestration import MARTS, query

# dagster-dbt 0.29 calls a deprecated Dagster API internally
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:dagster_dbt.*")


def test_whole_graph_materialises_on_the_sample(home, first_run, pristine):
    o = first_run
    assert o.success, (o.errors, o.failed_checks)
    assert o.exit_code == 0
    doc = json.loads(json.dumps(o.as_dict(), default=str))   # `pbk run --json`
    assert doc["success"] and doc["blocking_failures"] == [] and set(doc["ingest"]) == set(o.ingest)
    assert set(o.assets.values()) == {"materialized"}, o.assets
    # every extract kind loaded from landing, rows read = loaded + quarantined
    manifest = pristine["manifest"]
    assert {k: [r.status for r in rs] for k, rs in o.ingest.items()} == {
        k: ["loaded"] for k in manifest["files"]}
    for kind, info in manifest["files"].items():
        (r,) = o.ingest[kind]
        assert r.rows_read == info["rows"] == r.rows_loaded + r.rows_quarantined
    assert list((home / "landing").iterdir()) == []
    # marts populated
    for mart in MARTS:
        assert query(home, f"SELECT count(*) FROM marts.{mart}")[0][0] > 0, mart
    # checks: dbt tests and GX rules ran, nothing blocking failed (warn rules may fail on dirt)
    assert o.checks_by_source["dbt"]["failed"] == 0 and o.checks_by_source["dbt"]["passed"] > 100
    assert o.checks_by_source["gx"]["passed"] > 20
    assert not o.blocking_failures
    assert all(c.severity == "warn" for c in o.failed_checks)
    # mart GX results recorded under the Dagster run id
    n, failed = query(home, "SELECT count(*), count(*) FILTER (WHERE NOT success AND severity = "
                             "'error') FROM ops.dq_results WHERE run_id = ?", [o.run_id])[0]
    assert n > 10 and failed == 0
    assert (home / "docs" / "dq" / "index.html").exists()
