"""Engine benchmark (issue 16): the same `pbk run` on DuckDB and on local Spark, at two or more scales,
next to the hand-written DuckDB floor, and how each grows from one scale to the next.

    .venv/bin/python scripts/bench_engines.py --scales 0.01 0.1
    .venv/bin/python scripts/bench_engines.py --scales 0.01 0.1 --work /tmp/bench-engines --json

Per scale: one sample is generated (seed 42, canonical files, no dirt), then for each engine a
fresh PBK_HOME gets the same files in landing and `pbk run --json [--engine spark]` runs as a child
process (scripts/bench_pipeline.py: pbk_run, stage windows from the Dagster event log, peak RSS of
the whole process tree). The floor (scripts/floor_marts.sql: DuckDB reading the CSVs and computing
mart_absorption and mart_budget_performance by hand) runs once per scale. After both runs every
mart of the two published copies is compared row by row (serving/engine_comparison.py).

Printed per scale and engine: the whole run, the dbt build step, dbt's own elapsed time, peak RSS;
then the growth factor of each from the smaller scale to the larger, against the growth of the
data (rows). Figures are printed, not asserted: the machine may be shared.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

import bench_pipeline as bp  # noqa: E402

ENGINES = ("duckdb", "spark")


def run_engine(work: Path, extracts: Path, files: list[Path], engine: str) -> dict:
    home = work / f"home-{engine}"
    shutil.rmtree(home, ignore_errors=True)
    bp.drop_into_landing(files, home)
    run, outcome = bp.pbk_run(home, engine=engine)
    stages = {s.name: s for s in bp.project_stages(run, bp.step_windows(home, outcome["run_id"]))}
    dbt = stages.get("dbt build")
    return {"engine": engine, "home": str(home), "run_seconds": run.seconds,
            "dbt_step_seconds": dbt.seconds if dbt else None,
            "dbt_elapsed_seconds": bp.dbt_elapsed_seconds(home),
            "peak_rss": run.peak_rss(), "success": outcome.get("success")}


def compare_published(duck_home: Path, spark_home: Path) -> dict[str, bool]:
    import duckdb

    from base.dbt import MARTS
    from serving.engine_comparison import compare_mart

    con = duckdb.connect()
    out = {}
    for mart in MARTS:
        left, right = (f"read_parquet('{h}/published/parquet/marts/{mart}.parquet')"
                       for h in (duck_home, spark_home))
        out[mart] = compare_mart(con, mart, left, right).equal
    return out


def bench_scale(work: Path, scale: float, seed: int) -> dict:
    extracts = work / f"extracts-{scale}"
    generated = bp.generate_sample(extracts, scale, seed)
    files = [Path(f) for f in generated["files"]]
    runs = {engine: run_engine(work, extracts, files, engine) for engine in ENGINES}
    floor, floor_stages = bp.run_floor(work / f"floor-{scale}.duckdb", extracts, ["load", "marts"])
    floor_marts = next(s for s in floor_stages if s.name == "marts")
    return {"scale": scale, "rows": generated["rows"], "runs": runs,
            "floor_marts_seconds": floor_marts.seconds, "floor_total_seconds": floor.seconds,
            "marts_equal": compare_published(Path(runs["duckdb"]["home"]),
                                             Path(runs["spark"]["home"]))}


def print_report(report: dict) -> None:
    print(f"{'scale':>6} {'rows':>11} {'engine':<7} {'pbk run s':>10} {'dbt step s':>11} "
          f"{'dbt own s':>10} {'peak RSS':>9} {'floor marts s':>14}  marts equal")
    for r in report["scales"]:
        for engine, run in r["runs"].items():
            print(f"{r['scale']:>6} {r['rows']:>11,} {engine:<7} {run['run_seconds']:>10.1f} "
                  f"{run['dbt_step_seconds'] or 0:>11.1f} {run['dbt_elapsed_seconds']:>10.1f} "
                  f"{bp.mb(run['peak_rss']):>9} {r['floor_marts_seconds']:>14.2f}  "
                  f"{sum(r['marts_equal'].values())}/{len(r['marts_equal'])}")
    scales = report["scales"]
    for small, large in zip(scales, scales[1:]):
        print(f"\ngrowth from SF {small['scale']} to SF {large['scale']} "
              f"(rows x{large['rows'] / small['rows']:.1f}):")
        for engine in ENGINES:
            a, b = small["runs"][engine], large["runs"][engine]
            print(f"  {engine:<7} dbt build x{b['dbt_elapsed_seconds'] / a['dbt_elapsed_seconds']:.2f}"
                  f"  ({a['dbt_elapsed_seconds']:.1f} s -> {b['dbt_elapsed_seconds']:.1f} s), "
                  f"whole run x{b['run_seconds'] / a['run_seconds']:.2f}")
        print(f"  floor   marts  x{large['floor_marts_seconds'] / small['floor_marts_seconds']:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", type=float, nargs="+", default=[0.01, 0.1])
    ap.add_argument("--work", type=Path, help="working directory, kept (default: a temporary one)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-engines-"))
    work.mkdir(parents=True, exist_ok=True)
    report = {"scales": []}
    try:
        for scale in sorted(args.scales):
            report["scales"].append(bench_scale(work, scale, args.seed))
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(report, indent=2, default=str))
    else:
        print_report(report)


if __name__ == "__main__":
    main()
