"""Publish the warehouse for BI tools and auditors: a read-only DuckDB copy of `core` and `marts`
plus Parquet files of the same tables, swapped in atomically.

Layout under `$PBK_HOME/published/`::

    versions/<version>/pbk.duckdb           the copy (<version> = <UTC publish time>_<check run id>)
    versions/<version>/parquet/<schema>/<table>.parquet
    versions/<version>/manifest.json         version, run id, tables, row counts, sha256s
    current -> versions/<version>            the one symlink a publish replaces (rename(2))
    pbk.duckdb -> current/pbk.duckdb         stable paths BI tools open
    parquet -> current/parquet
    manifest.json -> current/manifest.json

A new version is written completely into `versions/.tmp-...`, flushed to disk, renamed to
`versions/<version>`, and only then `current` is replaced with `os.replace` of a new symlink: a
reader resolving `published/pbk.duckdb` (or a Parquet path) gets the previous complete version or
the new complete version, never a mix, and a reader holding a file of the previous version open
keeps reading it (the file is never modified; an old version is deleted only when it is neither
current nor among the last `keep`, and on Linux an open file outlives its directory entry).

`publish()` refuses (returns `published=False`, touches nothing) when the latest mart check run in
`ops.dq_results` has a failing `error` rule, when no mart check run is recorded, when the last dbt
build failed or ran after the checks, or when the caller passes blocking failures.

The copy is written with `STORAGE_VERSION 'v1.0.0'` by default: DuckDB 2.0's default storage cannot
be opened by the DuckDB 1.x libraries BI drivers bundle; v1.0.0 storage opens in every DuckDB from
1.0 to 2.0 (tested, docs/bi.md). `PBK_PUBLISH_STORAGE_VERSION` or `storage_version=` overrides it
(e.g. 'v1.2.0' for readers >= 1.2).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from base import settings as _settings  # noqa: F401  (telemetry-off environment first)
from base.files import fsync_path, sha256_file
from base.sql import quote_ident

SCHEMAS = ("core", "marts")
STORAGE_VERSION = "v1.0.0"
KEEP_VERSIONS = 3
DB_NAME = "pbk.duckdb"
STABLE_LINKS = {DB_NAME: f"current/{DB_NAME}", "parquet": "current/parquet",
                "manifest.json": "current/manifest.json"}


class PublishError(RuntimeError):
    """Publishing failed for a reason other than a blocking check (the previous version stays)."""


@dataclass
class BlockingFailure:
    suite: str
    rule: str
    unexpected_count: int | None = None
    message: str | None = None

    def as_dict(self) -> dict:
        return {"suite": self.suite, "rule": self.rule, "unexpected_count": self.unexpected_count,
                "message": self.message}


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


def published_dir(home) -> Path:
    return Path(home).resolve() / "published"


def current_version_dir(home) -> Path | None:
    """The directory of the current published version (symlink resolved once), or None."""
    link = published_dir(home) / "current"
    if not link.is_symlink() and not link.exists():
        return None
    target = Path(os.path.realpath(link))
    return target if (target / DB_NAME).exists() else None


def current_manifest(home) -> dict | None:
    d = current_version_dir(home)
    if d is None:
        return None
    try:
        return json.loads((d / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


# --------------------------------------------------------------------------------------------
# the gate


def _sql_literal(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def blocking_failures_of(con, run_id: str | None = None, catalog: str = "wh"
                         ) -> tuple[str | None, list[BlockingFailure], dt.datetime | None]:
    """(run id, failing error rules, checked_at) of the given or the latest mart check run."""
    has_table = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_catalog = ? "
        "AND table_schema = 'ops' AND table_name = 'dq_results'", [catalog]).fetchone()[0]
    if not has_table:
        return None, [], None
    if run_id is None:
        row = con.execute(
            "SELECT run_id, max(checked_at) AS last_checked "
            f"FROM {quote_ident(catalog)}.ops.dq_results "
            "WHERE run_id IS NOT NULL AND suite LIKE 'mart%' GROUP BY run_id "
            "ORDER BY last_checked DESC, run_id DESC LIMIT 1").fetchone()
        if row is None:
            return None, [], None
        run_id = row[0]
    checked_at = con.execute(
        f"SELECT max(checked_at) FROM {quote_ident(catalog)}.ops.dq_results WHERE run_id = ?",
        [run_id]).fetchone()[0]
    if checked_at is None:
        return run_id, [], None
    rows = con.execute(
        f"SELECT suite, rule, unexpected_count, message FROM {quote_ident(catalog)}.ops.dq_results "
        "WHERE run_id = ? AND severity = 'error' AND NOT success ORDER BY suite, rule",
        [run_id]).fetchall()
    return run_id, [BlockingFailure(*r) for r in rows], checked_at


def _last_dbt_build(home: Path, target: Path | None = None) -> tuple[dt.datetime | None, list[str]]:
    """(finished at, failed nodes) of the last dbt build/run in its target directory (default
    $PBK_HOME/dbt/target; the Dagster job passes its own)."""
    path = Path(target or home / "dbt" / "target") / "run_results.json"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None, []
    if doc.get("args", {}).get("which") not in ("build", "run"):
        return None, []
    finished = None
    try:
        finished = dt.datetime.fromisoformat(doc["metadata"]["generated_at"].replace("Z", "+00:00"))
        finished = finished.astimezone(dt.timezone.utc).replace(tzinfo=None)
    except (KeyError, ValueError):
        pass
    failed = [r["unique_id"] for r in doc.get("results", [])
              if r.get("status") in ("error", "fail", "runtime error")]
    return finished, failed


# --------------------------------------------------------------------------------------------
# filesystem helpers


@contextlib.contextmanager
def _publish_lock(root: Path):
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".publish.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _replace_symlink(link: Path, target: str) -> None:
    """Point `link` at `target` atomically (a new symlink renamed over the old entry)."""
    if link.is_symlink() and os.readlink(link) == target:
        return
    if link.exists() and link.is_dir() and not link.is_symlink():
        # a real directory from an older layout: move it aside (one-time)
        link.rename(link.with_name(f".legacy-{link.name}-{time.time_ns()}"))
    tmp = link.with_name(f".{link.name}.tmp-{os.getpid()}-{time.time_ns()}")
    os.symlink(target, tmp)
    os.replace(tmp, link)


def _new_version_id(root: Path, run_id: str | None) -> str:
    """<publish time, UTC>_<check run id>: unique, and name order is publish order."""
    while True:
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        version = "".join(c if c.isalnum() or c in "-_." else "_"
                          for c in f"{stamp}_{run_id or 'unchecked'}")
        if not (root / "versions" / version).exists():
            return version


def _prune(root: Path, keep: int, current: str) -> list[str]:
    versions = root / "versions"
    removed = []
    for tmp in versions.glob(".tmp-*"):  # left by a killed publish (we hold the lock)
        shutil.rmtree(tmp, ignore_errors=True)
    def published_at(name: str) -> str:
        try:
            return json.loads((versions / name / "manifest.json").read_text())["published_at"]
        except (OSError, ValueError, KeyError):
            return ""

    names = sorted((d.name for d in versions.iterdir() if d.is_dir() and not d.name.startswith(".")),
                   key=lambda n: (published_at(n), n))
    keep_names = set(names[-max(keep, 1):]) | {current}
    for name in names:
        if name not in keep_names:
            shutil.rmtree(versions / name, ignore_errors=True)
            removed.append(name)
    return removed


def _dbt_descriptions(home: Path) -> dict[str, dict]:
    """'schema.table' -> {'description': str, 'columns': {name: description}} from dbt's
    manifest (empty when there is none)."""
    out: dict[str, dict] = {}
    for path in (home / "dbt" / "target" / "manifest.json", home / "docs" / "dbt" / "manifest.json"):
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


# --------------------------------------------------------------------------------------------
# publish


def _open_warehouse(warehouse: Path):
    """(connection, catalog of the warehouse in it). Normally a private in-memory DuckDB with the
    warehouse attached read-only (other read-only readers may stay open); when this process already
    has the warehouse open (DuckDB allows one instance per file per process), that instance."""
    import duckdb

    con = duckdb.connect(":memory:")
    try:
        con.execute(f"ATTACH {_sql_literal(warehouse)} AS wh (READ_ONLY)")
        return con, "wh"
    except duckdb.Error as exc:
        con.close()
        if "already attached" not in str(exc) and "file handle conflict" not in str(exc):
            raise
    con = duckdb.connect(str(warehouse))
    return con, con.execute("SELECT current_database()").fetchone()[0]


def publish(home, run_id: str | None = None, *, blocking_failures: list | None = None,
            keep: int = KEEP_VERSIONS, storage_version: str | None = None,
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

    t0 = time.monotonic()
    home = Path(home).resolve()
    warehouse = home / "warehouse.duckdb"
    root = published_dir(home)
    storage_version = storage_version or os.environ.get("PBK_PUBLISH_STORAGE_VERSION") or STORAGE_VERSION
    result = PublishResult(published=False, storage_version=storage_version, path=root / DB_NAME)
    if blocking_failures:
        result.blocked_by = [_as_failure(f) for f in blocking_failures]
        result.reason = f"{len(result.blocked_by)} blocking check(s) failed: nothing published"
        result.seconds = time.monotonic() - t0
        return result
    if not warehouse.exists():
        raise PublishError(f"no warehouse at {warehouse}")

    with _publish_lock(root):
        previous = current_version_dir(home)
        result.previous_version = previous.name if previous else None
        tmp_dir = None
        try:
            con, src = _open_warehouse(warehouse)
        except duckdb.IOException as exc:
            raise PublishError(f"cannot read {warehouse} (a run writing it?): {exc}") from exc
        try:
            gate_run, failures, checked_at = blocking_failures_of(con, run_id, src)
            result.run_id = gate_run
            if failures:
                result.blocked_by = failures
                result.reason = (f"mart check run {gate_run}: {len(failures)} blocking rule(s) "
                                 "failed: nothing published")
                return result
            if require_checks and gate_run is None:
                result.reason = "no mart check run recorded in ops.dq_results: nothing published"
                return result
            if require_checks and checked_at is None:
                result.reason = f"mart check run {gate_run} not found in ops.dq_results"
                return result
            # when the caller names the check run (the orchestrator), it gates dbt's tests itself
            built_at, failed_nodes = (_last_dbt_build(home, dbt_target)
                                      if check_dbt and (run_id is None or dbt_target)
                                      else (None, []))
            if failed_nodes:
                result.reason = (f"the last dbt build failed ({len(failed_nodes)} node(s), e.g. "
                                 f"{failed_nodes[0]}): nothing published")
                return result
            if require_checks and run_id is None and built_at and checked_at and built_at > checked_at:
                result.reason = (f"the marts were rebuilt at {built_at:%Y-%m-%d %H:%M:%S} UTC, after "
                                 f"the last mart checks ({gate_run}): run the checks first")
                return result

            version = _new_version_id(root, gate_run)
            (root / "versions").mkdir(parents=True, exist_ok=True)
            tmp_dir = root / "versions" / f".tmp-{version}-{os.getpid()}"
            tmp_dir.mkdir()
            tables = con.execute(
                "SELECT table_schema, table_name FROM information_schema.tables "
                "WHERE table_catalog = ? AND table_schema IN ('core', 'marts') "
                "ORDER BY table_schema, table_name", [src]).fetchall()
            if not any(s == "marts" for s, _ in tables):
                raise PublishError("the warehouse has no marts yet: build it before publishing")
            counts, files = _write_copy(con, src, tmp_dir, tables, storage_version, home, parquet)
            db_sha = sha256_file(tmp_dir / DB_NAME)
            manifest = {
                "version": version,
                "run_id": gate_run,
                "published_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                "warehouse": str(warehouse),
                "storage_version": storage_version,
                "writer": f"duckdb {duckdb.__version__}",
                "database": {"file": DB_NAME, "sha256": db_sha,
                             "bytes": (tmp_dir / DB_NAME).stat().st_size},
                "tables": {name: {"rows": counts[name], **files.get(name, {})} for name in counts},
            }
            (tmp_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n",
                                                   encoding="utf-8")
            for path in [tmp_dir / DB_NAME, tmp_dir / "manifest.json"] + [
                    tmp_dir / f["parquet"] for f in files.values() if "parquet" in f]:
                os.chmod(path, 0o444)
                fsync_path(path)
            for d in [p for p in tmp_dir.rglob("*") if p.is_dir()] + [tmp_dir]:
                fsync_path(d)
            final = root / "versions" / version
            os.rename(tmp_dir, final)
            tmp_dir = None
            fsync_path(root / "versions")
            # the switch: one rename(2) of a symlink; stable links point through `current`
            _replace_symlink(root / "current", f"versions/{version}")
            for name, target in STABLE_LINKS.items():
                _replace_symlink(root / name, target)
            fsync_path(root)
            result.published = True
            result.version = version
            result.version_dir = final
            result.tables = counts
            result.removed_versions = _prune(root, keep, version)
        except duckdb.IOException as exc:
            raise PublishError(f"cannot read {warehouse} (a run writing it?): {exc}") from exc
        finally:
            con.close()
            if tmp_dir is not None:
                shutil.rmtree(tmp_dir, ignore_errors=True)
            result.seconds = time.monotonic() - t0
    return result


def _as_failure(f) -> BlockingFailure:
    if isinstance(f, BlockingFailure):
        return f
    if isinstance(f, dict):
        return BlockingFailure(f.get("suite", "?"), f.get("rule", "?"), f.get("unexpected_count"),
                               f.get("message"))
    return BlockingFailure(getattr(f, "suite", "?"), getattr(f, "rule", str(f)),
                           getattr(f, "unexpected_count", None), getattr(f, "message", None))


def _write_copy(con, src: str, out: Path, tables, storage_version: str, home: Path, parquet: bool):
    """Tables into out/pbk.duckdb (given storage version) and out/parquet/<schema>/<t>.parquet."""
    db = out / DB_NAME
    con.execute(f"ATTACH {_sql_literal(db)} AS pub (STORAGE_VERSION {_sql_literal(storage_version)})")
    descriptions = _dbt_descriptions(home)
    counts: dict[str, int] = {}
    files: dict[str, dict] = {}
    try:
        for schema in SCHEMAS:
            con.execute(f'CREATE SCHEMA IF NOT EXISTS pub."{schema}"')
        for schema, table in tables:
            name = f"{schema}.{table}"
            q = f'"{schema}"."{table}"'
            con.execute(f"CREATE TABLE pub.{q} AS SELECT * FROM {quote_ident(src)}.{q}")
            counts[name] = con.execute(f"SELECT count(*) FROM pub.{q}").fetchone()[0]
            doc = descriptions.get(name)
            if doc:
                if doc["description"]:
                    con.execute(f"COMMENT ON TABLE pub.{q} IS {_sql_literal(doc['description'])}")
                cols = {r[0] for r in con.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_catalog = 'pub' "
                    "AND table_schema = ? AND table_name = ?", [schema, table]).fetchall()}
                for col, text in doc["columns"].items():
                    if text and col in cols:
                        con.execute(f'COMMENT ON COLUMN pub.{q}."{col}" IS {_sql_literal(text)}')
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
            con.execute(f"ATTACH {_sql_literal(db)} AS pubr (READ_ONLY)")
            try:
                con.execute(f'COPY (SELECT * FROM pubr."{schema}"."{table}") TO '
                            f"{_sql_literal(out / rel)} (FORMAT parquet, COMPRESSION snappy)")
            finally:
                con.execute("DETACH pubr")
            files[name] = {"parquet": str(rel), "sha256": sha256_file(out / rel)}
    return counts, files


# --------------------------------------------------------------------------------------------
# `pbk publish`


def add_publish_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "publish", help="copy core and marts to published/ (read-only DuckDB + Parquet) if the "
                        "latest mart checks passed")
    p.add_argument("--run-id", help="gate on this mart check run (default: the latest)")
    p.add_argument("--keep", type=int, default=KEEP_VERSIONS, help="published versions to keep")
    p.add_argument("--storage-version", help=f"DuckDB storage version (default {STORAGE_VERSION})")
    p.add_argument("--json", action="store_true", help="one JSON document on stdout")
    p.set_defaults(func=cmd_publish)


def cmd_publish(args) -> int:
    import sys

    p = _settings.paths()
    try:
        result = publish(p.home, args.run_id, keep=args.keep, storage_version=args.storage_version)
    except PublishError as exc:
        if args.json:
            json.dump({"published": False, "error": str(exc)}, sys.stdout, indent=2)
            sys.stdout.write("\n")
        else:
            print(f"pbk publish: {exc}", file=sys.stderr)
        return 1
    if args.json:
        json.dump(result.as_dict(), sys.stdout, indent=2, default=str)
        sys.stdout.write("\n")
    elif result.published:
        rows = sum(result.tables.values())
        print(f"Published version {result.version} ({len(result.tables)} tables, {rows:,} rows, "
              f"DuckDB storage {result.storage_version}) in {result.seconds:.1f} s")
        print(f"  DuckDB:  {result.path}")
        print(f"  Parquet: {result.path.parent / 'parquet'}")
        if result.removed_versions:
            print(f"  removed old versions: {', '.join(result.removed_versions)}")
    else:
        print(f"Not published: {result.reason}")
        for b in result.blocked_by:
            print(f"  {b.suite}: {b.rule} ({b.unexpected_count} unexpected) {b.message or ''}")
    return 0 if result.published else 3
