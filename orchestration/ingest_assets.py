"""Ingest assets: one per extract kind, ``raw/<kind>``, loading $PBK_HOME/landing.

One op (``ingest_landing``) materialises the selected kinds: it picks the landing files whose
headers match a selected kind (orchestration.landing), loads them with the project's loader
(ingest.loader.ingest_files: parse -> GX row rules -> GX batch rules -> one transaction per file
-> archive/), and reports per kind. One op rather than seven because the loader opens the warehouse,
GX and the Data Docs once for all files, and DuckDB takes one writer anyway.

Each kind's GX rules are asset checks on its asset, evaluated from ops.dq_results for this run's
loads of that kind: quarantine rules (rows held in ops.quarantine), warn rules, and the batch rules
(row count against the previous batch, realization against pagu, the quarantine-share gate that
rejects a whole file). None blocks: the loader already kept bad rows and rejected files out of raw.*
(a rejected file waits in archive/rejected/ with its reason), so they are WARN-severity failures,
and the file-level outcome is the ``batch_accepted`` check. A rejected file is never a crash.
"""
import importlib
import json

from dagster import (AssetCheckResult, AssetsDefinition, AssetCheckSeverity, AssetCheckSpec, AssetExecutionContext,
                     AssetKey, AssetSpec, Config, DataVersion, MaterializeResult, MetadataValue,
                     multi_asset)

from base import progress
from expectations.config import load as load_dq_config
from expectations.rule_texts import rendered_rules
from ingest.contracts import CONTRACTS, KINDS
from ingest.intake import waiting_to_settle
from ingest.loader import ingest_files
from ingest.raw_tables import connect
from ingest.results import FileResult

from .instance import WAREHOUSE_POOL
from .landing import scan_landing
from .resources import WarehouseResource, retry_if_transient

INGEST_OP_NAME = "ingest_landing"


def ingest_key(kind: str) -> AssetKey:
    return AssetKey(["raw", kind])


def check_name(label: str) -> str:
    return "gx_" + label.replace(".", "_")


def rules_of(kind: str) -> list[tuple[str, str, str]]:
    """(label, severity, message) of the GX rules (row, then batch) a batch of this kind is
    validated with, from the rule catalogue."""
    cfg = load_dq_config()
    return [(r.label, r.severity, r.message)
            for stage in ("row", "batch") for r in rendered_rules(stage, cfg, kind)]


def ingest_specs() -> tuple[list[AssetSpec], list[AssetCheckSpec]]:
    specs, checks = [], []
    for kind in KINDS:
        contract = CONTRACTS[kind]
        key = ingest_key(kind)
        specs.append(AssetSpec(
            key=key, group_name="ingest", kinds={"python", "duckdb"}, skippable=True,
            description=(f"raw.{kind}: {contract.description} Append-only; loaded from "
                         f"$PBK_HOME/landing (CSV, XLSX or Parquet files whose headers match the "
                         f"{kind} contract) by the ingest loader, one transaction per file, with "
                         "lineage columns; bad rows go to ops.quarantine, every file to "
                         "ops.load_log and archive/."),
            metadata={"table": MetadataValue.text(f"raw.{kind}"),
                      "natural_key": MetadataValue.text(", ".join(contract.natural_key)),
                      "contract": MetadataValue.text("docs/extracts.md")}))
        checks.append(AssetCheckSpec(
            "batch_accepted", asset=key,
            description=f"Every {kind} file of the run was loaded (or was a duplicate); a rejected "
                        "file is held in archive/rejected/ with its reason (WARN: nothing of it "
                        "reached raw.*)."))
        for label, severity, message in rules_of(kind):
            checks.append(AssetCheckSpec(
                check_name(label), asset=key,
                description=f"GX {severity} rule {label}: {message}",
                metadata={"rule": label, "severity": severity}))
    return specs, checks


class IngestConfig(Config):
    files: list[str] | None = None
    """Names of the landing files to load (the landing sensor names the file that triggered the
    run); none = every file waiting in landing."""


# What the ingest step records besides raw.*, read by the dbt audit views (dbt source `ops`)
OPS_TABLES = {"load_log": "one row per file a run looked at, its rows and Rupiah accounted",
              "quarantine": "every row a batch held back, with the rule and its raw cells",
              "dq_results": "every data-quality rule result (extract files and mart checks)"}


def ops_table_assets() -> list:
    """ops.* as external assets of the ingest group: written by the ingest step (and
    ops.dq_results by the mart checks too), never materialised on their own."""
    return [AssetsDefinition(specs=[AssetSpec(
        AssetKey(["ops", table]), group_name="ingest", kinds={"duckdb"},
        description=f"ops.{table}: {text} (ingest/raw_tables.py)")])
        for table, text in OPS_TABLES.items()]


