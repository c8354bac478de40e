"""The demo sample built and published once per test process, for the tests of what serves the
marts (trace, publish, lineage). Copy it (copy_home) before changing anything."""
from __future__ import annotations

import shutil
from pathlib import Path

_PRISTINE: dict = {}


def pristine_home(tmp_path_factory) -> dict:
    """{'home': Path, 'pipeline': PipelineResult, 'publish': PublishResult} of the demo sample
    built and published once per session. Copy it (copy_home) before changing anything."""
    if not _PRISTINE:
        from pbk.generator.extracts import generate
        from ingest.pipeline import run_pipeline
        from serving.publish import publish
        from base.settings import paths

        home = tmp_path_factory.mktemp("pristine") / "pbk"
        p = paths(home).ensure()
        manifest = generate(home / "sample", scale=0.001, seed=42, dirty_fraction=0.01)
        for info in manifest["files"].values():
            (home / "sample" / info["file"]).replace(p.landing / info["file"])
        result = run_pipeline(p)
        assert not result.blocking_failures, result.blocking_failures
        published = publish(home)
        assert published.published, published.reason
        _PRISTINE.update(home=home, pipeline=result, publish=published)
    return _PRISTINE


def copy_home(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest, symlinks=True)
    return dest
