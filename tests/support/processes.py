"""What the tests that start `pbk` as a real process share: the command, its environment for a
PBK_HOME, and reading a DuckDB file once the process has let go of it."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[2]
PBK = [sys.executable, "-m", "pbk.cli"]


def env_for(home: Path, **extra) -> dict:
    """The environment of a `pbk` process for `home` (fast retries: tests wait on them)."""
    return {**os.environ, "PBK_HOME": str(home), "DAGSTER_HOME": str(home / "dagster"),
            "PBK_RETRY_BASE_SECONDS": "0.1", **extra}


def query(db: Path, sql: str):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()