def make_ingest_assets():
    specs, checks = ingest_specs()

    @multi_asset(specs=specs, check_specs=checks, name=INGEST_OP_NAME, can_subset=True,
                 pool=WAREHOUSE_POOL,
                 description="Load the extract files waiting in $PBK_HOME/landing into raw.*")
    def ingest_landing(context: AssetExecutionContext, config: IngestConfig,
                       warehouse: WarehouseResource):
        p = warehouse.paths.ensure()
        selected = [k for k in KINDS if ingest_key(k) in context.selected_asset_keys]
        waiting = scan_landing(p, config.files)
        if config.files:
            gone = sorted(set(config.files) - {f.name for f in waiting})
            if gone:
                context.log.info(f"no longer in landing (loaded by an earlier run?): {gone}")
        # files nobody can read are loaded too: the loader rejects them with the reason
        todo = [f for f in waiting if f.kind in selected or f.kind is None]
        context.log.info(f"{len(todo)} landing file(s) for {', '.join(selected)}: "
                         + ", ".join(f"{f.name} ({f.kind or 'unrecognised'})" for f in todo))
        results: list[FileResult] = []
        if todo:
            # GX (2 s to import) is imported here, in the step's own thread, not when the
            # definitions load (the webserver and a run without files never need it) and not by
            # the loader's background import: its import pulls in sqlalchemy.orm, and run
            # alongside Dagster's SQLAlchemy event storage it failed a later step with
            # "'int' object has no attribute '_sa_instance_state'" (tests/orchestration/test_faults.py).
            progress.report("ingest", f"{len(todo)} file(s) in landing; loading the "
                                      "data-quality rules (GX)")
            importlib.import_module("expectations.engine")
            try:
                results = ingest_files([f.path for f in todo], p, from_landing=True)
            except Exception as exc:
                retry_if_transient(context, exc)
                raise
        still_written = waiting_to_settle(p)
        if still_written:
            context.log.info("left in landing, still being written (changed within the settle "
                             "interval): " + ", ".join(f.name for f in still_written))
        by_kind: dict[str | None, list[FileResult]] = {}
        for f, r in zip(todo, results):
            kind = r.kind if r.kind in CONTRACTS else f.kind
            by_kind.setdefault(kind, []).append(r)
        unassigned = by_kind.pop(None, [])
        con = connect(p)  # creates the raw and ops tables on a first run with empty landing
        try:
            for kind in selected:
                yield from _report_kind(context, con, kind, by_kind.get(kind, []), unassigned)
        finally:
            con.close()

    return ingest_landing


def _report_kind(context, con, kind: str, results: list[FileResult], unassigned: list[FileResult]):
    key = ingest_key(kind)
    rows, latest = con.execute(f"SELECT count(*), max(_load_id) FROM raw.{kind}").fetchone()
    loaded = [r for r in results if r.status == "loaded"]
    rejected = [r for r in results if r.status == "rejected"]
    metadata = {
        "files_loaded": len(loaded),
        "files_duplicate": sum(r.status == "duplicate" for r in results),
        "files_rejected": len(rejected),
        "rows_read": sum(r.rows_read for r in results),
        "rows_loaded": sum(r.rows_loaded for r in loaded),
        "rows_quarantined": sum(r.rows_quarantined for r in loaded),
        "raw_rows_total": int(rows),
        "files": MetadataValue.json([_file_doc(r) for r in results]),
    }
    if rejected:
        metadata["rejected"] = MetadataValue.md("\n".join(
            f"- `{r.file}`: {r.reason} (held in `{r.archived_to}`)" for r in rejected))
    if unassigned:
        metadata["unrecognised_files"] = MetadataValue.json([_file_doc(r) for r in unassigned])
    if not results:
        metadata["note"] = "no new file of this kind in landing"
    yield MaterializeResult(asset_key=key, metadata=metadata,
                            data_version=DataVersion(f"{rows}:{latest or '-'}"))
    if not results:
        return  # nothing was validated: no check result (not a pass)
    yield AssetCheckResult(
        asset_key=key, check_name="batch_accepted", passed=not rejected,
        severity=AssetCheckSeverity.WARN,
        description=("; ".join(f"{r.file}: {r.reason}" for r in rejected) or None),
        metadata={"files": len(results), "rejected": len(rejected)})
    load_ids = [r.load_id for r in results if r.load_id]
    if not load_ids:
        return
    placeholders = ", ".join("?" for _ in load_ids)
    found = con.execute(
        f"SELECT rule, severity, bool_and(success), sum(unexpected_count), "
        f"list(struct_pack(file := source_file, success := success, unexpected := "
        f"unexpected_count, sample := sample, message := message) ORDER BY checked_at) "
        f"FROM ops.dq_results WHERE load_id IN ({placeholders}) GROUP BY ALL", load_ids).fetchall()
    known = {label for label, _, _ in rules_of(kind)}
    for rule, severity, success, unexpected, per_file in found:
        if rule not in known:
            continue
        failing = [f for f in per_file if not f["success"]]
        yield AssetCheckResult(
            asset_key=key, check_name=check_name(rule), passed=bool(success),
            severity=AssetCheckSeverity.WARN,
            description=(failing[0]["message"] if failing else None),
            metadata={"severity": severity, "unexpected_count": int(unexpected or 0),
                      "files": MetadataValue.json([
                          {**f, "sample": json.loads(f["sample"]) if f["sample"] else None}
                          for f in per_file])})


def _file_doc(r: FileResult) -> dict:
    d = r.as_dict()
    return {k: d[k] for k in ("file", "kind", "status", "rows_read", "rows_loaded",
                              "rows_quarantined", "reason", "load_id", "sha256", "archived_to",
                              "quarantined_by_rule", "warnings", "notes", "scope", "seconds",
                              "internal_error", "encoding")}


def file_results_from_metadata(docs: list[dict]) -> list[FileResult]:
    """FileResults back from a materialisation's `files` metadata (for `pbk run`'s summary)."""
    fields = set(FileResult.__dataclass_fields__)
    return [FileResult(**{k: v for k, v in d.items() if k in fields}) for d in docs]

