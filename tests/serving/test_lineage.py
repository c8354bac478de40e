"""OpenLineage run events under $PBK_HOME/lineage/: one JSON event per file (FileTransport), START
and COMPLETE/FAIL per job, dbt models with their input and output tables, a parent nightly run."""
from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path

import pytest


from serving import lineage
from tests.support.pristine import copy_home


@pytest.fixture(scope="module")
def home(pristine, tmp_path_factory):
    return copy_home(pristine["home"], tmp_path_factory.mktemp("lineage") / "pbk")


@pytest.fixture(scope="module")
def events(pristine, home):
    """The events the run's publish step wrote (name order = emission order)."""
    run_id = pristine["outcome"].run_id
    paths = sorted((home / "lineage" / run_id).glob("*.json"))
    return run_id, paths, [json.loads(p.read_text()) for p in paths]


def _valid(event: dict) -> None:
    assert event["eventType"] in ("START", "RUNNING", "COMPLETE", "FAIL", "ABORT", "OTHER")
    assert event["eventTime"] and event["producer"] and event["schemaURL"].startswith("https://")
    uuid.UUID(event["run"]["runId"])
    assert event["job"]["namespace"] == lineage.NAMESPACE and event["job"]["name"]
    for d in event.get("inputs", []) + event.get("outputs", []):
        assert d["namespace"] and d["name"]


def test_one_event_per_file_in_the_run_folder(home, events):
    run_id, paths, docs = events
    folder = home / "lineage" / run_id
    assert all(p.parent == folder and p.suffix == ".json" for p in paths)
    assert sorted(folder.iterdir()) == sorted(paths)          # name order = emission order
    assert [p.name for p in paths] == sorted(p.name for p in paths)
    for doc in docs:
        _valid(doc)
    assert docs[0]["job"]["name"] == "pbk.nightly" and docs[0]["eventType"] == "START"
    assert docs[-1]["job"]["name"] == "pbk.nightly" and docs[-1]["eventType"] == "COMPLETE"
    nightly = docs[0]["run"]["runId"]
    for doc in docs[1:-1]:
        parent = doc["run"]["facets"]["parent"]
        assert parent["run"]["runId"] == nightly and parent["job"]["name"] == "pbk.nightly"


