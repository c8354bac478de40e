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
    # an asset is keyed by the relation the node builds (its alias: audit.load_log)
    nodes = {f"{n['schema']}/{n.get('alias') or n['name']}" for n in manifest["nodes"].values()
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


def test_exposures_and_owners_are_declared(home, first_run):
    """What reads the warehouse outside dbt is declared (exposures), and every model and seed names
    who answers for it (meta.owner; Dagster's asset owners from meta.dagster.owners)."""
    from orchestration.definitions import build_definitions

    manifest = json.loads((home / "dbt" / "manifest" / "manifest.json").read_text())
    exposures = {e["name"]: e for e in manifest["exposures"].values()}
    assert sorted(exposures) == ["published_audit_trail", "published_marts"]
    marts = {n for n in manifest["nodes"] if n.startswith("model.pbk.mart_")}
    assert marts <= set(exposures["published_marts"]["depends_on"]["nodes"]) and len(marts) == 7
    assert {"model.pbk.audit_load_log", "model.pbk.audit_quarantine",
            "model.pbk.audit_dq_results"} <= set(
        exposures["published_audit_trail"]["depends_on"]["nodes"])
    models = [n for n in manifest["nodes"].values() if n["resource_type"] in ("model", "seed")]
    assert {n["meta"]["owner"] for n in models} == {"pbk-warehouse data team"}
    assert all(n["meta"]["published"] for n in models if n["schema"] == "marts")
    defs = build_definitions(home)
    owners = {tuple(spec.owners) for a in defs.assets for spec in getattr(a, "specs", [])
              if spec.key.path[0] in ("staging", "intermediate", "core", "marts", "audit")}
    assert owners == {("team:pbk-data",)}


def test_a_cached_manifest_serves_only_the_project_state_it_was_parsed_from(tmp_path, monkeypatch):
    """$PBK_DBT_MANIFEST_CACHE (set for the whole test run by tests/conftest.py): a manifest cached
    for another state of the dbt project is never used (dbt parses); the one dbt parsed is stored
    and the next home gets exactly it, without a parse."""
    from base.dbt import project_fingerprint
    from base.settings import paths
    from orchestration.dbt_models import (MANIFEST_CACHE_ENV, cached_manifest_path,
                                          dbt_project_for, prepare_manifest)

    monkeypatch.setenv(MANIFEST_CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setenv("PBK_HOME", str(tmp_path / "a"))    # restored afterwards (dbt sets it)
    marked = {"nodes": {}, "parent_map": {}, "pbk_test_marker": "from the cache"}
    fingerprint = project_fingerprint()
    stale = cached_manifest_path("0" * 64)                  # the project before an edit
    assert stale != cached_manifest_path(fingerprint)
    stale.parent.mkdir(parents=True)
    stale.write_text(json.dumps(marked))

    a = paths(tmp_path / "a").ensure()
    got = prepare_manifest(a, dbt_project_for(a))
    assert "pbk_test_marker" not in got and len(got["nodes"]) > 100
    assert (a.dbt_manifest / "partial_parse.msgpack").exists()      # dbt parsed in this home
    stored = cached_manifest_path(fingerprint)
    assert stored.read_bytes() == (a.dbt_manifest / "manifest.json").read_bytes()

    stored.write_text(json.dumps(marked))
    b = paths(tmp_path / "b").ensure()
    got = prepare_manifest(b, dbt_project_for(b))
    assert got["pbk_test_marker"] == "from the cache"
    assert not (b.dbt_manifest / "partial_parse.msgpack").exists()  # no parse
    assert (b.dbt_manifest / "pbk_fingerprint.txt").read_text() == fingerprint


def test_the_dbt_resource_builds_no_adapter_in_the_run_process():
    """PbkDbtCli overrides the dagster-dbt method that builds a dbt adapter before each command;
    if dagster-dbt renames or stops calling it, the override is dead code and this fails."""
    import inspect

    from dagster_dbt import DbtCliResource

    from orchestration.dbt_models import PbkDbtCli, dbt_cli, dbt_project_for
    from base.settings import paths

    assert "self._initialize_dbt_core_adapter(args)" in inspect.getsource(DbtCliResource.cli)
    assert inspect.signature(DbtCliResource._initialize_dbt_core_adapter).parameters.keys() == \
        inspect.signature(PbkDbtCli._initialize_dbt_core_adapter).parameters.keys()
    resource = dbt_cli(dbt_project_for(paths()))
    assert isinstance(resource, PbkDbtCli)
    assert resource._initialize_dbt_core_adapter(["build"]) is None
