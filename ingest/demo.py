"""`pbk demo`: a small realistic sample through the pipeline, with a summary a finance user reads."""
from __future__ import annotations

from .settings import Paths

DEMO_SCALE = 0.001
DEMO_SEED = 42
DEMO_DIRTY_FRACTION = 0.01


def demo(p: Paths) -> int:
    from .cli import _print_generated, print_ingest_table
    from .generate import generate
    from .loader import exit_code, ingest_landing

    p.ensure()
    print(f"PBK_HOME = {p.home}\n")
    # generated beside landing, then dropped in: landing only ever sees whole extract files
    sample = p.home / "sample"
    manifest = generate(sample, scale=DEMO_SCALE, seed=DEMO_SEED,
                        dirty_fraction=DEMO_DIRTY_FRACTION)
    for info in manifest["files"].values():
        (sample / info["file"]).replace(p.landing / info["file"])
    _print_generated(p.landing, manifest, notes_dir=sample)
    print()
    from .pipeline import run_pipeline
    from .summary import mart_summary, print_mart_summary

    result = run_pipeline(p)
    print("Ingest (landing -> raw.*, quarantine -> ops.quarantine):")
    print_ingest_table(result.ingest)
    counts = result.build.summary()
    print(f"\ndbt build: {', '.join(f'{n} {k}' for k, n in sorted(counts.items()))}")
    failed = [c for c in result.mart_checks if not c.success]
    print(f"Mart checks (GX): {len(result.mart_checks) - len(failed)} of {len(result.mart_checks)} "
          "rules passed" + "".join(f"\n  {c.severity}: {c.rule}: {c.unexpected_count:,} - "
                                   f"{c.message}" for c in failed))
    print()
    summary = mart_summary(p.warehouse)
    print_mart_summary(summary)
    from .pipeline import publish_and_document

    outputs = publish_and_document(p, result)
    pub = outputs.publish
    print(f"\nWarehouse:        {p.warehouse}")
    if pub.published:
        print(f"Published (BI):   {pub.path}  (DuckDB storage {pub.storage_version}, read-only)")
        print(f"                  {p.published / 'parquet'}  (Parquet, same tables)")
    else:
        print(f"NOT published:    {pub.reason}")
    if outputs.dbt_docs:
        print(f"dbt docs:         {outputs.dbt_docs}")
    print(f"Lineage events:   {p.home / 'lineage' / result.run_id}  ({len(outputs.lineage_events)} "
          "OpenLineage events)")
    print(f"Archived files:   {p.archive}")
    print(f"Data-quality:     {p.docs / 'dq' / 'index.html'}  (pbk dq lists failing rules)")
    print("SQL:              ops.load_log, ops.quarantine, ops.dq_results, core.*, marts.*")
    if pub.published and summary["lowest_absorption"]:
        from .cli import main as pbk

        low = summary["lowest_absorption"][0]
        argv = ["trace", "mart_absorption", "--key", f"fiscal_year={low['fiscal_year']}",
                "--key", f"work_unit_code={low['work_unit_code']}", "--key", f"month={low['month']}",
                "--limit", "3"]
        print("\nTrace example (an auditor's view of the lowest absorption above):")
        print("$ pbk " + " ".join(argv))
        pbk(argv)
    return 1 if result.blocking_failures else exit_code(result.ingest)
