"""Whether the warehouse may be published: the mart checks of the run gated on (ops.dq_results) and
the last dbt build (run_results.json). Reads only; a refusal says why, in the words `pbk publish`
prints."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from base.dbt import last_invocation
from base.settings import paths
from base.sql import quote_ident


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
class GateVerdict:
    run_id: str | None                  # the mart check run gated on
    refusal: str | None = None          # why nothing may be published; None: publish
    blocked_by: list[BlockingFailure] = field(default_factory=list)


def gate_on_checks(con, catalog: str, home: Path, run_id: str | None, *, require_checks: bool,
                   check_dbt: bool, dbt_target: Path | None) -> GateVerdict:
    """The verdict on the warehouse attached as `catalog` (see publish() for the arguments)."""
    gate_run, failures, checked_at = blocking_failures_of(con, run_id, catalog)
    if failures:
        return GateVerdict(gate_run, f"mart check run {gate_run}: {len(failures)} blocking rule(s) "
                                     "failed: nothing published", failures)
    if require_checks and gate_run is None:
        return GateVerdict(gate_run, "no mart check run recorded in ops.dq_results: nothing published")
    if require_checks and checked_at is None:
        return GateVerdict(gate_run, f"mart check run {gate_run} not found in ops.dq_results")
    # when the caller names the check run (the orchestrator), it gates dbt's tests itself
    built_at, failed_nodes = (last_dbt_build(home, dbt_target)
                              if check_dbt and (run_id is None or dbt_target) else (None, []))
    if failed_nodes:
        return GateVerdict(gate_run, f"the last dbt build failed ({len(failed_nodes)} node(s), e.g. "
                                     f"{failed_nodes[0]}): nothing published")
    if require_checks and run_id is None and built_at and checked_at and built_at > checked_at:
        return GateVerdict(gate_run, f"the marts were rebuilt at {built_at:%Y-%m-%d %H:%M:%S} UTC, "
                                     f"after the last mart checks ({gate_run}): run the checks first")
    return GateVerdict(gate_run)


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


def last_dbt_build(home: Path, target: Path | None = None) -> tuple[dt.datetime | None, list[str]]:
    """(finished at, failed nodes) of the last dbt build/run in its target directory (default
    $PBK_HOME/dbt/target)."""
    invocation = last_invocation(target or paths(home).dbt_target)
    if invocation is None or invocation.command not in ("build", "run"):
        return None, []
    return invocation.finished_at, [n.unique_id for n in invocation.nodes if n.failed]


def as_failure(f) -> BlockingFailure:
    """A failure the caller passed (a BlockingFailure, a dict or an object with those attributes)."""
    if isinstance(f, BlockingFailure):
        return f
    if isinstance(f, dict):
        return BlockingFailure(f.get("suite", "?"), f.get("rule", "?"), f.get("unexpected_count"),
                               f.get("message"))
    return BlockingFailure(getattr(f, "suite", "?"), getattr(f, "rule", str(f)),
                           getattr(f, "unexpected_count", None), getattr(f, "message", None))
