"""orchestration/serving.py: the publish asset gates on the job's own dbt build and writes the run's
OpenLineage events.
"""
import json

import pytest

from tests.support.orchestration import MARTS

# dagster-dbt 0.29 calls a deprecated Dagster API internally
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:dagster_dbt.*")


def test_production_lineage_has_the_dbt_models_and_publish_checked_dbt(home, first_run):
    """The job's publish gates on its own dbt build and its lineage carries one START and one
    COMPLETE per dbt model (from the job's dbt target, not a second build path)."""
    events = [json.loads(f.read_text()) for f in sorted((home / "lineage" / first_run.run_id)
                                                       .glob("*.json"))]
    jobs = {(e["job"]["name"], e["eventType"]) for e in events}
    for model in MARTS + ("fact_realization", "dim_work_unit"):
        assert (f"pbk.dbt.{model}", "START") in jobs and (f"pbk.dbt.{model}", "COMPLETE") in jobs
    assert ("pbk.publish", "COMPLETE") in jobs and ("pbk.nightly", "COMPLETE") in jobs
