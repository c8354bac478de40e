"""Ingest benchmark: generate extracts at one or more scales and ingest them into a fresh warehouse,
printing rows/s per kind and the peak RSS of the ingesting process. Memory should stay flat as the
files grow (DuckDB streams the CSV and spills beyond its memory limit).

    .venv/bin/python scripts/bench_ingest.py --scale 0.1
    .venv/bin/python scripts/bench_ingest.py --scale 0.05 --scale 0.1   # memory flat as files grow
    .venv/bin/python scripts/bench_ingest.py --scale 0.1 --shape omspan --repeat 1  # a real layout

Targets on a 2-core machine: realization CSV >= 500,000 rows/s; peak RSS <= 3 GB; data-quality
validation (GX suites, Data Docs, the wait for GX's import) adds at most 30% to the ingest's wall
time without it.

This is the production path of ingest: the Dagster ingest assets (orchestration/ingest_assets.py)
call the same `ingest.loader.ingest_files` on the landing files (with from_landing=True, which only
removes each file from landing once archived). It is kept beside scripts/bench_pipeline.py, which
times the whole `pbk run` per stage, because it shows what that does not: rows/s per file and
kind, what GX validation adds (suites, Data Docs, the wait for GX's import, cold or warm), and the
real export layouts (--shape). The two timers it wraps around the loader only measure.
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


def child(extracts: Path, home: Path, warm: bool) -> None:
    """One ingest in a fresh process. Cold, as `pbk ingest` runs it: the loader imports GX in the
    background while the first file stages and waits for what staging did not hide. Warm: GX is
    imported before the clock starts, as in a process that has run before (a Dagster code server,
    the second of two runs). Its peak RSS is the ingest's alone."""
    if warm:
        import expectations.engine  # noqa: F401
    from ingest import loader as L

    timing = {"import_wait": 0.0, "docs": 0.0}

    def timed(method, key):
        def wrapper(self):
            t = time.perf_counter()
            try:
                return method(self)
            finally:
                timing[key] += time.perf_counter() - t
        return wrapper

    # timers only: the loader runs unchanged
    L.Loader.dq_engine = property(timed(L.Loader.dq_engine.fget, "import_wait"))
    L.Loader.build_docs = timed(L.Loader.build_docs, "docs")
    files = sorted(p for p in extracts.iterdir() if p.suffix == ".csv" and p.name != "dirt.csv")
    t0 = time.perf_counter()
    results = L.ingest_files(files, home)
    wall = time.perf_counter() - t0
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"wall_seconds": wall, "peak_rss_mb": peak_kb / 1024, **timing,
                      "files": [r.as_dict() for r in results]}, default=str))


def gx_import_seconds() -> float:
    out = subprocess.run([sys.executable, "-c", "import time; t = time.perf_counter(); "
                          "import expectations.engine; print(time.perf_counter() - t)"],
                         cwd=REPO, capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def ingest_once(extracts: Path, home: Path, warm: bool) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", str(extracts), str(home),
                          "warm" if warm else "cold"],
                         capture_output=True, text=True, check=True)
    doc = json.loads(out.stdout.strip().splitlines()[-1])
    # Validation's share of the wall time: the suites (frames, GX runs, results; `dq_seconds`
    # includes waiting for GX's import on the first file) and the Data Docs rendered after the
    # files. Everything else (parse, type, dedupe, write, archive) is the ingest without it.
    doc["suites"] = sum(f["dq_seconds"] for f in doc["files"]) - doc["import_wait"]
    doc["validation"] = doc["suites"] + doc["import_wait"] + doc["docs"]
    doc["base"] = doc["wall_seconds"] - doc["validation"]
    doc["share"] = doc["validation"] / doc["base"]
    return doc


def run(scale: float, seed: int, keep: bool, repeat: int, shape: str) -> dict[str, list[dict]]:
    from pbk.generator.extracts import generate

    work = Path(tempfile.mkdtemp(prefix=f"bench-ingest-{scale}-{shape}-"))
    try:
        extracts = work / "extracts"
        t0 = time.perf_counter()
        generate(extracts, scale=scale, seed=seed, dirty_fraction=0.0, shape=shape)
        gen_seconds = time.perf_counter() - t0
        docs = {"cold": [], "warm": []}
        for i in range(repeat):     # alternate, so both see the same machine load
            for mode in docs:
                doc = ingest_once(extracts, work / f"home-{mode}{i}", warm=mode == "warm")
                doc["generate_seconds"], doc["scale"] = gen_seconds, scale
                docs[mode].append(doc)
        return docs
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def report(scale: float, shape: str, mode: str, docs: list[dict], gx_import: float) -> None:
    doc = sorted(docs, key=lambda d: d["share"])[len(docs) // 2]   # the median run
    print(f"\nSF {scale}, {shape} layout, {mode} process (GX {'imported before' if mode == 'warm' else 'imported by the loader'}): "
          f"generated in {doc['generate_seconds']:.1f} s; {len(docs)} ingest run(s) into "
          f"fresh homes; median run: wall {doc['wall_seconds']:.1f} s, peak RSS "
          f"{doc['peak_rss_mb']:.0f} MB")
    print(f"  {'file':<26} {'rows':>11} {'quar.':>6} {'MB':>8} {'seconds':>8} {'rows/s':>11} "
          f"{'GX s':>6} {'rows/s w/o GX':>14}")
    for f in doc["files"]:
        rate = f["rows_read"] / f["seconds"] if f["seconds"] else 0
        parse = f["seconds"] - f["dq_seconds"]
        print(f"  {f['file']:<26} {f['rows_read']:>11,} {f['rows_quarantined']:>6,} "
              f"{f['bytes'] / 1e6:>8.1f} {f['seconds']:>8.2f} {rate:>11,.0f} {f['dq_seconds']:>6.2f} "
              f"{f['rows_read'] / parse if parse else 0:>14,.0f}")
    total = sum(f["rows_read"] for f in doc["files"])
    held = sum(f["rows_quarantined"] for f in doc["files"])
    print(f"  {'all':<26} {total:>11,} {held:>6,} {'':>8} {doc['wall_seconds']:>8.2f} "
          f"{total / doc['wall_seconds']:>11,.0f}")
    print(f"  validation adds {doc['validation']:.1f} s = {doc['share']:.0%} to the ingest without it "
          f"({doc['base']:.1f} s): suites {doc['suites']:.1f} s, Data Docs {doc['docs']:.1f} s, "
          f"waiting for GX's import {doc['import_wait']:.1f} s (a cold import takes "
          f"{gx_import:.1f} s; the loader overlaps it with staging the first file)")
    print("  every run: " + ", ".join(
        f"{d['validation']:.1f}/{d['base']:.1f} s = {d['share']:.0%}" for d in docs))


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        child(Path(sys.argv[2]), Path(sys.argv[3]), warm=sys.argv[4] == "warm")
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, action="append", help="scale factor (repeatable)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=3,
                        help="ingest runs per scale (the machine is shared: the median is shown)")
    parser.add_argument("--shape", action="append",
                        help="export layout of the generated files (repeatable; default canonical)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary files")
    args = parser.parse_args()
    gx_import = gx_import_seconds()
    for shape in args.shape or ["canonical"]:
        for scale in args.scale or [0.1]:
            for mode, docs in run(scale, args.seed, args.keep, args.repeat, shape).items():
                report(scale, shape, mode, docs, gx_import)


if __name__ == "__main__":
    main()
