"""`pbk run`: the whole Dagster job, executed in-process on the instance of $PBK_HOME/dagster (so the
run shows in the UI too), with the outcome a command line needs.

    outcome = run_all(home)
    outcome.exit_code, outcome.files, outcome.errors    # pbk/printing.py prints it for people

The same call, with a subset of the graph (`dbt_selection("fact_realization+")`, what the landing
sensor runs for one kind), builds every warehouse the benchmarks and the test fixtures need: there
is no other build path.

A second run_all (or a run the daemon launches) while one is writing waits for it: the warehouse
resource holds $PBK_HOME/warehouse.lock for the whole run.
"""
import contextlib
from dataclasses import dataclass, field
from pathlib import Path

from ingest.contracts import KINDS
from ingest.results import EXIT_OK, EXIT_REJECTED, FileResult
from base import progress
from base.settings import Paths, paths

from .automation import NIGHTLY_JOB
from .dbt_models import DBT_OP_NAME
from .engines import check_engine
from .run_scope import run_scope
from .serving import PUBLISHED_KEY
from .ingest_assets import file_results_from_metadata, ingest_key
from .instance import instance_for

UNRECOGNISED = "unrecognised"   # files whose headers match no extract kind (rejected)


@dataclass
class FailedCheck:
    asset: str                 # e.g. "marts/mart_absorption"
    name: str                  # e.g. "gx_unit_absorption_in_range" or a dbt test name
    severity: str              # "error" (blocking) or "warn"
    blocking: bool
    message: str

    @property
    def label(self) -> str:
        return f"{self.asset}:{self.name}"


@dataclass
class RunOutcome:
    run_id: str
    success: bool                                   # the run succeeded, no blocking check failed
    failed_checks: list[FailedCheck] = field(default_factory=list)
    ingest: dict[str, list[FileResult]] = field(default_factory=dict)   # kind -> files
    assets: dict[str, str] = field(default_factory=dict)   # asset -> materialized/skipped/
                                                           # failed/unchanged (not selected)
    scope: str | None = None     # what the run built and why (run_scope.py)
    checks_total: int = 0
    checks_by_source: dict[str, dict[str, int]] = field(default_factory=dict)  # dbt/gx -> counts
    errors: list[str] = field(default_factory=list)        # failed steps and their messages
    published: dict = field(default_factory=dict)   # version, path, tables of what was published
    home: Path | None = None

    @property
    def blocking_failures(self) -> list[FailedCheck]:
        return [c for c in self.failed_checks if c.blocking]

    @property
    def files(self) -> list[FileResult]:
        """Every file of the run: per kind, then those whose headers match no kind."""
        return [r for kind in (*KINDS, UNRECOGNISED) for r in self.ingest.get(kind, [])]

    def as_dict(self) -> dict:
        """One JSON document (`pbk run --json`)."""
        return {
            "run_id": self.run_id,
            "success": self.success,
            "exit_code": self.exit_code,
            "blocking_failures": [c.__dict__ for c in self.blocking_failures],
            "failed_checks": [c.__dict__ for c in self.failed_checks],
            "checks": {"total": self.checks_total, **self.checks_by_source},
            "ingest": {kind: [r.as_dict() for r in files] for kind, files in self.ingest.items()},
            "scope": self.scope,
            "assets": self.assets,
            "published": self.published,
            "errors": self.errors,
        }

    @property
    def exit_code(self) -> int:
        """1 when a blocking check failed or the run failed (nothing downstream was built); else
        2 when a file was rejected whole (as `pbk ingest`); else 0."""
        if not self.success or any(r.internal_error for r in self.files):
            return 1
        return EXIT_REJECTED if any(r.status == "rejected" for r in self.files) else EXIT_OK


def run_all(home: Path | str | None = None, full_refresh: bool = False,
            tags: dict | None = None, quiet: bool = True, *, unit_tests: bool = False,
            selection=None, engine: str | None = None) -> RunOutcome:
    """Execute the job `pbk_nightly` in-process: the whole graph, or the assets of `selection`
    (a Dagster AssetSelection, e.g. dbt_selection(...)) with their checks. Never raises for a
    failing step or check: the outcome says what happened. unit_tests also runs the dbt unit
    tests (the test suite does). engine: duckdb or spark (default: the warehouse resource's,
    PBK_ENGINE, else duckdb; orchestration/engines.py). quiet keeps the console for the summary: Dagster's event log and
    dbt's output go to the instance (the UI shows them) and to $PBK_HOME/dagster/last_run.log
    instead of the terminal."""
    from .definitions import build_definitions, downstream_by_kind

    p = paths(home)
    defs = build_definitions(p.home)
    job = defs.resolve_job_def(NIGHTLY_JOB)
    run_config: dict = {"ops": {DBT_OP_NAME: {"config": {"full_refresh": bool(full_refresh),
                                                         "unit_tests": bool(unit_tests)}}}}
    if engine is not None:
        run_config["resources"] = {"warehouse": {"config": {
            "home": str(p.home), "engine": check_engine(engine)}}}
    if quiet:
        run_config["loggers"] = {"console": {"config": {"log_level": "CRITICAL"}}}
    subset, scope = None, None
    if selection is not None:
        subset = sorted(selection.resolve(job.asset_layer.asset_graph), key=lambda k: k.path)
    with instance_for(p) as instance, _quiet_output(p, quiet):
        progress.report("pbk run", "deciding what new data changes")
        if selection is None:   # only what new data can change (run_scope.py)
            scope = run_scope(p, instance, full_refresh=full_refresh)
            subset = scope.asset_keys(downstream_by_kind(defs.assets, defs.asset_checks))
        result = job.execute_in_process(run_config=run_config, instance=instance,
                                        raise_on_error=False, asset_selection=subset,
                                        tags={"pbk/started_by": "pbk run", **(tags or {})})
        outcome = outcome_of(result, job, p, subset)
    progress.finished("pbk run", f"Dagster run {outcome.run_id} "
                                 f"{'succeeded' if outcome.success else 'FAILED'}")
    if scope is not None:
        outcome.scope = scope.describe()
    return outcome


