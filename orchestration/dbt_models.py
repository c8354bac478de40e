"""The dbt project (dbt_project/) as Dagster assets through dagster-dbt.

Every seed and model is an asset keyed by its schema and name (``staging/stg_budget``,
``intermediate/int_work_unit_output``, ``core/fact_realization``, ``marts/mart_absorption``) in the
group of its schema (its layer); the dbt sources ``raw.<kind>`` are the ingest assets
``raw/<kind>``, so the graph runs from landing to the marts.
dbt data tests are asset checks (error severity = blocking: dbt skips what is downstream of a
failing test, and the step fails). Reconciliation tests that read several nodes are attached to
the most downstream model they read.

This job is the only way the warehouse is built (`pbk run`, `pbk demo`, the schedule, the sensor,
the benchmarks and the test fixtures all run it). Nothing is written into the repository: the
manifest Dagster loads is parsed into ``$PBK_HOME/dbt/manifest`` (again only when the dbt project
changed; copied from ``$PBK_DBT_MANIFEST_CACHE`` instead when that is set and holds it) and
builds write to ``$PBK_HOME/dbt/target`` (`Paths.dbt_target`), where publish, trace and lineage
read run_results.json and manifest.json.
"""

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sys
from pathlib import Path
from typing import Any, Mapping

from dagster import (AssetExecutionContext, AssetKey, AssetMaterialization, AssetSpec, Config,
                     Failure, FreshnessPolicy, MetadataValue, Output)
from dagster_dbt import (DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource,
                         DbtProject, dbt_assets)

from base import progress
from base.dbt import (PROFILES_DIR, PROJECT_DIR, dbt_environment, project_fingerprint,
                      release_connections)
from base.settings import Paths
from ingest.raw_tables import ensure_raw_tables

from . import engines
from .instance import WAREHOUSE_POOL
from .resources import WarehouseResource, retry_if_transient

DBT_OP_NAME = "pbk_dbt_models"
SCHEMA_GROUPS = {"staging": "staging", "intermediate": "intermediate", "core": "core",
                 "marts": "marts", "audit": "quality"}
# The marts are rebuilt every night: a mart older than 26 hours missed a night (warn); older than
# 50 hours it missed two (fail).
MART_FRESHNESS = FreshnessPolicy.time_window(fail_window=dt.timedelta(hours=50),
                                             warn_window=dt.timedelta(hours=26))


def dbt_project_for(p: Paths) -> DbtProject:
    return DbtProject(project_dir=PROJECT_DIR, profiles_dir=PROFILES_DIR,
                      target_path=p.dbt_manifest)


def dbt_executable() -> str:
    """The `dbt` beside this Python (the venv's), else the one on PATH."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


# Dagster starts dbt through this wrapper: dbt dies with the run, and `dbt --version` stays offline
DBT_CHILD = Path(__file__).resolve().parent / "dbt_child"


class PbkDbtCli(DbtCliResource):
    """dagster-dbt's dbt resource without the dbt adapter it builds in the run's own process
    before every `dbt` command. That adapter only serves `fetch_row_counts` and
    `fetch_column_metadata`, which pbk does not call; building it loads the dbt profile, project
    and macros a second time (about 2.5 s of every run, before dbt itself starts).
    tests/orchestration/test_dbt_models.py holds the overridden method to dagster-dbt's API."""

    def _initialize_dbt_core_adapter(self, args):
        return None


def dbt_cli(project: DbtProject) -> DbtCliResource:
    from importlib.metadata import version

    os.environ["PBK_DBT_REAL"] = dbt_executable()
    os.environ["PBK_DBT_VERSION"] = version("dbt-core")
    return PbkDbtCli(project_dir=project, profiles_dir=str(PROFILES_DIR),
                     dbt_executable=str(DBT_CHILD))


# A directory of parsed manifests shared by several PBK_HOMEs (the test suite sets it: every test
# home would otherwise run the same `dbt parse`). Unset: every PBK_HOME parses its own.
MANIFEST_CACHE_ENV = "PBK_DBT_MANIFEST_CACHE"


