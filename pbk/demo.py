"""`pbk demo`: a small realistic sample through the pipeline, with a summary a finance user reads."""
from __future__ import annotations

from base.settings import Paths

DEMO_SCALE = 0.001
DEMO_SEED = 42
DEMO_DIRTY_FRACTION = 0.01


def demo(p: Paths) -> tuple[int, list[str] | None]:
    """Run the demo; (exit code, the `pbk trace` arguments of the example the CLI then runs)."""
    from .printing import print_generated, print_run_outcome
    from .generator.extracts import generate

    p.ensure()
    print(f"PBK_HOME = {p.home}\n")
    # generated beside landing, then dropped in: landing only ever sees whole extract files
    sample = p.home / "sample"
    manifest = generate(sample, scale=DEMO_SCALE, seed=DEMO_SEED,
                        dirty_fraction=DEMO_DIRTY_FRACTION)
    for info in manifest["files"].values():
        (sample / info["file"]).replace(p.landing / info["file"])
    print_generated(p.landing, manifest, notes_dir=sample)
    print()
    # the same Dagster job `pbk run` and the nightly schedule run, executed in-process
    from orchestration.run import run_all

    from serving.published_versions import current_version_dir
    from serving.summary import mart_summary

    from .progress_display import progress_shown

    with progress_shown():
        outcome = run_all(p.home)
    print_run_outcome(outcome, p)
    published = outcome.assets.get("published/pbk") == "materialized"
    print(f"\nWarehouse (one writer):  {p.warehouse}")
    if published:
        print(f"Published for BI tools:  {p.published / 'pbk.duckdb'}  (read-only, DuckDB storage "
              f"v1.0.0)\n                         {p.published / 'parquet'}  (Parquet, same tables)"
              f"\n                         version {current_version_dir(p.home).name}")
    else:
        print("NOT published: a blocking check failed (see above); the previous version stays.")
    print(f"dbt docs (offline):      {p.docs / 'dbt' / 'static_index.html'}")
    print(f"Data Docs (offline):     {p.docs / 'dq' / 'index.html'}   (pbk dq lists failing rules)")
    print(f"Lineage events:          {p.lineage / outcome.run_id}")
    print(f"Archived source files:   {p.archive}")
    summary = mart_summary(p.warehouse) if p.warehouse.exists() else {"lowest_absorption": []}
    trace_argv = None
    if published and summary["lowest_absorption"]:
        low = summary["lowest_absorption"][0]
        trace_argv = ["trace", "mart_absorption", "--key", f"fiscal_year={low['fiscal_year']}",
                      "--key", f"work_unit_code={low['work_unit_code']}", "--key",
                      f"month={low['month']}", "--limit", "3"]
    return outcome.exit_code, trace_argv
