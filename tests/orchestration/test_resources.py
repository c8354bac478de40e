"""orchestration/resources.py: transient errors are retried with backoff, others are not; the
warehouse lock makes a second run wait for the first (two `pbk run` at once on a copy of the
built warehouse).
"""
import json
import subprocess
import sys

import duckdb
import pytest

from tests.support.orchestration import REPO, env_for

# dagster-dbt 0.29 calls a deprecated Dagster API internally
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:dagster_dbt.*")


def test_transient_errors_are_retried_with_backoff_others_are_not(monkeypatch):
    from dagster import job, op

    import orchestration.resources as R

    monkeypatch.setattr(R, "RETRY_BASE_SECONDS", 0.01)
    attempts = {"lock": 0, "data": 0}

    @op
    def flaky_lock(context):
        attempts["lock"] += 1
        try:
            if attempts["lock"] < 3:
                raise duckdb.IOException('IO Error: Could not set lock on file "warehouse.duckdb": '
                                         "Conflicting lock is held")
        except Exception as exc:
            R.retry_if_transient(context, exc)
            raise

    @op
    def bad_data(context):
        attempts["data"] += 1
        try:
            raise ValueError("column amount: not a number")
        except Exception as exc:
            R.retry_if_transient(context, exc)
            raise

    @job
    def retried():
        flaky_lock()

    @job
    def not_retried():
        bad_data()

    assert retried.execute_in_process(raise_on_error=False).success
    assert attempts["lock"] == 3
    assert not not_retried.execute_in_process(raise_on_error=False).success
    assert attempts["data"] == 1
    waits = [R.backoff_seconds(n) for n in range(3)]
    assert waits[0] < waits[1] < waits[2]


RUN_SCRIPT = """
import json, sys, time
from orchestration.run import run_all
t0 = time.time()
o = run_all(sys.argv[1])
print(json.dumps({"run_id": o.run_id, "success": o.success, "errors": o.errors,
                  "t0": t0, "t1": time.time()}))
"""


def test_two_runs_at_once_the_second_waits(home_copy):
    """Two `pbk run` processes started together on one warehouse: both succeed, their steps never
    overlap (the second waited for the warehouse lock), no DuckDB lock error."""
    from dagster import DagsterEventType, DagsterInstance

    from base.settings import Paths
    from orchestration.instance import instance_for

    home = home_copy
    # the copy has no run history: its instance is created first, as the first night creates it
    # (two processes creating one SQLite run storage at once race in Dagster's schema setup)
    with instance_for(Paths(home)):
        pass

    procs = [subprocess.Popen([sys.executable, "-c", RUN_SCRIPT, str(home)], cwd=REPO,
                              env=env_for(home), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err[-3000:]
        assert "Could not set lock" not in out + err
    docs = [json.loads(out.strip().splitlines()[-1]) for out, _ in outs]
    assert all(d["success"] and not d["errors"] for d in docs), docs
    instance = DagsterInstance.from_config(str(home / "dagster"))
    spans = []
    for d in docs:
        records = instance.get_records_for_run(d["run_id"]).records
        steps = [r.event_log_entry for r in records if r.event_log_entry.dagster_event and
                 r.event_log_entry.dagster_event.event_type in (
                     DagsterEventType.STEP_START, DagsterEventType.STEP_SUCCESS)]
        spans.append((min(e.timestamp for e in steps), max(e.timestamp for e in steps)))
    (a0, a1), (b0, b1) = sorted(spans)
    assert a1 <= b0, f"runs overlapped: {spans}"
    logs = " ".join(r.event_log_entry.user_message for d in docs
                    for r in instance.get_records_for_run(d["run_id"]).records)
    assert "waiting for the other run to finish" in logs