def prepare_manifest(p: Paths, project: DbtProject) -> dict:
    """`dbt parse` into $PBK_HOME/dbt/manifest when the manifest is missing or the dbt
    project changed since it was parsed (works offline); returns the manifest, with the
    multi-parent singular tests attached to a model (see attach_singular_tests). With
    $PBK_DBT_MANIFEST_CACHE set, a manifest parsed for the same project files, project
    directory and dbt versions is copied from there instead of parsed again."""
    stamp = project.manifest_path.parent / "pbk_fingerprint.txt"
    fingerprint = project_fingerprint()
    fresh = (project.manifest_path.exists() and stamp.exists()
             and stamp.read_text().strip() == fingerprint)
    if not fresh:
        project.manifest_path.parent.mkdir(parents=True, exist_ok=True)
        cached = cached_manifest_path(fingerprint)
        if cached is not None and cached.exists():
            shutil.copyfile(cached, project.manifest_path)
        else:
            dbt_environment(p)
            dbt_cli(project).cli(["parse", "--quiet"],
                                 target_path=project.manifest_path.parent).wait()
            if cached is not None:
                cached.parent.mkdir(parents=True, exist_ok=True)
                tmp = cached.with_name(f".{cached.name}.{os.getpid()}.tmp")
                shutil.copyfile(project.manifest_path, tmp)
                os.replace(tmp, cached)   # readers never see half a file
        stamp.write_text(fingerprint)
    manifest = json.loads(project.manifest_path.read_text())
    attach_singular_tests(manifest)
    return manifest


def cached_manifest_path(fingerprint: str) -> Path | None:
    """Where $PBK_DBT_MANIFEST_CACHE keeps the manifest of this project state (None when unset):
    keyed by the project fingerprint, the project directory (the manifest names its files) and the
    dbt-core and dbt-duckdb versions (they write it). The manifest holds nothing of a PBK_HOME
    (the profile's warehouse path is not written into it; nodes name the database `warehouse`,
    the file's stem, in every PBK_HOME), so homes can share it."""
    root = os.environ.get(MANIFEST_CACHE_ENV)
    if not root:
        return None
    from importlib.metadata import version

    key = hashlib.sha256("\0".join([fingerprint, str(PROJECT_DIR), version("dbt-core"),
                                     version("dbt-duckdb")]).encode()).hexdigest()
    return Path(root) / key / "manifest.json"


def attach_singular_tests(manifest: dict) -> None:
    """A singular test reading several nodes (the reconciliation tests read raw sources and a
    model) becomes an asset check of the most downstream model among them, by setting what
    dagster-dbt looks for (meta.dagster.ref) in the loaded manifest. The same could be declared in
    dbt_project/tests/reconciliation/_reconciliation.yml (config: meta: dagster: ref: ...).
    `-- depends_on:` hints (ordering only) are not what a test checks: the models its SQL reads
    are preferred."""
    nodes = manifest["nodes"]
    parents = manifest.get("parent_map", {})
    depth_cache: dict[str, int] = {}

    def depth(uid: str) -> int:
        if uid not in depth_cache:
            depth_cache[uid] = 0
            depth_cache[uid] = 1 + max((depth(u) for u in parents.get(uid, [])), default=-1)
        return depth_cache[uid]

    for uid, node in nodes.items():
        if node.get("resource_type") != "test" or node.get("attached_node"):
            continue
        meta = (node.get("config") or {}).get("meta") or node.get("meta") or {}
        if meta.get("dagster", {}).get("ref"):
            continue
        upstream = [u for u in node.get("depends_on", {}).get("nodes", [])
                    if u in nodes and nodes[u]["resource_type"] in ("model", "seed", "snapshot")]
        if len(node.get("depends_on", {}).get("nodes", [])) < 2 or not upstream:
            continue
        # prefer what the SQL reads over `-- depends_on:` ordering hints
        code = "\n".join(line for line in (node.get("raw_code") or "").splitlines()
                          if not line.lstrip().startswith("--"))
        read = [u for u in upstream if re.search(
            r"ref\(\s*['\"]" + re.escape(nodes[u]["name"]) + r"['\"]", code)]
        target = nodes[max(read or upstream, key=depth)]
        ref = {"dagster": {"ref": {"name": target["name"]}}}
        node.setdefault("config", {}).setdefault("meta", {}).update(ref)
        node.setdefault("meta", {}).update(ref)


