"""Build the warehouse with dbt: raw.* -> staging -> core -> marts (dbt_project/).

`build_warehouse(home)` runs `dbt build` programmatically (dbtRunner) on the project in
`dbt_project/` against `$PBK_HOME/warehouse.duckdb`, with dbt's target and log directories under
`$PBK_HOME/dbt/` so nothing is written into the repository. It returns one `NodeResult` per node
(seeds, models, data tests, unit tests) and raises `WarehouseBuildError` when a node errors or a
blocking test fails. `generate_docs(home)` writes the `dbt docs generate` site under
`$PBK_HOME/docs/dbt/` (works offline: the site is bundled with dbt-core).

The project stays a standard dbt project, so the Dagster layer can load the same directory with
dagster-dbt (`DbtProject(project_dir=PROJECT_DIR, profiles_dir=PROJECT_DIR)`); callers other than
this module only have to set PBK_HOME and make sure the raw tables exist (`ensure_raw_tables`).
"""
from __future__ import annotations

import contextlib
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from base import settings as _settings  # noqa: F401  (sets the telemetry-off environment first)
from .contracts import KINDS, raw_table_ddl

PROJECT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"
PROFILES_DIR = PROJECT_DIR
SCHEMAS = ("raw", "ops", "staging", "core", "marts")

# dbt's invocation state is process-global: one build at a time per process.
_LOCK = threading.Lock()


@dataclass
class NodeResult:
    unique_id: str
    resource_type: str
    name: str
    status: str                  # success / error / fail / warn / pass / skipped / ...
    message: str | None = None
    failures: int | None = None  # failing rows of a test
    execution_time: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status in ("success", "pass", "warn", "skipped", "no-op")


@dataclass
class BuildResult:
    command: str
    success: bool
    nodes: list[NodeResult] = field(default_factory=list)
    seconds: float = 0.0
    target_path: Path | None = None
    log_path: Path | None = None
    error: str | None = None

    @property
    def failures(self) -> list[NodeResult]:
        """Nodes that errored, failed (tests) or were skipped because an upstream node failed."""
        return [n for n in self.nodes if n.status in ("error", "fail", "runtime error")]

    @property
    def warnings(self) -> list[NodeResult]:
        return [n for n in self.nodes if n.status == "warn"]

    def by_name(self, name: str) -> NodeResult:
        for n in self.nodes:
            if n.name == name:
                return n
        raise KeyError(name)

    def summary(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for n in self.nodes:
            counts[n.status] = counts.get(n.status, 0) + 1
        return counts

    def as_dict(self) -> dict:
        return {
            "command": self.command,
            "success": self.success,
            "seconds": round(self.seconds, 3),
            "summary": self.summary(),
            "failures": [
                {"node": n.unique_id, "status": n.status, "message": n.message, "failures": n.failures}
                for n in self.failures
            ],
            "warnings": [{"node": n.unique_id, "message": n.message} for n in self.warnings],
        }


class WarehouseBuildError(RuntimeError):
    """A dbt invocation failed: a model errored or a blocking test failed."""

    def __init__(self, result: BuildResult):
        self.result = result
        lines = [f"dbt {result.command} failed"]
        if result.error:
            lines.append(f"  {result.error}")
        for n in result.failures:
            detail = (n.message or "").strip().splitlines()
            lines.append(f"  {n.status.upper()} {n.unique_id}: {detail[0] if detail else ''}")
        lines.append(f"  logs: {result.log_path}")
        super().__init__("\n".join(lines))


def dbt_dirs(home: Path) -> tuple[Path, Path]:
    """(target path, log path) of dbt for this PBK_HOME."""
    base = Path(home) / "dbt"
    return base / "target", base / "logs"


def ensure_raw_tables(home: Path) -> None:
    """Create the warehouse schemas and every raw.<kind> table (DDL from ingest.contracts) that is
    missing, so that dbt sources resolve even before the first file of a kind was loaded."""
    import duckdb

    home = Path(home)
    home.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(home / "warehouse.duckdb"))
    try:
        for schema in SCHEMAS:
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        for kind in KINDS:
            con.execute(raw_table_ddl(kind))
    finally:
        con.close()


@contextlib.contextmanager
def _environment(home: Path, threads: int | None) -> Iterator[None]:
    """PBK_HOME and thread count for the profile, restored afterwards."""
    values = {
        "PBK_HOME": str(Path(home).resolve()),
        "PBK_DBT_THREADS": str(threads or os.environ.get("PBK_DBT_THREADS") or os.cpu_count() or 1),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
    }
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _common_args(home: Path) -> list[str]:
    target_path, log_path = dbt_dirs(home)
    return [
        "--project-dir", str(PROJECT_DIR),
        "--profiles-dir", str(PROFILES_DIR),
        "--target-path", str(target_path),
        "--log-path", str(log_path),
    ]


