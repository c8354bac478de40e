"""Helpers of the orchestration tests (tests/orchestration/): the marts, reading a warehouse, the
environment of a `pbk run` / `dagster-webserver` process for a PBK_HOME, a generated sample
dropped into landing."""
from __future__ import annotations

import os
from pathlib import Path

import duckdb

from base.dbt import MARTS  # noqa: F401  (the one list of the marts)

REPO = Path(__file__).resolve().parents[2]


def drop_sample(home: Path, seed: int, dirty_fraction: float = 0.01) -> dict:
    """The generated sample (scale 0.001) of `seed` dropped into $home/landing; its manifest."""
    from pbk.generator.extracts import generate

    sample = home / "sample"
    manifest = generate(sample, scale=0.001, seed=seed, dirty_fraction=dirty_fraction)
    (home / "landing").mkdir(parents=True, exist_ok=True)
    for info in manifest["files"].values():
        (sample / info["file"]).replace(home / "landing" / info["file"])
    return manifest


def query(home: Path, sql: str, params=None):
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def env_for(home: Path) -> dict:
    return {**os.environ, "PBK_HOME": str(home), "DAGSTER_HOME": str(home / "dagster"),
            "PYTHONPATH": str(REPO)}