class PbkDbtTranslator(DagsterDbtTranslator):
    """Keys by schema (the warehouse's layers), groups by layer, freshness on the marts."""

    def __init__(self):
        super().__init__(DagsterDbtTranslatorSettings(enable_asset_checks=True))

    def get_asset_key(self, props: Mapping[str, Any]) -> AssetKey:
        if props["resource_type"] == "source":
            return AssetKey([props["source_name"], props["name"]])  # raw/<kind>: the ingest assets
        # the relation's name (audit.load_log is the model audit_load_log)
        return AssetKey([props.get("schema") or "core", props.get("alias") or props["name"]])

    def get_group_name(self, props: Mapping[str, Any]) -> str | None:
        if props["resource_type"] == "seed":
            return "core"  # the regulation-versioned rule seeds live in core.rule_*
        return SCHEMA_GROUPS.get(props.get("schema"), "core")

    def get_description(self, props: Mapping[str, Any]) -> str:
        text = (props.get("description") or "").strip()
        if props["resource_type"] == "seed":
            prefix = "Rule seed (dbt_project/seeds): "
        else:
            prefix = f"dbt {props.get('config', {}).get('materialized', 'model')} "
            prefix += f"{props.get('schema')}.{props['name']}: "
        return prefix + (text or "see dbt_project/" + str(props.get("original_file_path", "")))

    def get_asset_spec(self, manifest, unique_id, project) -> AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        if spec.group_name == "marts" and spec.freshness_policy is None:
            spec = spec.replace_attributes(freshness_policy=MART_FRESHNESS)
        return spec


class DbtBuildConfig(Config):
    full_refresh: bool = False
    """dbt --full-refresh: rebuild every model from scratch (no model is incremental today: the
    facts are views of the raw lines, the superseded rows and the marts are rebuilt every run)."""
    unit_tests: bool = False
    """Also run the dbt unit tests (hand-computed fixtures of every formula). They test the code,
    not the data: the nightly skips them (dbt's advice for production), the test suite runs them."""


def make_dbt_assets(p: Paths, project: DbtProject, manifest: dict):
    run_target = p.dbt_target

    @dbt_assets(manifest=manifest, project=project, dagster_dbt_translator=PbkDbtTranslator(),
                name=DBT_OP_NAME, pool=WAREHOUSE_POOL,
                op_tags={"kind": "dbt"})
    def pbk_dbt_models(context: AssetExecutionContext, config: DbtBuildConfig,
                       dbt: DbtCliResource, warehouse: WarehouseResource):
        """`dbt build` of the selected models and seeds with their data tests."""
        wp = warehouse.paths
        engine = warehouse.engine
        dbt_environment(wp)
        ensure_raw_tables(wp)
        synced = engines.before_build(wp, engine)
        if synced and synced["written"]:
            context.log.info(f"lake: {synced['written']} batch file(s) written, "
                             f"{synced['removed']} removed to match raw")
        args = ["build", *engines.dbt_target_args(engine)]
        if not config.unit_tests:
            args += ["--exclude-resource-type", "unit_test"]
        if config.full_refresh:
            args.append("--full-refresh")
        run_target.mkdir(parents=True, exist_ok=True)
        try:
            invocation = dbt.cli(args, context=context, target_path=run_target,
                                 raise_on_error=False)
            models = len(context.selected_asset_keys)
            built = 0
            progress.report("dbt build", f"{models} models and seeds with their tests on {engine}",
                            0, models)
            for event in invocation.stream():
                if isinstance(event, (Output, AssetMaterialization)):
                    built += 1
                    name = (getattr(event, "output_name", None)
                            or event.asset_key.path[-1]).split("__")[-1]
                    progress.report("dbt build", f"built {name}", built, models)
                yield event
            ok = invocation.is_successful()
            # Spark: what the build exported, as views of the warehouse file (engines.py)
            engines.after_build(wp, engine)
            progress.finished("dbt build", f"{built} models and seeds built" if ok else
                              "FAILED (see the run's dbt.log)")
        finally:
            release_connections()
        if ok:
            if not context.is_subset:   # every model built with the project as it is now
                from .run_scope import record_whole_build

                record_whole_build(wp, project_fingerprint())
            return
        failures = _failed_nodes(invocation)
        error = invocation.get_error()
        text = "; ".join([str(error or "")] + [f"{f['node']}: {f['message']}" for f in failures])
        exc = Failure(
            description="dbt build failed: " + (", ".join(
                f"{f['status']} {f['node']}" for f in failures[:10]) or str(error)),
            metadata={"failed_nodes": MetadataValue.json(failures),
                      "dbt_logs": MetadataValue.path(str(run_target / "dbt.log"))})
        retry_if_transient(context, RuntimeError(text))
        raise exc

    return pbk_dbt_models


def _failed_nodes(invocation) -> list[dict]:
    try:
        results = invocation.get_artifact("run_results.json").get("results", [])
    except Exception:
        return []
    return [{"node": r.get("unique_id"), "status": r.get("status"),
             "message": (r.get("message") or "").strip()[:500]}
            for r in results if r.get("status") in ("error", "fail", "runtime error")]