def _node_results(res) -> list[NodeResult]:
    nodes: list[NodeResult] = []
    result = getattr(res, "result", None)
    for r in getattr(result, "results", None) or []:
        node = r.node
        nodes.append(NodeResult(
            unique_id=node.unique_id,
            resource_type=str(getattr(node.resource_type, "value", node.resource_type)),
            name=node.name,
            status=str(getattr(r.status, "value", r.status)),
            message=r.message,
            failures=getattr(r, "failures", None),
            execution_time=float(getattr(r, "execution_time", 0.0) or 0.0),
        ))
    return nodes


def run_dbt(home: Path, args: list[str], *, threads: int | None = None, raise_on_error: bool = True,
            quiet: bool = True) -> BuildResult:
    """Run one dbt command (e.g. ["build", "--select", "marts"]) on the project for this PBK_HOME."""
    from dbt.cli.main import dbtRunner

    home = Path(home).resolve()
    target_path, log_path = dbt_dirs(home)
    command = args[0]
    cli = [args[0]]
    if quiet:
        cli = ["--quiet", "--no-use-colors", *cli]
    cli += _common_args(home) + list(args[1:])
    started = time.perf_counter()
    with _LOCK, _environment(home, threads):
        res = dbtRunner().invoke(cli)
        _release_connections()
    error = None
    if res.exception is not None:
        error = f"{type(res.exception).__name__}: {res.exception}"
    result = BuildResult(
        command=" ".join(args),
        success=bool(res.success),
        nodes=_node_results(res),
        seconds=time.perf_counter() - started,
        target_path=target_path,
        log_path=log_path,
        error=error,
    )
    if raise_on_error and not result.success:
        raise WarehouseBuildError(result)
    return result


def _release_connections() -> None:
    """Close dbt's DuckDB handle so this process (or another) can open the warehouse afterwards."""
    try:
        from dbt.adapters.factory import cleanup_connections, reset_adapters

        cleanup_connections()
        reset_adapters()
    except Exception:  # pragma: no cover - best effort
        pass
    try:
        # dbt-duckdb keeps one DuckDB instance per process in a class attribute; close it, or a
        # later duckdb.connect() to the same file in this process fails ("different configuration").
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager

        with DuckDBConnectionManager._LOCK:
            env = DuckDBConnectionManager._ENV
            if env is not None:
                env.close()
                DuckDBConnectionManager._ENV = None
    except Exception:  # pragma: no cover - best effort
        pass
    import gc

    gc.collect()


