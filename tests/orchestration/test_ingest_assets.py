"""orchestration/ingest_assets.py: a batch the gate rejects fails its kind's `batch_accepted` check
and never reaches the marts built in the same run (on a copy of the built warehouse).
"""
import csv

import pytest

from tests.support.orchestration import query

# dagster-dbt 0.29 calls a deprecated Dagster API internally
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:dagster_dbt.*")


def test_rejected_batch_never_reaches_the_marts(home_copy):
    """A crafted bad batch (most rows break a quarantine rule, so the batch gate rejects it whole)
    fails its ingest check; the marts built in the same run are not built from it."""
    from ingest.contracts import CONTRACTS
    from orchestration.run import run_all

    bad = home_copy
    before = query(bad, "SELECT count(*), sum(realized_cumulative) FROM marts.mart_absorption")
    unit = query(bad, "SELECT min(work_unit_code) FROM core.fact_budget")[0][0]
    cols = CONTRACTS["realization"].column_names
    with open(bad / "landing" / "realization_bad.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=cols)
        w.writeheader()
        for i in range(30):   # every SP2D dated next year: 30 rows, 100% quarantined: rejected
            w.writerow({"fiscal_year": 2025, "transaction_date": "2026-02-01",
                        "document_no": f"BAD-{i}", "work_unit_code": unit,
                        "program_code": "019.01.WA", "activity_code": "4209",
                        "output_code": "EBA.994", "account_code": "521211", "funding_source": "RM",
                        "amount": "1000000000", "description": "crafted"})
    outcome = run_all(bad)
    [file] = outcome.ingest["realization"]
    assert (file.status, file.rows_loaded) == ("rejected", 0)
    assert "quarantine_share" in file.reason
    assert "raw/realization:batch_accepted" in {c.label for c in outcome.failed_checks}
    assert query(bad, "SELECT count(*) FROM raw.realization WHERE _source_file = "
                       "'realization_bad.csv'") == [(0,)]
    assert query(bad, "SELECT count(*), sum(realized_cumulative) FROM marts.mart_absorption") \
        == before
