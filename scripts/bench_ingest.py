"""Ingest benchmark: generate extracts at one or more scales and ingest them into a fresh warehouse,
printing rows/s per kind and the peak RSS of the ingesting process. Memory should stay flat as the
files grow (DuckDB streams the CSV and spills beyond its memory limit).

    .venv/bin/python scripts/bench_ingest.py --scale 0.1
    .venv/bin/python scripts/bench_ingest.py --scale 0.05 --scale 0.1   # memory flat as files grow

Targets on a 2-core machine: realization CSV >= 500,000 rows/s; peak RSS <= 3 GB.
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def child(extracts: Path, home: Path) -> None:
    """Runs in its own process so its peak RSS is the ingest's alone. GX's import (a one-time cost
    per process, paid at code-location load in Dagster) is timed apart from the per-batch suites."""
    t0 = time.perf_counter()
    import expectations.engine  # noqa: F401
    gx_import = time.perf_counter() - t0
    from ingest.loader import ingest_files

    files = sorted(p for p in extracts.iterdir() if p.suffix == ".csv" and p.name != "dirt.csv")
    t0 = time.perf_counter()
    results = ingest_files(files, home, progress=False)
    wall = time.perf_counter() - t0
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"wall_seconds": wall, "peak_rss_mb": peak_kb / 1024, "gx_import": gx_import,
                      "files": [r.as_dict() for r in results]}, default=str))


def run(scale: float, seed: int, keep: bool) -> dict:
    from ingest.generate import generate

    work = Path(tempfile.mkdtemp(prefix=f"bench-ingest-{scale}-"))
    try:
        extracts = work / "extracts"
        t0 = time.perf_counter()
        generate(extracts, scale=scale, seed=seed, dirty_fraction=0.0)
        gen_seconds = time.perf_counter() - t0
        out = subprocess.run([sys.executable, __file__, "--child", str(extracts), str(work / "home")],
                             capture_output=True, text=True, check=True)
        doc = json.loads(out.stdout.strip().splitlines()[-1])
        doc["generate_seconds"] = gen_seconds
        doc["scale"] = scale
        return doc
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, action="append", help="scale factor (repeatable)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", action="store_true", help="keep the temporary files")
    args = parser.parse_args()
    for scale in args.scale or [0.1]:
        doc = run(scale, args.seed, args.keep)
        print(f"\nSF {scale}: generated in {doc['generate_seconds']:.1f} s; ingest wall "
              f"{doc['wall_seconds']:.1f} s; peak RSS {doc['peak_rss_mb']:.0f} MB")
        print(f"  {'kind':<18} {'rows':>11} {'MB':>8} {'seconds':>8} {'rows/s':>11} "
              f"{'GX s':>6} {'rows/s w/o GX':>14}")
        for f in doc["files"]:
            rate = f["rows_read"] / f["seconds"] if f["seconds"] else 0
            parse = f["seconds"] - f["dq_seconds"]
            print(f"  {f['kind']:<18} {f['rows_read']:>11,} {f['bytes'] / 1e6:>8.1f} "
                  f"{f['seconds']:>8.2f} {rate:>11,.0f} {f['dq_seconds']:>6.2f} "
                  f"{f['rows_read'] / parse if parse else 0:>14,.0f}")
        total = sum(f["rows_read"] for f in doc["files"])
        dq = sum(f["dq_seconds"] for f in doc["files"])
        base = doc["wall_seconds"] - dq
        print(f"  {'all':<18} {total:>11,} {'':>8} {doc['wall_seconds']:>8.2f} "
              f"{total / doc['wall_seconds']:>11,.0f}")
        print(f"  data-quality validation: GX suites {dq:.1f} s = {dq / base:.0%} on top of ingest "
              f"without them ({base:.1f} s); with GX's one-time import ({doc['gx_import']:.1f} s) "
              f"{(dq + doc['gx_import']) / base:.0%}")


if __name__ == "__main__":
    main()