def project_fingerprint() -> str:
    """sha256 of the dbt project's files (SQL, YAML, seeds, macros): a rule or model edit changes it."""
    import hashlib

    digest = hashlib.sha256()
    skip = {"target", "logs", "dbt_packages"}
    for path in sorted(PROJECT_DIR.rglob("*")):
        rel = path.relative_to(PROJECT_DIR)
        if path.is_file() and not (set(rel.parts) & skip) and "__pycache__" not in rel.parts:
            digest.update(str(rel).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _state_file(home: Path) -> Path:
    return dbt_dirs(home)[0].parent / "last_build.json"


def raw_snapshot(home: Path) -> dict[str, list]:
    """Row count and latest _ingested_at of every raw table. raw.* is append-only, so a kind whose
    snapshot differs from the one recorded at the last successful build has new loads."""
    import duckdb

    con = duckdb.connect(str(Path(home) / "warehouse.duckdb"), read_only=True)
    try:
        out = {}
        for kind in KINDS:
            n, latest = con.execute(f"SELECT count(*), max(_ingested_at) FROM raw.{kind}").fetchall()[0]
            out[kind] = [n, latest.isoformat() if latest else None]
        return out
    finally:
        con.close()


def changed_kinds(home: Path) -> list[str] | None:
    """Raw kinds with loads the warehouse has not seen yet, or None when the whole graph must be
    built: no successful build recorded, the dbt project changed since, or the record is unusable."""
    import json

    try:
        recorded = json.loads(_state_file(home).read_text())
    except (OSError, ValueError):
        return None
    if recorded.get("fingerprint") != project_fingerprint() or not isinstance(recorded.get("raw"), dict):
        return None
    now = raw_snapshot(home)
    return [kind for kind in KINDS if recorded["raw"].get(kind) != now[kind]]


def _record_build(home: Path, result: "BuildResult", snapshot: dict | None) -> None:
    import datetime as dt
    import json

    state = _state_file(home)
    if result.success and snapshot is not None:
        state.parent.mkdir(parents=True, exist_ok=True)
        state.write_text(json.dumps({
            "fingerprint": project_fingerprint(),
            "raw": snapshot,
            "finished_at": dt.datetime.now(dt.timezone.utc).isoformat(),
            "command": result.command,
        }, indent=1))
    elif not result.success:
        # a failed build may have left some tables newer than others: next time, build everything
        state.unlink(missing_ok=True)


def build_warehouse(home: Path, full_refresh: bool = False, select: str | None = None, *,
                    exclude: str | None = None, changed_only: bool = False, unit_tests: bool = False,
                    threads: int | None = None, raise_on_error: bool = True) -> BuildResult:
    """`dbt build` of the warehouse in $PBK_HOME: seeds (rules), staging, core, marts and all tests.

    full_refresh rebuilds the incremental models (stg_budget, fact_budget, fact_realization) from
    scratch, with the same result as the incremental path. select/exclude are dbt node selections
    (e.g. "marts", "+mart_absorption"); with a selection the rule seeds are loaded first
    (`dbt seed`), so selected marts always find their rules.

    changed_only builds only what new loads can change: the nodes downstream of the raw tables that
    received rows since the last successful build (`source:raw.<kind>+`, with their tests; raw is
    append-only, so a changed row count or latest _ingested_at means new loads). It builds the
    whole graph when no successful build is recorded ($PBK_HOME/dbt/last_build.json), the dbt
    project changed since (a rule seed or model edit), or the previous build failed; it does
    nothing when no raw table has new rows. The result is the same as a full-graph build.

    dbt unit tests (hand-computed fixtures of every formula) test the code, not the data: nightly
    builds skip them (unit_tests=False, dbt's advice for production) and the test suite runs them
    (unit_tests=True). Data tests (keys, relationships, accepted values, reconciliation) always
    run. Raises WarehouseBuildError when a node errors or a blocking test fails, unless
    raise_on_error=False.
    """
    home = Path(home).resolve()
    ensure_raw_tables(home)
    seconds = 0.0
    pre_nodes: list[NodeResult] = []
    # what raw held when this build started: recorded if the whole graph gets consistent
    snapshot = raw_snapshot(home) if not (select or exclude) else None
    if changed_only and not full_refresh and not select and not exclude:
        kinds = changed_kinds(home)
        if kinds is not None:
            if not kinds:
                return BuildResult(command="build (no new loads)", success=True,
                                   target_path=dbt_dirs(home)[0], log_path=dbt_dirs(home)[1])
            select = " ".join(f"source:raw.{k}+" for k in kinds)
    elif select:
        seeded = run_dbt(home, ["seed"] + (["--full-refresh"] if full_refresh else []),
                         threads=threads, raise_on_error=False)
        seconds += seeded.seconds
        pre_nodes = seeded.nodes
        if not seeded.success:
            _record_build(home, seeded, None)
            if raise_on_error:
                raise WarehouseBuildError(seeded)
            return seeded
    args = ["build"]
    if full_refresh:
        args.append("--full-refresh")
    if select:
        args += ["--select", select]
    if exclude:
        args += ["--exclude", exclude]
    if not unit_tests:
        args += ["--exclude-resource-type", "unit_test"]
    result = run_dbt(home, args, threads=threads, raise_on_error=False)
    result.nodes = pre_nodes + result.nodes
    result.seconds += seconds
    _record_build(home, result, snapshot)
    if raise_on_error and not result.success:
        raise WarehouseBuildError(result)
    return result


def check_freshness(home: Path) -> list[dict]:
    """`dbt source freshness` of the raw tables (loaded_at_field _ingested_at): one dict per source
    with its status (pass / warn / error), latest load time and age in seconds. Never raises on
    stale sources; that is what the status says."""
    home = Path(home).resolve()
    ensure_raw_tables(home)
    from dbt.cli.main import dbtRunner

    target_path, log_path = dbt_dirs(home)
    cli = ["--quiet", "--no-use-colors", "source", "freshness", *_common_args(home)]
    with _LOCK, _environment(home, None):
        res = dbtRunner().invoke(cli)
        _release_connections()
    out = []
    for r in getattr(getattr(res, "result", None), "results", None) or []:
        node = r.node
        max_loaded = getattr(r, "max_loaded_at", None)
        out.append({
            "source": f"{node.source_name}.{node.name}",
            "status": str(getattr(r.status, "value", r.status)),
            "max_loaded_at": max_loaded.isoformat() if max_loaded else None,
            "age_seconds": getattr(r, "age", None),
        })
    return out


def generate_docs(home: Path, *, threads: int | None = None) -> Path:
    """`dbt docs generate` into $PBK_HOME/docs/dbt/ (index.html, manifest.json, catalog.json).
    Needs no network. Returns the directory."""
    home = Path(home).resolve()
    ensure_raw_tables(home)
    out = home / "docs" / "dbt"
    out.mkdir(parents=True, exist_ok=True)
    from dbt.cli.main import dbtRunner

    _, log_path = dbt_dirs(home)
    cli = ["--quiet", "--no-use-colors", "docs", "generate", "--static",
           "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROFILES_DIR),
           "--target-path", str(out), "--log-path", str(log_path)]
    with _LOCK, _environment(home, threads):
        res = dbtRunner().invoke(cli)
        _release_connections()
    if not res.success:
        result = BuildResult(command="docs generate", success=False, nodes=_node_results(res),
                             target_path=out, log_path=log_path,
                             error=str(res.exception) if res.exception else None)
        raise WarehouseBuildError(result)
    return out
