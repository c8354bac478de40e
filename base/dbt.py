"""What every stage needs to know about the dbt project (dbt_project/): where it is, the
environment its profile reads, its fingerprint, its run results, and running one dbt command
in this process (docs generate). Builds themselves run only in the Dagster job
(orchestration/dbt_models.py), which writes to `Paths.dbt_target`.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from .settings import Paths

PROJECT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"
PROFILES_DIR = PROJECT_DIR   # profile `pbk` is kept inside the project

# The marts, as the dbt project defines them (one model file each in models/marts/): the one list
# that the summary, the GX mart suites, the benchmarks and the tests read.
MARTS: tuple[str, ...] = tuple(sorted(p.stem for p in (PROJECT_DIR / "models" / "marts").glob("mart_*.sql")))

# dbt's invocation state is process-global: one in-process dbt command at a time.
_LOCK = threading.Lock()


def dbt_environment(p: Paths) -> None:
    """What the profile (dbt_project/profiles.yml) reads; dbt runs in dbt_project/, so PBK_HOME
    must be absolute. Threads: the machine's cores, at most 4 (DuckDB parallelises each model)."""
    os.environ["PBK_HOME"] = str(p.home)
    os.environ.setdefault("PBK_DBT_THREADS", str(min(os.cpu_count() or 1, 4)))


def project_fingerprint() -> str:
    """sha256 of the dbt project's files (SQL, YAML, seeds, macros): a rule or model edit changes it."""
    digest = hashlib.sha256()
    skip = {"target", "logs", "dbt_packages"}
    for path in sorted(PROJECT_DIR.rglob("*")):
        rel = path.relative_to(PROJECT_DIR)
        if path.is_file() and not (set(rel.parts) & skip) and "__pycache__" not in rel.parts:
            digest.update(str(rel).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass
class NodeResult:
    """One node of a dbt invocation, as run_results.json records it."""
    unique_id: str
    resource_type: str           # model / seed / test / unit_test
    name: str
    status: str                  # success / error / fail / warn / pass / skipped / ...
    message: str | None = None
    failures: int | None = None  # failing rows of a test
    execution_time: float = 0.0

    @property
    def failed(self) -> bool:
        return self.status in ("error", "fail", "runtime error")


@dataclass
class Invocation:
    """The last dbt invocation written to a target directory (its run_results.json)."""
    command: str                   # build / run / test / seed / ...
    finished_at: dt.datetime | None  # UTC, naive
    nodes: list[NodeResult]


def last_invocation(target: Path) -> Invocation | None:
    """What run_results.json in `target` records; None when there is none (or it is unreadable)."""
    try:
        doc = json.loads((Path(target) / "run_results.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    finished = None
    try:
        finished = dt.datetime.fromisoformat(doc["metadata"]["generated_at"].replace("Z", "+00:00"))
        finished = finished.astimezone(dt.timezone.utc).replace(tzinfo=None)
    except (KeyError, TypeError, ValueError):
        pass
    nodes = []
    for r in doc.get("results", []):
        uid = r.get("unique_id", "")
        parts = uid.split(".")
        nodes.append(NodeResult(
            unique_id=uid, resource_type=parts[0], name=parts[2] if len(parts) > 2 else uid,
            status=r.get("status") or "", message=r.get("message"), failures=r.get("failures"),
            execution_time=float(r.get("execution_time") or 0.0)))
    return Invocation(str(doc.get("args", {}).get("which") or ""), finished, nodes)


def run_results(target: Path) -> list[NodeResult]:
    """The nodes of the last dbt invocation written to `target`; [] when there is none."""
    invocation = last_invocation(target)
    return invocation.nodes if invocation else []


class DbtCommandFailed(RuntimeError):
    """An in-process dbt command (not a build) failed."""


def invoke(p: Paths, args: list[str], target: Path) -> None:
    """Run one dbt command (e.g. ["docs", "generate", "--static"]) on the project for this
    PBK_HOME, writing to `target`; raises DbtCommandFailed naming the command and the cause."""
    from dbt.cli.main import dbtRunner

    cli = ["--quiet", "--no-use-colors", *args,
           "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROFILES_DIR),
           "--target-path", str(target), "--log-path", str(p.dbt_logs)]
    with _LOCK:
        dbt_environment(p)
        res = dbtRunner().invoke(cli)
        release_connections()
    if not res.success:
        cause = f"{type(res.exception).__name__}: {res.exception}" if res.exception else \
            f"see {p.dbt_logs / 'dbt.log'}"
        raise DbtCommandFailed(f"dbt {' '.join(args)} failed: {cause}")


def release_connections() -> None:
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
