"""Publish the warehouse for BI tools and auditors: Parquet files of every table of `core`,
`marts` and `audit` (the load log, the quarantine and the rule results, dbt_project/models/audit)
and a DuckDB file `pbk.duckdb` over them, swapped in atomically (the layout under
`$PBK_HOME/published/` and why a reader never sees a mix of versions: published_versions.py; what
the files hold, and why an unchanged table is not written again: published_tables.py).

`publish()` refuses (returns `published=False`, touches nothing) when the latest mart check run in
`ops.dq_results` has a failing `error` rule, when no mart check run is recorded, when the last dbt
build failed or ran after the checks (publish_gate.py), or when the caller passes blocking failures.

`pbk.duckdb` is written with `STORAGE_VERSION 'v1.0.0'` by default: DuckDB 2.0's default storage
cannot be opened by the DuckDB 1.x libraries BI drivers bundle; v1.0.0 storage opens in every DuckDB
from 1.0 to 2.0 (tested, docs/bi.md). `PBK_PUBLISH_STORAGE_VERSION` or `storage_version=` overrides
it (e.g. 'v1.2.0' for readers >= 1.2).
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
from .published_tables import PublishedTable, database_mode, describe_tables, write_tables
from .published_versions import (DB_NAME, add_version, current_version_dir, manifest_of,
                                 new_version_id, prune_versions, publish_lock, published_dir,
                                 staging_dir, switch_current, versions_to_keep)

# the star schema, the marts, and for auditors what was loaded, quarantined and checked
SCHEMAS = ("core", "marts", "audit")
STORAGE_VERSION = "v1.0.0"
PUBLISH_MEMORY = "2GB"   # PBK_PUBLISH_MEMORY; beyond it DuckDB spills to $PBK_HOME/tmp


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
    shared_tables: list[str] = field(default_factory=list)  # unchanged: linked, not written again

    def as_dict(self) -> dict:
        return {
            "published": self.published, "version": self.version, "run_id": self.run_id,
            "path": str(self.path) if self.path else None,
            "version_dir": str(self.version_dir) if self.version_dir else None,
            "storage_version": self.storage_version, "tables": self.tables,
            "seconds": round(self.seconds, 3),
            "blocked_by": [b.as_dict() for b in self.blocked_by], "reason": self.reason,
            "previous_version": self.previous_version, "removed_versions": self.removed_versions,
            "shared_tables": self.shared_tables,
        }


def publish(home, run_id: str | None = None, *, blocking_failures: list | None = None,
            keep: int | None = None, storage_version: str | None = None,
            require_checks: bool = True, check_dbt: bool = True,
            database: str | None = None, dbt_target: Path | None = None) -> PublishResult:
    """Publish `core`, `marts` and `audit` of $PBK_HOME/warehouse.duckdb to $PBK_HOME/published/.

    run_id: the mart check run to gate on (default: the latest one in ops.dq_results; pass the
    Dagster run id, under which the GX mart checks record their results).
    check_dbt: also refuse when the last dbt build (run_results.json in dbt_target, default
    $PBK_HOME/dbt/target) has a failed node; without run_id, also when it is newer than the
    latest checks. The Dagster job passes its run's dbt target.
    blocking_failures: failures the caller already knows of (e.g. PipelineResult.blocking_failures
    or failed Dagster asset checks); any -> nothing is published.
    database: what pbk.duckdb holds, 'views' over the Parquet files or 'tables' (a full copy);
    default PBK_PUBLISH_DATABASE, else views (published_tables.py).
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
        mode = database_mode(database)
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
            if catalog == "wh":   # our own instance (not a caller's open warehouse) is tuned
                _limit_memory(con, home)
                con.execute("SET preserve_insertion_order = false")   # row order carries no meaning
            published = _write_version(con, catalog, root, staging, version, tables,
                                       storage_version, home, mode, previous)
            _write_manifest(staging, version, verdict.run_id, warehouse, storage_version, mode,
                            published)
            _seal(staging, published)
            final = add_version(root, staging, version)
            staging = None
            switch_current(root, version)
            result.published, result.version, result.version_dir = True, version, final
            result.tables = {t.name: t.fingerprint["rows"] for t in published}
            result.shared_tables = sorted(t.name for t in published if t.shared)
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
    """(schema, table) of every table of SCHEMAS; a warehouse without marts is refused."""
    tables = con.execute(
        "SELECT table_schema, table_name FROM information_schema.tables "
        "WHERE table_catalog = ? AND table_schema IN (SELECT unnest(?::VARCHAR[])) "
        "ORDER BY table_schema, table_name", [catalog, list(SCHEMAS)]).fetchall()
    if not any(s == "marts" for s, _ in tables):
        raise PublishError("the warehouse has no marts yet: build it before publishing")
    return tables


def _write_version(con, catalog: str, root: Path, staging: Path, version: str, tables,
                   storage_version: str, home: Path, mode: str, previous: Path | None):
    """The version in `staging`: the Parquet files (unchanged tables shared with `previous`) and
    pbk.duckdb over them (published_tables.py). The views name the files at the version's final
    path, versions/<version>, which exists only after the rename; while they are created that
    path is a symlink to the staging directory (removed again before the rename)."""
    published = write_tables(con, catalog, tables, staging, version, previous,
                             manifest_of(previous))
    final = root / "versions" / version
    os.symlink(staging.name, final)
    try:
        con.execute(f"ATTACH {sql_literal(staging / DB_NAME)} AS pub "
                    f"(STORAGE_VERSION {sql_literal(storage_version)})")
        try:
            describe_tables(con, "pub", published, final, mode, _dbt_descriptions(home))
            con.execute("CHECKPOINT pub")
        finally:
            con.execute("DETACH pub")
    finally:
        os.unlink(final)
    return published


def _limit_memory(con, home: Path) -> None:
    """The publish spills to $PBK_HOME/tmp beyond PBK_PUBLISH_MEMORY (default 2GB), like the loader."""
    import duckdb

    limit = os.environ.get("PBK_PUBLISH_MEMORY") or PUBLISH_MEMORY
    tmp = paths(home).tmp
    tmp.mkdir(parents=True, exist_ok=True)
    try:
        con.execute(f"SET memory_limit = {sql_literal(limit)}")
    except duckdb.Error as exc:
        raise PublishError(f"PBK_PUBLISH_MEMORY={limit!r}: not a DuckDB memory size "
                           f"(e.g. 2GB): {exc}") from None
    con.execute(f"SET temp_directory = {sql_literal(tmp)}")


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
                    storage_version: str, mode: str, published: list[PublishedTable]) -> None:
    """out/manifest.json: what the version holds, with the sha256 and fingerprint of every file and
    the version that wrote it (an earlier one when the table was unchanged and its file shared)."""
    import duckdb

    manifest = {
        "version": version,
        "run_id": run_id,
        "published_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "warehouse": str(warehouse),
        "storage_version": storage_version,
        "writer": f"duckdb {duckdb.__version__}",
        "database": {"file": DB_NAME, "sha256": sha256_file(out / DB_NAME),
                     "bytes": (out / DB_NAME).stat().st_size, "holds": mode},
        "tables": {t.name: t.manifest_entry() for t in published},
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def _seal(out: Path, published: list[PublishedTable]) -> None:
    """Every file read-only, and every file and directory on disk, before the rename that makes the
    version visible: after a crash a version is there whole or not at all."""
    for path in [out / DB_NAME, out / "manifest.json"] + [out / t.parquet for t in published]:
        os.chmod(path, 0o444)
        fsync_path(path)
    for d in [p for p in out.rglob("*") if p.is_dir()] + [out]:
        fsync_path(d)
