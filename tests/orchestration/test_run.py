"""The Dagster layer (orchestration/): the whole graph materialised in-process on the generated
sample, a blocking check stopping what is downstream, the schedule and the landing sensor, two runs
at once on one warehouse, and the UI loading the graph.

One warehouse is materialised once for the module (`home`); tests that change it work on a copy.
"""
import csv
import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

# dagster-dbt 0.29 calls a deprecated Dagster API internally
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:dagster_dbt.*")

REPO = Path(__file__).resolve().parents[2]
SEED = 20251
MARTS = ("mart_absorption", "mart_efficiency", "mart_budget_performance",
         "mart_indicator_achievement", "mart_sakip_component", "mart_sakip_score",
         "mart_budget_relevance")


def _drop_sample(home: Path, seed: int = SEED) -> dict:
    from pbk.generator.extracts import generate

    sample = home / "sample"
    manifest = generate(sample, scale=0.001, seed=seed, dirty_fraction=0.01)
    (home / "landing").mkdir(parents=True, exist_ok=True)
    for info in manifest["files"].values():
        (sample / info["file"]).replace(home / "landing" / info["file"])
    return manifest


def _query(home: Path, sql: str, params=None):
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _env(home: Path) -> dict:
    return {**os.environ, "PBK_HOME": str(home), "DAGSTER_HOME": str(home / "dagster"),
            "PYTHONPATH": str(REPO)}


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return tmp_path_factory.mktemp("pbk_orchestration") / "home"


@pytest.fixture(scope="module")
def first_run(home):
    """The generated sample dropped into landing, then the whole job in-process (`pbk run`)."""
    from orchestration.run import run_all

    manifest = _drop_sample(home)
    started = time.time()
    outcome = run_all(home)
    outcome.started = started
    outcome.manifest = manifest
    return outcome


@pytest.fixture(scope="module")
def defs(home, first_run):
    from orchestration.definitions import build_definitions

    return build_definitions(home)


# --------------------------------------------------------------------------- the whole graph

def test_whole_graph_materialises_on_the_sample(home, first_run):
    o = first_run
    assert o.success, (o.errors, o.failed_checks)
    assert o.exit_code == 0
    doc = json.loads(json.dumps(o.as_dict(), default=str))   # `pbk run --json`
    assert doc["success"] and doc["blocking_failures"] == [] and set(doc["ingest"]) == set(o.ingest)
    assert set(o.assets.values()) == {"materialized"}, o.assets
    # every extract kind loaded from landing, rows read = loaded + quarantined
    manifest = first_run.manifest
    assert {k: [r.status for r in rs] for k, rs in o.ingest.items()} == {
        k: ["loaded"] for k in manifest["files"]}
    for kind, info in manifest["files"].items():
        (r,) = o.ingest[kind]
        assert r.rows_read == info["rows"] == r.rows_loaded + r.rows_quarantined
    assert list((home / "landing").iterdir()) == []
    # marts populated
    for mart in MARTS:
        assert _query(home, f"SELECT count(*) FROM marts.{mart}")[0][0] > 0, mart
    # checks: dbt tests and GX rules ran, nothing blocking failed (warn rules may fail on dirt)
    assert o.checks_by_source["dbt"]["failed"] == 0 and o.checks_by_source["dbt"]["passed"] > 100
    assert o.checks_by_source["gx"]["passed"] > 20
    assert not o.blocking_failures
    assert all(c.severity == "warn" for c in o.failed_checks)
    # mart GX results recorded under the Dagster run id
    n, failed = _query(home, "SELECT count(*), count(*) FILTER (WHERE NOT success AND severity = "
                             "'error') FROM ops.dq_results WHERE run_id = ?", [o.run_id])[0]
    assert n > 10 and failed == 0
    assert (home / "docs" / "dq" / "index.html").exists()


