"""The nightly steps as plain functions: ingest landing, build the warehouse with dbt, validate the
marts with GX. `pbk run`, `pbk demo` and the schedule use the Dagster job (orchestration/), which
runs the same steps as assets and checks; these functions serve tests and scripts that need a built
warehouse without Dagster (then `serving.publish.publish(home, result.run_id)` publishes it)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .build import BuildResult, build_warehouse
from .loader import FileResult, connect, ingest_landing
from base.settings import Paths


@dataclass
class MartCheck:
    suite: str
    rule: str
    severity: str
    success: bool
    unexpected_count: int
    message: str
    sample: list = field(default_factory=list)


def new_run_id() -> str:
    return "run-" + dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")


def check_marts(p: Paths, run_id: str) -> list[MartCheck]:
    """GX mart suites (expectations/marts.py); results also land in ops.dq_results."""
    from expectations import offline_index
    from expectations.engine import DQContext
    from expectations.marts import validate_marts

    con = connect(p)
    try:
        dq = DQContext(p.docs)
        results = validate_marts(con, dq, run_id)
        dq.build_docs()
        offline_index.build(con, dq.root)
    finally:
        con.close()
    return [MartCheck(suite, r.label, r.severity, r.success, r.unexpected_count, r.message,
                      r.sample) for suite, r in results]


def blocking(checks: list[MartCheck]) -> list[MartCheck]:
    return [c for c in checks if c.severity == "error" and not c.success]


@dataclass
class PipelineResult:
    run_id: str
    ingest: list[FileResult]
    build: BuildResult | None
    mart_checks: list[MartCheck]

    @property
    def blocking_failures(self) -> list[MartCheck]:
        return blocking(self.mart_checks)


def run_pipeline(p: Paths, full_refresh: bool = False) -> PipelineResult:
    run_id = new_run_id()
    files = ingest_landing(p, progress=False)
    build = build_warehouse(p.home, full_refresh=full_refresh)
    checks = check_marts(p, run_id)
    return PipelineResult(run_id, files, build, checks)

