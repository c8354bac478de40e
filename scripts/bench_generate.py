"""Benchmark `pbk.generator.extracts.generate`: wall time, rows per file, rows/s and peak RSS.

    .venv/bin/python scripts/bench_generate.py              # SF 0.1 into a temporary directory
    .venv/bin/python scripts/bench_generate.py --scale 1    # one national year (~20M realization rows)
    .venv/bin/python scripts/bench_generate.py --shape omspan   # the same data in real export layouts

The output is deleted afterwards unless --keep DIR is given.
"""
from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path


from pbk.generator.export_shapes import SHAPES
from pbk.generator.extracts import generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--dirty-fraction", type=float, default=0.0)
    parser.add_argument("--shape", choices=SHAPES, default=SHAPES[0])
    parser.add_argument("--keep", type=Path, help="write here and keep the files")
    parser.add_argument("--tmp", type=Path, help="parent directory for the temporary output")
    args = parser.parse_args(argv)

    out_dir = args.keep or Path(tempfile.mkdtemp(prefix="pbk-bench-", dir=args.tmp))
    try:
        started = time.perf_counter()
        manifest = generate(out_dir, args.scale, seed=args.seed, dirty_fraction=args.dirty_fraction,
                            shape=args.shape)
        seconds = time.perf_counter() - started
        size = sum(p.stat().st_size for p in out_dir.iterdir())
    finally:
        if not args.keep:
            shutil.rmtree(out_dir, ignore_errors=True)

    peak_rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KB on Linux
    total_rows = sum(f["rows"] for f in manifest["files"].values())
    print(f"scale {args.scale}  seed {args.seed}  dirty_fraction {args.dirty_fraction}  "
          f"shape {args.shape}")
    print(f"{'file':<24}{'rows':>14}")
    for kind, entry in manifest["files"].items():
        print(f"{entry['file']:<24}{entry['rows']:>14,}")
    print(f"{'total':<24}{total_rows:>14,}")
    print(f"seconds      {seconds:.1f}")
    print(f"rows/s       {total_rows / seconds:,.0f}")
    print(f"output size  {size / 1e6:,.0f} MB")
    print(f"peak RSS     {peak_rss_kb:,} KB ({peak_rss_kb / 1024:,.0f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
