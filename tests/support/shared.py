"""Warehouses built once per test run, whatever the number of pytest-xdist workers.

A fixture that builds a whole warehouse (the Dagster job: ingest, dbt build, checks, publish) costs
a minute or more; with `pytest -n 2` each worker process would build its own. `build_once` lets
the first process that asks build it, under a file lock, in a directory every worker of the run
shares (the parent of the workers' base temporary directories); the others wait for it and read
its result. Without xdist the directory is the session's own base temporary directory.

What is shared must not be changed: tests copy it first (support.pristine.copy_home,
support.dbt_scenario.copy_home).
"""
from __future__ import annotations

import fcntl
import os
import pickle
from pathlib import Path
from typing import Callable


def run_directory(tmp_path_factory) -> Path:
    """The directory every process of this test run shares."""
    base = Path(tmp_path_factory.getbasetemp())
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def build_once(tmp_path_factory, name: str, build: Callable[[Path], object]):
    """build(directory) -> a picklable result, called once per test run (by the first process to
    ask) on an empty directory; every caller gets the result. A build that raised is tried again
    by the next caller (and raises again there)."""
    root = run_directory(tmp_path_factory)
    directory = root / name
    done = directory / ".built.pickle"
    with open(root / f".{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)      # released when the file is closed
        if not done.exists():
            if directory.exists():
                import shutil

                shutil.rmtree(directory)      # what a failed attempt left behind
            directory.mkdir(parents=True)
            result = build(directory)
            tmp = done.with_suffix(".tmp")
            tmp.write_bytes(pickle.dumps(result))
            tmp.replace(done)
    return pickle.loads(done.read_bytes())