def test_production_lineage_has_the_dbt_models_and_publish_checked_dbt(home, first_run):
    """The job's publish gates on its own dbt build and its lineage carries one START and one
    COMPLETE per dbt model (from the job's dbt target, not a second build path)."""
    events = [json.loads(f.read_text()) for f in sorted((home / "lineage" / first_run.run_id)
                                                       .glob("*.json"))]
    jobs = {(e["job"]["name"], e["eventType"]) for e in events}
    for model in MARTS + ("fact_realization", "dim_work_unit"):
        assert (f"pbk.dbt.{model}", "START") in jobs and (f"pbk.dbt.{model}", "COMPLETE") in jobs
    assert ("pbk.publish", "COMPLETE") in jobs and ("pbk.nightly", "COMPLETE") in jobs


def test_run_covers_every_dbt_model_and_seed(home, first_run):
    manifest = json.loads((home / "dbt" / "manifest" / "manifest.json").read_text())
    nodes = {f"{n['schema']}/{n['name']}" for n in manifest["nodes"].values()
             if n["resource_type"] in ("model", "seed")}
    assert len(nodes) > 30
    materialized = {k for k, s in first_run.assets.items() if s == "materialized"}
    assert nodes <= materialized, nodes - materialized
    assert {f"raw/{k}" for k in first_run.manifest["files"]} <= materialized
    assert "quality/dq_report" in materialized
    # nothing dbt writes lands in the repository (targets and logs are under PBK_HOME)
    written = [p for d in ("target", "logs") for p in (REPO / "dbt_project" / d).rglob("*")
               if p.is_file() and p.stat().st_mtime >= first_run.started]
    assert written == []
    assert (home / "dbt" / "target" / "run_results.json").exists()


def test_graph_groups_lineage_checks_and_freshness(defs):
    from dagster import AssetKey

    graph = defs.resolve_asset_graph()
    groups = {}
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        if node.is_materializable:
            groups.setdefault(node.group_name, set()).add(key.to_user_string())
    assert set(groups) == {"ingest", "staging", "core", "marts", "quality", "serving"}
    assert groups["serving"] == {"published/pbk"}
    published_parents = graph.get(AssetKey(["published", "pbk"])).parent_keys
    assert {AssetKey(["marts", m]) for m in MARTS} <= published_parents
    assert groups["ingest"] == {f"raw/{k}" for k in (
        "budget", "budget_plan", "realization", "output_volume", "indicator",
        "sakip_evaluation", "cost_standard")}
    assert {f"marts/{m}" for m in MARTS} == groups["marts"]
    # dbt sources are the ingest assets: landing -> raw -> staging -> core -> marts
    assert AssetKey(["raw", "budget"]) in graph.get(AssetKey(["staging", "stg_budget"])).parent_keys
    upstream = graph.get(AssetKey(["marts", "mart_absorption"]))
    assert upstream.parent_keys and all(graph.get(k).description for k in graph.get_all_asset_keys()
                                        if graph.get(k).is_materializable)
    # dbt tests and GX suites are checks; error severity blocks
    checks = {(c.asset_key.to_user_string(), c.name): graph.get_check_spec(c)
              for c in graph.asset_check_keys}
    assert checks[("marts/mart_absorption", "gx_unit_absorption_in_range")].blocking
    assert not checks[("marts/mart_budget_performance", "gx_nka_score_0_100")].blocking
    assert ("raw/realization", "gx_realization_within_pagu") in checks
    assert ("raw/budget", "batch_accepted") in checks
    assert any(a == "core/fact_realization" and n.startswith("relationships") for a, n in checks)
    assert ("core/fact_realization", "assert_realization_reconciles_to_raw") in checks
    # marts warn after 26 hours without a materialisation
    policy = graph.get(AssetKey(["marts", "mart_absorption"])).freshness_policy
    assert policy.warn_window.to_timedelta() == dt.timedelta(hours=26)
    # one writer: every op in the warehouse pool, in-process executor
    job = defs.resolve_job_def("pbk_nightly")
    assert job.executor_def.name == "in_process"
    assert {n.definition.pool for n in job.graph.nodes} == {"pbk_warehouse"}


