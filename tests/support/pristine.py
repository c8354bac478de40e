"""The demo sample built and published once per test run by the production path (the Dagster
job, in-process, as `pbk run` runs it), for the tests of what reads a built warehouse (trace,
publish, lineage, the mart suites, the orchestration, `pbk status`). Copy it (copy_home) before
changing anything: every worker process of the run reads the same directory."""
from __future__ import annotations

import shutil
import time
from pathlib import Path

from .shared import build_once

SCALE, SEED, DIRTY_FRACTION = 0.001, 42, 0.01    # the demo's sample (pbk/demo.py)


def _build(directory: Path, engine: str | None = None) -> dict:
    from base.settings import paths
    from orchestration.run import run_all
    from pbk.generator.extracts import generate

    home = directory / "pbk"
    p = paths(home).ensure()
    manifest = generate(home / "sample", scale=SCALE, seed=SEED, dirty_fraction=DIRTY_FRACTION)
    for info in manifest["files"].values():
        (home / "sample" / info["file"]).replace(p.landing / info["file"])
    started = time.time()
    outcome = run_all(home, engine=engine)
    assert outcome.success and outcome.published, (outcome.errors, outcome.failed_checks)
    return {"home": home, "outcome": outcome, "manifest": manifest, "started": started}


def pristine_home(tmp_path_factory) -> dict:
    """{'home': Path, 'outcome': RunOutcome, 'manifest': the generator's manifest, 'started': the
    run's start (epoch seconds)} of the demo sample built and published once per test run;
    outcome.published holds the version, path and tables published."""
    return build_once(tmp_path_factory, "pristine", _build)


def spark_demo_home(tmp_path_factory) -> dict:
    """The same demo sample built on Spark (`pbk run --engine spark`), once per test run; as
    pristine_home."""
    return build_once(tmp_path_factory, "spark_demo", lambda d: _build(d, engine="spark"))


def copy_home(src: Path, dest: Path) -> Path:
    """A whole copy of a PBK_HOME (warehouse, archive, published versions, dbt, Dagster instance)."""
    shutil.copytree(src, dest, symlinks=True)
    return dest
