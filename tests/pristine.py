"""The demo sample built and published once per test process by the production path (the Dagster
job, in-process, as `pbk run` runs it), for the tests of what serves the marts (trace, publish,
lineage). Copy it (copy_home) before changing anything."""
from __future__ import annotations

import shutil
from pathlib import Path

_PRISTINE: dict = {}


def pristine_home(tmp_path_factory) -> dict:
    """{'home': Path, 'outcome': RunOutcome} of the demo sample built and published once per
    session; outcome.published holds the version, path and tables published."""
    if not _PRISTINE:
        from base.settings import paths
        from orchestration.run import run_all
        from pbk.generator.extracts import generate

        home = tmp_path_factory.mktemp("pristine") / "pbk"
        p = paths(home).ensure()
        manifest = generate(home / "sample", scale=0.001, seed=42, dirty_fraction=0.01)
        for info in manifest["files"].values():
            (home / "sample" / info["file"]).replace(p.landing / info["file"])
        outcome = run_all(home)
        assert outcome.success and outcome.published, (outcome.errors, outcome.failed_checks)
        _PRISTINE.update(home=home, outcome=outcome)
    return _PRISTINE


def copy_home(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest, symlinks=True)
    return dest