def dbt_selection(select: str, home: Path | str | None = None):
    """The Dagster assets of a dbt node selection (e.g. "fact_realization+ fact_budget+"), for
    run_all(selection=...)."""
    from dagster_dbt import build_dbt_asset_selection

    from .definitions import build_definitions

    defs = build_definitions(paths(home).home)
    dbt_assets = next(a for a in defs.assets if getattr(a, "is_executable", False)
                      and a.op.name == DBT_OP_NAME)
    return build_dbt_asset_selection([dbt_assets], dbt_select=select)


@contextlib.contextmanager
def _quiet_output(p: Paths, quiet: bool):
    if not quiet:
        yield
        return
    log = p.dagster_home / "last_run.log"
    with open(log, "w") as fh, contextlib.redirect_stdout(fh):
        yield


def outcome_of(result, job, p: Paths, subset=None) -> RunOutcome:
    from dagster import AssetCheckSeverity

    outcome = RunOutcome(run_id=result.run_id, success=False, home=p.home)
    materialized = {}
    for event in result.get_asset_materialization_events():
        mat = event.materialization
        materialized[mat.asset_key] = mat
    failed_steps = result.get_failed_step_keys()
    for event in result.get_step_failure_events():
        error = event.step_failure_data.error
        text = _root_cause(error) if error else "failed"
        user = event.step_failure_data.user_failure_data
        if user and user.description:
            text = user.description
        lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
        outcome.errors.append(f"{event.step_key}: {' '.join(lines[:6])}")
    asset_layer = job.asset_layer
    for key in sorted(asset_layer.executable_asset_keys, key=lambda k: k.path):
        if key in materialized:
            status = "materialized"
        elif subset is not None and key not in subset:
            status = "unchanged"     # outside the run's selection: nothing new could change it
        else:
            step = str(asset_layer.get_op_output_handle(key).node_handle)
            status = "failed" if step in failed_steps else "skipped"
        outcome.assets[key.to_user_string()] = status
    # ingest results, per kind, from the materialisations' metadata
    unrecognised = {}
    for kind in KINDS:
        mat = materialized.get(ingest_key(kind))
        if mat is not None and "files" in mat.metadata:
            outcome.ingest[kind] = file_results_from_metadata(mat.metadata["files"].value)
        if mat is not None and "unrecognised_files" in mat.metadata:
            # every kind's asset reports them: kept once
            for r in file_results_from_metadata(mat.metadata["unrecognised_files"].value):
                unrecognised[(r.file, r.load_id)] = r
    if unrecognised:
        outcome.ingest[UNRECOGNISED] = list(unrecognised.values())
    published = materialized.get(PUBLISHED_KEY)
    if published is not None:
        outcome.published = {key: getattr(value, "value", value)
                             for key, value in published.metadata.items()
                             if key in ("version", "path", "tables")}
    evaluations = result.get_asset_check_evaluations()
    outcome.checks_total = len(evaluations)
    for ev in evaluations:
        source = "gx" if ev.check_name.startswith("gx_") or ev.check_name == "batch_accepted" \
            else "dbt"
        counts = outcome.checks_by_source.setdefault(source, {"passed": 0, "failed": 0})
        counts["passed" if ev.passed else "failed"] += 1
        if ev.passed:
            continue
        meta = ev.metadata or {}
        message = ev.description or ""
        if not message and "rule" in meta:
            message = str(meta["rule"].value)
        severity = "error" if ev.severity == AssetCheckSeverity.ERROR else "warn"
        outcome.failed_checks.append(FailedCheck(
            asset=ev.asset_key.to_user_string(), name=ev.check_name, severity=severity,
            blocking=bool(ev.blocking) and severity == "error", message=message))
    outcome.success = bool(result.success) and not outcome.blocking_failures
    return outcome


def _root_cause(error) -> str:
    """The message of the innermost cause: Dagster wraps a step's exception ("Error occurred while
    executing op ...") and a retried one ("Exceeded max_retries"); the operator needs the cause."""
    messages = [error.message.strip()]
    while error.cause is not None or error.context is not None:
        error = error.cause or error.context
        messages.append(error.message.strip())
    wrapper = ("Error occurred while executing", "Exceeded max_retries", "dagster._core.errors")
    useful = [m for m in messages if m and not m.startswith(wrapper)]
    return useful[-1] if useful else messages[0]


