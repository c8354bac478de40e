"""Publish the warehouse for BI tools and auditors: a read-only DuckDB copy of `core` and `marts`
plus Parquet files of the same tables, swapped in atomically (the layout under
`$PBK_HOME/published/` and why a reader never sees a mix of versions: published_versions.py).

`publish()` refuses (returns `published=False`, touches nothing) when the latest mart check run in
`ops.dq_results` has a failing `error` rule, when no mart check run is recorded, when the last dbt
build failed or ran after the checks (publish_gate.py), or when the caller passes blocking failures.

The copy is written with `STORAGE_VERSION 'v1.0.0'` by default: DuckDB 2.0's default storage cannot
be opened by the DuckDB 1.x libraries BI drivers bundle; v1.0.0 storage opens in every DuckDB from
1.0 to 2.0 (tested, docs/bi.md). `PBK_PUBLISH_STORAGE_VERSION` or `storage_version=` overrides it
(e.g. 'v1.2.0' for readers >= 1.2).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from base.files import fsync_path, sha256_file
from base.settings import paths
from base.sql import quote_ident, sql_literal
from .publish_gate import BlockingFailure, as_failure, gate_on_checks
from .published_versions import (DB_NAME, add_version, current_version_dir,
                                 new_version_id, prune_versions, publish_lock, published_dir,
                                 staging_dir, switch_current, versions_to_keep)

SCHEMAS = ("core", "marts")
STORAGE_VERSION = "v1.0.0"


class PublishError(RuntimeError):
    """Publishing failed for a reason other than a blocking check (the previous version stays)."""


@dataclass
class PublishResult:
    published: bool
    version: str | None = None
    run_id: str | None = None              # mart check run the publish was gated on
    path: Path | None = None               # published/pbk.duckdb (stable symlink)
    version_dir: Path | None = None
    storage_version: str | None = None
    tables: dict[str, int] = field(default_factory=dict)   # "marts.mart_absorption" -> rows
    seconds: float = 0.0
    blocked_by: list[BlockingFailure] = field(default_factory=list)
    reason: str | None = None
    previous_version: str | None = None
    removed_versions: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "published": self.published, "version": self.version, "run_id": self.run_id,
            "path": str(self.path) if self.path else None,
            "version_dir": str(self.version_dir) if self.version_dir else None,
            "storage_version": self.storage_version, "tables": self.tables,
            "seconds": round(self.seconds, 3),
            "blocked_by": [b.as_dict() for b in self.blocked_by], "reason": self.reason,
            "previous_version": self.previous_version, "removed_versions": self.removed_versions,
        }


def publish(home, run_id: str | None = None, *, blocking_failures: list | None = None,
            keep: int | None = None, storage_version: str | None = None,
            require_checks: bool = True, check_dbt: bool = True,
            parquet: bool = True, dbt_target: Path | None = None) -> PublishResult:
    """Publish `core` and `marts` of $PBK_HOME/warehouse.duckdb to $PBK_HOME/published/.

    run_id: the mart check run to gate on (default: the latest one in ops.dq_results; pass the
    Dagster run id, under which the GX mart checks record their results).
    check_dbt: also refuse when the last dbt build (run_results.json in dbt_target, default
    $PBK_HOME/dbt/target) has a failed node; without run_id, also when it is newer than the
    latest checks. The Dagster job passes its run's dbt target.
    blocking_failures: failures the caller already knows of (e.g. PipelineResult.blocking_failures
    or failed Dagster asset checks); any -> nothing is published.
    Returns a PublishResult; `published` is False (and the previous version untouched) when a
    blocking check failed. Raises PublishError when the copy itself fails.
    """
    import duckdb

    started = time.monotonic()
    home = Path(home).resolve()
    warehouse = paths(home).warehouse
    root = published_dir(home)
    storage_version = storage_version or os.environ.get("PBK_PUBLISH_STORAGE_VERSION") or STORAGE_VERSION
    try:   # a bad setting fails here, before anything is written
        keep = keep or versions_to_keep()
    except ValueError as exc:
        raise PublishError(str(exc)) from None
    result = PublishResult(published=False, storage_version=storage_version, path=root / DB_NAME)
    if blocking_failures:
        result.blocked_by = [as_failure(f) for f in blocking_failures]
        result.reason = f"{len(result.blocked_by)} blocking check(s) failed: nothing published"
        result.seconds = time.monotonic() - started
        return result
    if not warehouse.exists():
        raise PublishError(f"no warehouse at {warehouse}")

    with publish_lock(root):
        previous = current_version_dir(home)
        result.previous_version = previous.name if previous else None
        con, catalog = _open_warehouse(warehouse)
        staging = None        # removed on any failure until it is renamed into versions/
        try:
            verdict = gate_on_checks(con, catalog, home, run_id, require_checks=require_checks,
                                     check_dbt=check_dbt, dbt_target=dbt_target)
            result.run_id = verdict.run_id
            if verdict.refusal:
                result.blocked_by, result.reason = verdict.blocked_by, verdict.refusal
                return result

            version = new_version_id(root, verdict.run_id)
            staging = staging_dir(root, version)
            staging.mkdir(parents=True)
            tables = _tables_to_publish(con, catalog)
            counts, files = _write_copy(con, catalog, staging, tables, storage_version, home, parquet)
            _write_manifest(staging, version, verdict.run_id, warehouse, storage_version, counts, files)
            _seal(staging, files)
            final = add_version(root, staging, version)
            staging = None
            switch_current(root, version)
            result.published, result.version, result.version_dir = True, version, final
            result.tables = counts
            result.removed_versions = prune_versions(root, keep, version)
        except duckdb.IOException as exc:
            raise _cannot_read(warehouse, exc) from exc
        finally:
            con.close()
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
            result.seconds = time.monotonic() - started
    return result


def _cannot_read(warehouse: Path, exc: Exception) -> PublishError:
    return PublishError(f"cannot read {warehouse} (a run writing it?): {exc}")


def _open_warehouse(warehouse: Path):
    """(connection, catalog of the warehouse in it). Normally a private in-memory DuckDB with the
    warehouse attached read-only (other read-only readers may stay open); when this process already
    has the warehouse open (DuckDB allows one instance per file per process), that instance."""
    import duckdb

    try:
        return _connect_to_warehouse(warehouse)
    except duckdb.IOException as exc:
        raise _cannot_read(warehouse, exc) from exc


def _connect_to_warehouse(warehouse: Path):
    import duckdb

    con = duckdb.connect(":memory:")
    try:
        con.execute(f"ATTACH {sql_literal(warehouse)} AS wh (READ_ONLY)")
        return con, "wh"
    except duckdb.Error as exc:
        con.close()
        if "already attached" not in str(exc) and "file handle conflict" not in str(exc):
            raise
    con = duckdb.connect(str(warehouse))
    return con, con.execute("SELECT current_database()").fetchone()[0]


def _tables_to_publish(con, catalog: str) -> list[tuple[str, str]]:
    """(schema, table) of every table of `core` and `marts`; a warehouse without marts is refused."""
    tables = con.execute(
        "SELECT table_schema, table_name FROM information_schema.tables "
        "WHERE table_catalog = ? AND table_schema IN ('core', 'marts') "
        "ORDER BY table_schema, table_name", [catalog]).fetchall()
    if not any(s == "marts" for s, _ in tables):
        raise PublishError("the warehouse has no marts yet: build it before publishing")
    return tables


def _write_copy(con, catalog: str, out: Path, tables, storage_version: str, home: Path,
                parquet: bool):
    """Tables into out/pbk.duckdb (given storage version) and out/parquet/<schema>/<t>.parquet."""
    db = out / DB_NAME
    con.execute(f"ATTACH {sql_literal(db)} AS pub (STORAGE_VERSION {sql_literal(storage_version)})")
    descriptions = _dbt_descriptions(home)
    counts: dict[str, int] = {}
    files: dict[str, dict] = {}
    try:
        for schema in SCHEMAS:
            con.execute(f"CREATE SCHEMA IF NOT EXISTS pub.{quote_ident(schema)}")
        for schema, table in tables:
            name = f"{schema}.{table}"
            q = f"{quote_ident(schema)}.{quote_ident(table)}"
            con.execute(f"CREATE TABLE pub.{q} AS SELECT * FROM {quote_ident(catalog)}.{q}")
            counts[name] = con.execute(f"SELECT count(*) FROM pub.{q}").fetchone()[0]
            doc = descriptions.get(name)
            if doc:
                if doc["description"]:
                    con.execute(f"COMMENT ON TABLE pub.{q} IS {sql_literal(doc['description'])}")
                cols = {r[0] for r in con.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_catalog = 'pub' "
                    "AND table_schema = ? AND table_name = ?", [schema, table]).fetchall()}
                for col, text in doc["columns"].items():
                    if text and col in cols:
                        con.execute(f"COMMENT ON COLUMN pub.{q}.{quote_ident(col)} "
                                    f"IS {sql_literal(text)}")
        con.execute("CHECKPOINT pub")
    finally:
        con.execute("DETACH pub")
    if parquet:
        for schema, table in tables:
            name = f"{schema}.{table}"
            rel = Path("parquet") / schema / f"{table}.parquet"
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            # from the copy just written, so the Parquet files hold exactly what pbk.duckdb holds;
            # Snappy: the codec every Parquet reader (Power BI, Excel, Tableau) supports
            con.execute(f"ATTACH {sql_literal(db)} AS pubr (READ_ONLY)")
            try:
                con.execute(f"COPY (SELECT * FROM pubr.{quote_ident(schema)}.{quote_ident(table)}) "
                            f"TO {sql_literal(out / rel)} (FORMAT parquet, COMPRESSION snappy)")
            finally:
                con.execute("DETACH pubr")
            files[name] = {"parquet": str(rel), "sha256": sha256_file(out / rel)}
    return counts, files


def _dbt_descriptions(home: Path) -> dict[str, dict]:
    """'schema.table' -> {'description': str, 'columns': {name: description}} from dbt's
    manifest (empty when there is none)."""
    out: dict[str, dict] = {}
    p = paths(home)
    for path in (p.dbt_target / "manifest.json", p.dbt_docs / "manifest.json"):
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            continue
        for node in manifest.get("nodes", {}).values():
            if node.get("resource_type") not in ("model", "seed") or node.get("schema") not in SCHEMAS:
                continue
            out[f"{node['schema']}.{node.get('alias') or node['name']}"] = {
                "description": (node.get("description") or "").strip(),
                "columns": {c: (v.get("description") or "").strip()
                            for c, v in (node.get("columns") or {}).items()}}
        break
    return out


def _write_manifest(out: Path, version: str, run_id: str | None, warehouse: Path,
                    storage_version: str, counts: dict[str, int], files: dict[str, dict]) -> None:
    """out/manifest.json: what the version holds, with the sha256 of every file."""
    import duckdb

    db_sha = sha256_file(out / DB_NAME)
    manifest = {
        "version": version,
        "run_id": run_id,
        "published_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "warehouse": str(warehouse),
        "storage_version": storage_version,
        "writer": f"duckdb {duckdb.__version__}",
        "database": {"file": DB_NAME, "sha256": db_sha, "bytes": (out / DB_NAME).stat().st_size},
        "tables": {name: {"rows": counts[name], **files.get(name, {})} for name in counts},
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def _seal(out: Path, files: dict[str, dict]) -> None:
    """Every file read-only, and every file and directory on disk, before the rename that makes the
    version visible: after a crash a version is there whole or not at all."""
    for path in [out / DB_NAME, out / "manifest.json"] + [
            out / f["parquet"] for f in files.values() if "parquet" in f]:
        os.chmod(path, 0o444)
        fsync_path(path)
    for d in [p for p in out.rglob("*") if p.is_dir()] + [out]:
        fsync_path(d)