def test_dbt_models_have_inputs_outputs_and_schema(home, pristine, events):
    _, _, docs = events
    manifest = json.loads((home / "dbt" / "target" / "manifest.json").read_text())
    models = {n["name"] for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    jobs: dict[str, list[str]] = {}
    for doc in docs:
        jobs.setdefault(doc["job"]["name"], []).append(doc["eventType"])
    for model in models:
        assert jobs.get(f"pbk.dbt.{model}") == ["START", "COMPLETE"], model
    ns = f"duckdb://{pristine['home'] / 'warehouse.duckdb'}"   # where the run wrote them
    mart = next(d for d in docs if d["job"]["name"] == "pbk.dbt.mart_absorption"
                and d["eventType"] == "COMPLETE")
    inputs = {(d["namespace"], d["name"]) for d in mart["inputs"]}
    assert {(ns, "core.fact_realization"), (ns, "core.fact_budget"), (ns, "core.dim_account"),
            (ns, "core.fact_budget_plan")} <= inputs
    (out,) = mart["outputs"]
    assert (out["namespace"], out["name"]) == (ns, "marts.mart_absorption")
    fields = {f["name"]: f for f in out["facets"]["schema"]["fields"]}
    assert {"absorption_pct", "realized_cumulative", "rule_id"} <= set(fields)
    assert fields["absorption_pct"]["description"]
    assert "select" in mart["job"]["facets"]["sql"]["query"].lower()
    stg = next(d for d in docs if d["job"]["name"] == "pbk.dbt.stg_realization")
    assert {d["name"] for d in stg["inputs"]} == {"raw.realization",
                                                  "staging.stg_realization_superseded"}


def test_ingest_checks_and_publish_are_in_the_run(home, pristine, events):
    _, _, docs = events
    ingest = [d for d in docs if d["job"]["name"].startswith("pbk.ingest.")
              and d["eventType"] == "COMPLETE"]
    assert len(ingest) == 7
    real = next(d for d in ingest if d["outputs"][0]["name"] == "raw.realization")
    assert real["inputs"][0]["namespace"] == "file"
    assert Path(real["inputs"][0]["name"]).name == "realization.csv"
    loaded = next(f for f in pristine["outcome"].files if f.kind == "realization").rows_loaded
    assert real["outputs"][0]["outputFacets"]["outputStatistics"]["rowCount"] == loaded
    checks = next(d for d in docs if d["job"]["name"] == "pbk.mart_checks"
                  and d["eventType"] == "COMPLETE")
    facet = next(i for i in checks["inputs"] if i["name"] == "marts.mart_absorption")
    assertions = facet["inputFacets"]["dataQualityAssertions"]["assertions"]
    assert assertions and all(a["success"] for a in assertions)
    pub = next(d for d in docs if d["job"]["name"] == "pbk.publish" and d["eventType"] == "COMPLETE")
    outs = {(o["namespace"], o["name"]) for o in pub["outputs"]}
    run_home = pristine["home"]   # the events name the home the run wrote
    assert (f"duckdb://{run_home / 'published' / 'pbk.duckdb'}", "marts.mart_absorption") in outs
    assert ("file", str(run_home / "published" / "parquet" / "marts" / "mart_absorption.parquet")) in outs


def test_failed_model_and_blocked_publish(home, tmp_path):
    from serving.publish import PublishResult

    target = tmp_path / "target"
    target.mkdir()
    shutil.copy(home / "dbt" / "target" / "manifest.json", target)
    results = json.loads((home / "dbt" / "target" / "run_results.json").read_text())
    for r in results["results"]:
        if r["unique_id"] == "model.pbk.mart_efficiency":
            r["status"], r["message"] = "error", "Runtime Error: division by zero"
    (target / "run_results.json").write_text(json.dumps(results))
    paths = lineage.emit_dbt_events(home, "run-failed", target_dir=target)
    docs = [json.loads(p.read_text()) for p in paths]
    failed = [d for d in docs if d["eventType"] == "FAIL"]
    assert [d["job"]["name"] for d in failed] == ["pbk.dbt.mart_efficiency"]
    assert "division by zero" in failed[0]["run"]["facets"]["errorMessage"]["message"]

    paths = lineage.emit_pipeline_events(home, "run-blocked", publish_result=PublishResult(
        published=False, reason="1 blocking check(s) failed"))
    docs = [json.loads(p.read_text()) for p in paths]
    assert [d["eventType"] for d in docs if d["job"]["name"] == "pbk.publish"] == ["START", "ABORT"]
    assert docs[-1]["eventType"] == "FAIL" and "blocking" in \
        docs[-1]["run"]["facets"]["errorMessage"]["message"]


def test_generic_emit_run_events(home):
    paths = lineage.emit_run_events(home, "run-generic", "pbk.custom", inputs=["marts.mart_absorption"],
                                    outputs=[("file", "/tmp/export.csv")], state="COMPLETE")
    docs = [json.loads(p.read_text()) for p in paths]
    assert [d["eventType"] for d in docs] == ["START", "COMPLETE"]
    assert docs[0]["run"]["runId"] == docs[1]["run"]["runId"] == lineage.run_uuid("run-generic",
                                                                                  "pbk.custom")
    assert docs[1]["outputs"][0] == {"namespace": "file", "name": "/tmp/export.csv", "facets": {},
                                     "outputFacets": {}}


def test_checks_read_back_from_dq_results(home, pristine, events):
    from orchestration.quality import mart_check_specs

    run_id = pristine["outcome"].run_id
    checks = lineage.checks_from_dq_results(home, run_id)
    assert len(checks) == len(mart_check_specs())     # every GX mart rule, recorded once
    assert all(c["success"] for c in checks if c["severity"] == "error")
    _, _, docs = events
    mart_checks = [d for d in docs if d["job"]["name"] == "pbk.mart_checks"
                   and d["eventType"] == "COMPLETE"]
    assertions = [a for d in mart_checks for i in d["inputs"]
                  for a in i["inputFacets"]["dataQualityAssertions"]["assertions"]]
    # every rule is asserted (a rule reading two tables, the rule-seed weights, is under both)
    assert {a["assertion"] for a in assertions} == {c["rule"] for c in checks}
    assert lineage.checks_from_dq_results(home / "nowhere", run_id) == []
