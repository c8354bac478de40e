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
    print("Ingest (landing -> raw.*, quarantine -> ops.quarantine):")
    results = ingest_landing(p, progress=False)
    print_ingest_table(results)
    print(f"\nWarehouse: {p.warehouse}")
    print(f"Archived source files: {p.archive}")
    print("Quarantined rows: SELECT * FROM ops.quarantine;   load log: SELECT * FROM ops.load_log;")
    return exit_code(results)