def test_instance_config_telemetry_off_and_one_writer(home, first_run):
    import yaml
    from dagster import DagsterInstance

    doc = yaml.safe_load((home / "dagster" / "dagster.yaml").read_text())
    assert doc["telemetry"] == {"enabled": False}
    instance = DagsterInstance.from_config(str(home / "dagster"))
    config = instance.get_concurrency_config()
    assert config.pool_config.default_pool_limit == 1
    assert config.pool_config.pool_granularity.value == "run"
    assert {"key": "pbk/warehouse", "value": "write", "limit": 1} in \
        config.run_queue_config.tag_concurrency_limits
    assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
    # the in-process run is recorded in the instance the UI reads
    assert instance.get_run_by_id(first_run.run_id) is not None


# --------------------------------------------------------------------------- schedule and sensor

def test_nightly_schedule_at_one_wib(defs):
    from dagster import build_schedule_context

    schedule = defs.resolve_schedule_def("pbk_nightly_schedule")
    assert schedule.cron_schedule == "0 1 * * *"
    assert schedule.execution_timezone == "Asia/Jakarta"
    assert schedule.job_name == "pbk_nightly"
    # the whole graph
    job = defs.resolve_job_def("pbk_nightly")
    assert len(job.asset_layer.executable_asset_keys) == len(
        [k for k in defs.resolve_asset_graph().get_all_asset_keys()
         if defs.resolve_asset_graph().get(k).is_materializable])
    tick = dt.datetime(2025, 3, 3, 1, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    data = schedule.evaluate_tick(build_schedule_context(scheduled_execution_time=tick))
    assert len(data.run_requests) == 1
    # next ticks: 01:00 WIB = 18:00 UTC the day before
    from dagster._utils.schedules import cron_string_iterator

    it = cron_string_iterator(dt.datetime(2025, 3, 3, 12, tzinfo=dt.timezone.utc).timestamp(),
                              "0 1 * * *", "Asia/Jakarta")
    first = next(it)
    assert first.astimezone(dt.timezone.utc) == dt.datetime(2025, 3, 3, 18, tzinfo=dt.timezone.utc)


def test_landing_sensor_one_run_per_new_file(home, defs, tmp_path, monkeypatch):
    from dagster import AssetKey, build_sensor_context

    monkeypatch.setenv("PBK_SENSOR_SETTLE_SECONDS", "10")   # the tests' loader waits for nothing

    sensor = defs.resolve_sensor_def("pbk_landing_sensor")
    landing = home / "landing"
    assert list(landing.iterdir()) == []
    # empty landing: no run
    data = sensor.evaluate_tick(build_sensor_context(cursor=None, definitions=defs))
    assert not data.run_requests and data.skip_message

    old = time.time() - 3600
    try:
        _drop_sample(tmp_path / "gen", seed=7)
        gen_landing = tmp_path / "gen" / "landing"
        for name in ("budget.csv", "realization.csv"):
            shutil.copy(gen_landing / name, landing / name)
            os.utime(landing / name, (old, old))
        (landing / "notes.txt").write_text("hello\n")        # no kind: the whole graph
        os.utime(landing / "notes.txt", (old, old))
        (landing / "upload.csv.part").write_text("x")          # in progress: ignored
        data = sensor.evaluate_tick(build_sensor_context(cursor=None, definitions=defs))
        by_file = {r.tags["pbk/landing_file"]: r for r in data.run_requests}
        assert set(by_file) == {"budget.csv", "realization.csv", "notes.txt"}
        real = by_file["realization.csv"]
        assert real.run_config["ops"]["ingest_landing"]["config"]["files"] == ["realization.csv"]
        assert AssetKey(["raw", "realization"]) in real.asset_selection
        assert AssetKey(["marts", "mart_absorption"]) in real.asset_selection
        assert AssetKey(["raw", "budget"]) not in real.asset_selection
        assert by_file["notes.txt"].asset_selection is None
        assert len({r.run_key for r in data.run_requests}) == 3
        cursor = data.cursor
        # same files, next tick: nothing new
        again = sensor.evaluate_tick(build_sensor_context(cursor=cursor, definitions=defs))
        assert not again.run_requests
        # one more file: exactly one run, for it
        shutil.copy(gen_landing / "indicator.csv", landing / "indicator.csv")
        os.utime(landing / "indicator.csv", (old, old))
        third = sensor.evaluate_tick(build_sensor_context(cursor=again.cursor, definitions=defs))
        assert [r.tags["pbk/landing_file"] for r in third.run_requests] == ["indicator.csv"]
        assert third.run_requests[0].tags["pbk/kind"] == "indicator"
        # a file still being written waits for the next tick
        shutil.copy(gen_landing / "cost_standard.csv", landing / "cost_standard.csv")
        fresh = sensor.evaluate_tick(build_sensor_context(cursor=third.cursor, definitions=defs))
        assert not fresh.run_requests
        assert "cost_standard.csv" not in json.loads(fresh.cursor)
    finally:
        for f in landing.iterdir():
            f.unlink()


# --------------------------------------------------------------------------- one writer

RUN_SCRIPT = """
import json, sys, time
from orchestration.run import run_all
t0 = time.time()
o = run_all(sys.argv[1])
print(json.dumps({"run_id": o.run_id, "success": o.success, "errors": o.errors,
                  "t0": t0, "t1": time.time()}))
"""


def test_two_runs_at_once_the_second_waits(home, first_run):
    """Two `pbk run` processes started together on one warehouse: both succeed, their steps never
    overlap (the second waited for the warehouse lock), no DuckDB lock error."""
    from dagster import DagsterEventType, DagsterInstance

    procs = [subprocess.Popen([sys.executable, "-c", RUN_SCRIPT, str(home)], cwd=REPO,
                              env=_env(home), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
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


# --------------------------------------------------------------------------- blocking check

def _bad_realization(home: Path, path: Path) -> str:
    """One SP2D line three times its work unit's whole current pagu: ingest lets it through with a
    warning (realization over pagu), the mart's unit absorption is then far above the 150 %
    ceiling: the blocking GX rule mart_absorption.unit_absorption_in_range fails."""
    from ingest.contracts import CONTRACTS

    unit, program, activity, output, account, pagu = _query(home, """
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


def test_failing_blocking_check_stops_downstream(home, first_run, tmp_path):
    from dagster import AssetKey, DagsterInstance, build_sensor_context

    from base.settings import Paths
    from orchestration.definitions import build_definitions
    from orchestration.run import outcome_of

    # a copy of the built warehouse (the other tests keep theirs); the parsed dbt manifest too
    bad = tmp_path / "home"
    shutil.copytree(home, bad, ignore=shutil.ignore_patterns("archive", "storage", "logs",
                                                             "warehouse.lock", "schedules"))
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
    assert _query(bad, "SELECT max(absorption_pct) FROM marts.mart_absorption "
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
    assert _query(bad, "SELECT success FROM ops.dq_results WHERE run_id = ? AND rule = "
                       "'mart_absorption.unit_absorption_in_range'", [outcome.run_id]) == [(False,)]


# --------------------------------------------------------------------------- the UI

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_webserver_shows_graph_from_landing_to_marts(home, first_run):
    """`dagster-webserver -m orchestration` on 127.0.0.1 (what `make dev` starts, without the
    daemon) loads the code location and serves the whole graph."""
    port = _free_port()
    exe = Path(sys.executable).parent / "dagster-webserver"
    proc = subprocess.Popen([str(exe), "-m", "orchestration", "-h", "127.0.0.1", "-p", str(port)],
                            cwd=REPO, env=_env(home), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    try:
        query = json.dumps({"query": "{ assetNodes { assetKey { path } groupName "
                                     "dependencyKeys { path } } }"}).encode()
        deadline = time.time() + 180
        doc = None
        while time.time() < deadline:
            assert proc.poll() is None, proc.stderr.read()[-3000:]
            try:
                req = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=query,
                                             headers={"Content-Type": "application/json"})
                doc = json.loads(urllib.request.urlopen(req, timeout=10).read())
                if doc.get("data", {}).get("assetNodes"):
                    break
            except OSError:
                pass
            time.sleep(1)
        nodes = {"/".join(n["assetKey"]["path"]): n for n in doc["data"]["assetNodes"]}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    assert {n["groupName"] for n in nodes.values()} == {"ingest", "staging", "core", "marts",
                                                        "quality", "serving"}
    deps = {k: {"/".join(d["path"]) for d in n["dependencyKeys"]} for k, n in nodes.items()}
    assert "raw/realization" in deps["staging/stg_realization"]
    assert "staging/stg_realization" in deps["core/fact_realization"]
    assert {f"marts/{m}" for m in MARTS} <= deps["quality/dq_report"]
    assert set(nodes) == set(first_run.assets)


# --------------------------------------------------------------------------- small parts

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


def test_kind_sniffed_from_headers_of_every_format(tmp_path):
    import openpyxl

    from ingest.contracts import CONTRACTS
    from ingest.sniff import sniff_kind

    cols = CONTRACTS["budget_plan"].column_names
    (tmp_path / "rpd.csv").write_text(";".join(cols) + "\n", encoding="utf-8-sig")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["LAPORAN REALISASI"])
    ws.append([])
    ws.append(["THANG", "TGLSP2D", "NOSP2D", "KDSATKER", "KDPROGRAM", "KDGIAT", "KDOUTPUT",
               "KDAKUN", "REALISASI"])
    wb.save(tmp_path / "sp2d.xlsx")
    con = duckdb.connect()
    con.execute(f"COPY (SELECT 2025 AS fiscal_year, 'SBM' AS standard_type, 'x' AS standard_code, "
                f"'d' AS description, 'OH' AS unit, 1.0 AS unit_cost) TO "
                f"'{tmp_path / 'sbm.parquet'}' (FORMAT parquet)")
    (tmp_path / "notes.txt").write_text("hello\n")
    (tmp_path / "half.csv").write_text("fiscal_year,work_unit_code,month\n")
    assert sniff_kind(tmp_path / "rpd.csv") == ("budget_plan", True)
    assert sniff_kind(tmp_path / "sp2d.xlsx") == ("realization", True)
    assert sniff_kind(tmp_path / "sbm.parquet") == ("cost_standard", True)
    assert sniff_kind(tmp_path / "notes.txt") == (None, False)
    assert sniff_kind(tmp_path / "half.csv") == ("budget_plan", False)


def test_rejected_batch_never_reaches_the_marts(home, first_run, tmp_path):
    """A crafted bad batch (most rows break a quarantine rule, so the batch gate rejects it whole)
    fails its ingest check; the marts built in the same run are not built from it."""
    from ingest.contracts import CONTRACTS
    from orchestration.run import run_all

    bad = tmp_path / "home"
    shutil.copytree(home, bad, ignore=shutil.ignore_patterns("archive", "storage", "logs",
                                                             "warehouse.lock", "schedules"))
    before = _query(bad, "SELECT count(*), sum(realized_cumulative) FROM marts.mart_absorption")
    unit = _query(bad, "SELECT min(work_unit_code) FROM core.fact_budget")[0][0]
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
    assert _query(bad, "SELECT count(*) FROM raw.realization WHERE _source_file = "
                       "'realization_bad.csv'") == [(0,)]
    assert _query(bad, "SELECT count(*), sum(realized_cumulative) FROM marts.mart_absorption") \
        == before
