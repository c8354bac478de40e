"""Warehouse build benchmark: generate extracts at a scale (SF 0.1 by default), ingest them, then
time a full `dbt build` and an incremental one after one more day of realization lines.

    .venv/bin/python scripts/bench_build.py                 # SF 0.1
    .venv/bin/python scripts/bench_build.py --scale 0.02 --verify

Each build runs in its own process through the Dagster job, in-process, as `pbk run` runs it
(orchestration.run.run_all with the job's dbt assets selected; the job starts dbt as a child
process), so the peak RSS printed is the largest of that process and its children (getrusage).
"One more day" is a new realization file with as many lines as an average day of the generated
year (new document numbers, dated the last day of the data) plus corrected re-sends of 1 % of
them (same natural key as existing lines, new amounts), loaded as a new load. The incremental build
is the whole dbt graph (incremental models merge the new load, the other tables are rebuilt,
every test runs); a second day is then built with only the dbt nodes downstream of
raw.realization (`source:raw.realization+`, with their tests), what the landing sensor's run
rebuilds for a realization file.
--verify then runs a full refresh and checks that every mart is identical to the incremental
result. Figures are printed, not asserted. Targets on a 2-core machine at SF 0.1: full build
< 60 s, incremental build < 15 s.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from base.dbt import MARTS
from base.settings import paths


def child_build(home: Path, full_refresh: bool, unit_tests: bool, changed_only: bool) -> None:
    """Runs in its own process: one build by the Dagster job, then wall time, peak RSS and the
    node summary as JSON."""
    from base.dbt import run_results
    from base.settings import paths
    from orchestration.run import dbt_selection, run_all

    p = paths(home)
    t0 = time.perf_counter()
    select = "source:raw.realization+" if changed_only else "fqn:*"
    outcome = run_all(p.home, full_refresh=full_refresh, unit_tests=unit_tests,
                      selection=dbt_selection(select, p.home))
    wall = time.perf_counter() - t0
    peak_kb = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    nodes = run_results(p.dbt_target)
    summary: dict[str, int] = {}
    for n in nodes:
        summary[n.status] = summary.get(n.status, 0) + 1
    slowest = sorted(nodes, key=lambda n: -n.execution_time)[:5]
    print(json.dumps({
        "wall_seconds": wall, "peak_rss_mb": peak_kb / 1024, "success": outcome.success,
        "summary": summary, "failures": [n.unique_id for n in nodes if n.failed] + outcome.errors,
        "slowest": [[n.name, round(n.execution_time, 2)] for n in slowest],
    }))


def run_build(home: Path, full_refresh: bool, unit_tests: bool, changed_only: bool = False) -> dict:
    cmd = [sys.executable, __file__, "--child-build", str(home)]
    if full_refresh:
        cmd.append("--full-refresh")
    if changed_only:
        cmd.append("--changed-only")
    if unit_tests:
        cmd.append("--unit-tests")
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.stderr.write(out.stdout + out.stderr)
        raise SystemExit(f"build process failed ({out.returncode})")
    doc = json.loads(out.stdout.strip().splitlines()[-1])
    doc["process_seconds"] = time.perf_counter() - t0
    return doc


def ingest(files: list[Path], home: Path) -> float:
    from ingest.loader import ingest_files

    t0 = time.perf_counter()
    results = ingest_files(files, home, progress=False)
    bad = [r for r in results if r.status != "loaded"]
    if bad:
        raise SystemExit(f"ingest failed: {[(r.file, r.status, r.reason) for r in bad]}")
    return time.perf_counter() - t0


def next_day_file(extracts: Path, out: Path, seed: int) -> dict:
    """One more day of realization lines as a CSV with the canonical header."""
    import duckdb

    src = str(extracts / "realization.csv")
    con = duckdb.connect()
    con.execute(f"SELECT setseed({(seed % 1000) / 1000.0})")
    con.execute(f"CREATE TEMP TABLE r AS SELECT * FROM read_csv('{src}', header = true, all_varchar = true)")
    total, days, last_day = con.execute(
        "SELECT count(*), count(DISTINCT transaction_date), max(transaction_date) FROM r").fetchone()
    per_day = max(1, round(total / max(days, 1)))
    resend = max(1, per_day // 100)
    con.execute(f"""
        COPY (
            SELECT fiscal_year, '{last_day}' AS transaction_date, 'X' || document_no AS document_no,
                   work_unit_code, program_code, activity_code, output_code, account_code,
                   funding_source, amount, 'Tambahan ' || description AS description
            FROM (SELECT * FROM r USING SAMPLE {per_day} ROWS)
            UNION ALL
            SELECT fiscal_year, transaction_date, document_no, work_unit_code, program_code, activity_code,
                   output_code, account_code, funding_source,
                   CAST(CAST(CAST(amount AS DECIMAL(38, 2)) * 0.9 AS DECIMAL(18, 0)) AS VARCHAR) AS amount,
                   'Koreksi ' || description AS description
            FROM (SELECT * FROM r USING SAMPLE {resend} ROWS)
        ) TO '{out}' (HEADER, DELIMITER ',')
    """)
    con.close()
    return {"new_lines": per_day, "corrected_resends": resend, "date": str(last_day)}


def verify_identical(home: Path, snapshot: Path) -> dict:
    """Compare every mart of the warehouse with the copy taken before (EXCEPT ALL both ways)."""
    import duckdb

    con = duckdb.connect(str(paths(home).warehouse), read_only=True)
    con.execute(f"ATTACH '{snapshot}' AS snap (READ_ONLY)")
    diffs = {}
    for m in MARTS:
        n = con.execute(f"""
            SELECT count(*) FROM (
                (SELECT * FROM marts.{m} EXCEPT ALL SELECT * FROM snap.marts.{m})
                UNION ALL
                (SELECT * FROM snap.marts.{m} EXCEPT ALL SELECT * FROM marts.{m}))""").fetchone()[0]
        diffs[m] = n
    con.close()
    return diffs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--work", type=Path, help="working directory (default: a temporary one)")
    ap.add_argument("--keep", action="store_true", help="keep the working directory")
    ap.add_argument("--unit-tests", action="store_true", help="include dbt unit tests in the builds")
    ap.add_argument("--verify", action="store_true", help="full refresh afterwards and compare marts")
    ap.add_argument("--json", action="store_true", help="print one JSON document")
    ap.add_argument("--child-build", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--full-refresh", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--changed-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child_build:
        child_build(args.child_build, args.full_refresh, args.unit_tests, args.changed_only)
        return

    from pbk.generator.extracts import generate

    work = args.work or Path(tempfile.mkdtemp(prefix=f"bench-build-{args.scale}-"))
    work.mkdir(parents=True, exist_ok=True)
    home, extracts = work / "home", work / "extracts"
    report: dict = {"scale": args.scale, "seed": args.seed, "cpus": os.cpu_count(),
                    "unit_tests": args.unit_tests}
    try:
        t0 = time.perf_counter()
        generate(extracts, scale=args.scale, seed=args.seed, dirty_fraction=0.0)
        report["generate_seconds"] = time.perf_counter() - t0
        files = sorted(p for p in extracts.iterdir() if p.suffix == ".csv" and p.name != "dirt.csv")
        report["raw_rows"] = {p.stem: sum(1 for _ in open(p, encoding="utf-8")) - 1 for p in files}
        report["ingest_seconds"] = ingest(files, home)

        report["full_build"] = run_build(home, full_refresh=False, unit_tests=args.unit_tests)

        day = work / "day" / "realization_next_day.csv"
        day.parent.mkdir(parents=True, exist_ok=True)
        report["next_day"] = next_day_file(extracts, day, args.seed)
        report["next_day"]["ingest_seconds"] = ingest([day], home)
        report["incremental_build"] = run_build(home, full_refresh=False, unit_tests=args.unit_tests)

        # a second day: only what depends on raw.realization is rebuilt
        day2 = work / "day" / "realization_day_after.csv"
        report["day_after"] = next_day_file(extracts, day2, args.seed + 1)
        report["day_after"]["ingest_seconds"] = ingest([day2], home)
        report["changed_only_build"] = run_build(home, full_refresh=False, unit_tests=args.unit_tests,
                                                 changed_only=True)

        if args.verify:
            snapshot = work / "incremental.duckdb"
            shutil.copy(paths(home).warehouse, snapshot)
            report["full_refresh_build"] = run_build(home, full_refresh=True, unit_tests=args.unit_tests)
            report["marts_differing_rows"] = verify_identical(home, snapshot)
    finally:
        if not args.keep and not args.work:
            shutil.rmtree(work, ignore_errors=True)

    if args.json:
        print(json.dumps(report, indent=2, default=str))
        return
    f, i = report["full_build"], report["incremental_build"]
    print(f"scale {args.scale} (seed {args.seed}), {report['cpus']} CPUs; raw rows: "
          + ", ".join(f"{k} {v:,}" for k, v in report["raw_rows"].items()))
    print(f"generate {report['generate_seconds']:.1f} s, ingest {report['ingest_seconds']:.1f} s")
    print(f"full build        : {f['wall_seconds']:6.1f} s  (process {f['process_seconds']:.1f} s)  "
          f"peak RSS {f['peak_rss_mb']:7.0f} MB  {f['summary']}  target < 60 s")
    nd = report["next_day"]
    print(f"next day          : {nd['new_lines']:,} new lines + {nd['corrected_resends']:,} corrected re-sends, "
          f"ingest {nd['ingest_seconds']:.1f} s")
    print(f"incremental build : {i['wall_seconds']:6.1f} s  (process {i['process_seconds']:.1f} s)  "
          f"peak RSS {i['peak_rss_mb']:7.0f} MB  {i['summary']}  target < 15 s")
    c = report["changed_only_build"]
    print(f"changed-only build: {c['wall_seconds']:6.1f} s  (process {c['process_seconds']:.1f} s)  "
          f"peak RSS {c['peak_rss_mb']:7.0f} MB  {c['summary']}  (another day; source:raw.realization+)")
    print(f"slowest nodes (full): {f['slowest']}")
    print(f"slowest nodes (incremental): {i['slowest']}")
    if args.verify:
        r = report["full_refresh_build"]
        print(f"full refresh      : {r['wall_seconds']:6.1f} s  peak RSS {r['peak_rss_mb']:.0f} MB")
        print(f"marts differing rows, incremental vs full refresh: {report['marts_differing_rows']}")
    if args.keep or args.work:
        print(f"kept: {work}")


if __name__ == "__main__":
    main()
