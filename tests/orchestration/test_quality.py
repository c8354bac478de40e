"""orchestration/quality.py: a blocking mart check that fails stops what is downstream of it (the
report, the publish) and fails the run naming the rule, on the run the landing sensor starts.
"""
import csv
import os
import time
from pathlib import Path

import pytest

from tests.support.orchestration import query

# dagster-dbt 0.29 calls a deprecated Dagster API internally
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:dagster_dbt.*")


def _bad_realization(home: Path, path: Path) -> str:
    """One SP2D line three times its work unit's whole current pagu: ingest lets it through with a
    warning (realization over pagu), the mart's unit absorption is then far above the 150 %
    ceiling: the blocking GX rule mart_absorption.unit_absorption_in_range fails."""
    from ingest.contracts import CONTRACTS

    unit, program, activity, output, account, pagu = query(home, """
        WITH cur AS (SELECT * FROM core.fact_budget WHERE is_current_revision)
        SELECT work_unit_code, any_value(program_code), any_value(activity_code),
               any_value(output_code), any_value(account_code), sum(budget_amount)
        FROM cur WHERE work_unit_code ~ '^[0-9]{6}$' AND account_code LIKE '52%'
        GROUP BY work_unit_code ORDER BY work_unit_code LIMIT 1""")[0]
    row = {"fiscal_year": 2025, "transaction_date": "2025-11-20", "document_no": "BAD-000001",
           "work_unit_code": unit, "program_code": program, "activity_code": activity,
           "output_code": output, "account_code": account, "funding_source": "RM",
           "amount": f"{float(pagu) * 3:.2f}", "description": "crafted: far above pagu"}
    cols = CONTRACTS["realization"].column_names
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=cols)
        w.writeheader()
        w.writerow({c: row.get(c, "") for c in cols})
    return unit


def test_failing_blocking_check_stops_downstream(home_copy):
    from dagster import AssetKey, DagsterInstance, build_sensor_context

    from base.settings import Paths
    from orchestration.definitions import build_definitions
    from orchestration.run import outcome_of

    # a copy of the built warehouse (the other tests keep theirs); the parsed dbt manifest too
    bad = home_copy
    assert list((bad / "landing").iterdir()) == []
    unit = _bad_realization(bad, bad / "landing" / "realization_correction.csv")
    old = time.time() - 3600
    os.utime(bad / "landing" / "realization_correction.csv", (old, old))

    defs = build_definitions(bad)
    sensor = defs.resolve_sensor_def("pbk_landing_sensor")
    (request,) = sensor.evaluate_tick(build_sensor_context(definitions=defs)).run_requests
    job = defs.resolve_job_def("pbk_ingest_and_build").get_subset(
        asset_selection=set(request.asset_selection))
    instance = DagsterInstance.from_config(str(bad / "dagster"))
    result = job.execute_in_process(run_config=request.run_config, instance=instance,
                                    raise_on_error=False, tags=request.tags)
    outcome = outcome_of(result, job, Paths(bad))

    assert not outcome.success and outcome.exit_code == 1
    blocking = {c.label for c in outcome.blocking_failures}
    assert blocking == {"marts/mart_absorption:gx_unit_absorption_in_range"}, outcome.failed_checks
    # the file passed ingest (a warning, not a rejection) and the marts were rebuilt from it ...
    assert [r.status for r in outcome.ingest["realization"]] == ["loaded"]
    assert outcome.assets["raw/realization"] == "materialized"
    assert outcome.assets["marts/mart_absorption"] == "materialized"
    assert query(bad, "SELECT max(absorption_pct) FROM marts.mart_absorption "
                       "WHERE work_unit_code = ?", [unit])[0][0] > 150
    # ... but nothing downstream of the failing check was: the report and the publish asset did
    # not run (BI tools keep the previous version), and the run failed naming the rule
    assert outcome.assets["quality/dq_report"] == "skipped"
    assert outcome.assets["published/pbk"] == "skipped"
    assert not [e for e in result.get_asset_materialization_events()
                if e.asset_key == AssetKey(["published", "pbk"])]
    assert not [e for e in result.get_asset_materialization_events()
                if e.asset_key == AssetKey(["quality", "dq_report"])]
    assert any("gx_unit_absorption_in_range" in e for e in outcome.errors)
    # the failure is documented: rule result under the run id, Data Docs rebuilt by the check
    assert query(bad, "SELECT success FROM ops.dq_results WHERE run_id = ? AND rule = "
                       "'mart_absorption.unit_absorption_in_range'", [outcome.run_id]) == [(False,)]
