"""The Dagster instance of a PBK_HOME: $PBK_HOME/dagster (DAGSTER_HOME) and its dagster.yaml.

The instance keeps everything local (SQLite run, event and schedule storage, compute logs and
artifacts under $PBK_HOME/dagster), has telemetry off (offline machines, public-finance data), and
serialises every run that writes the warehouse (DuckDB allows one writing process per file):

* every op that writes the warehouse is in the concurrency pool ``pbk_warehouse``; with pool
  granularity ``run`` and a default limit of 1, the run queue starts a run only when no other run
  holding that pool is in progress (this covers ad-hoc materialisations from the UI too);
* the jobs carry the tag ``pbk/warehouse=write``, limited to one run in progress;
* runs executed in-process (``pbk run``, tests), which do not go through the run queue, take an
  exclusive lock on ``$PBK_HOME/warehouse.lock`` for the whole run (orchestration.resources).

So the nightly schedule and the landing sensor may fire together: the second run waits in the
queue ("Queued" in the UI) and neither fails with a DuckDB lock error.
"""
from __future__ import annotations

import os
from pathlib import Path

from base.settings import Paths

WAREHOUSE_POOL = "pbk_warehouse"
WAREHOUSE_TAG = "pbk/warehouse"
WAREHOUSE_TAG_VALUE = "write"
MARKER = "# Written by pbk-warehouse"

DAGSTER_YAML = MARKER + """ (orchestration/instance.py). Rewritten when it changes; remove this line
# to manage the file yourself. Local storage under this folder; telemetry off (offline machines,
# public-finance data).
telemetry:
  enabled: false
# no "Join the Dagster community" e-mail form when the UI opens
nux:
  enabled: false

storage:
  sqlite:
    base_dir: "{home}/storage"
local_artifact_storage:
  module: dagster._core.storage.root
  class: LocalArtifactStorage
  config:
    base_dir: "{home}"
compute_logs:
  module: dagster._core.storage.local_compute_log_manager
  class: LocalComputeLogManager
  config:
    base_dir: "{home}/logs"

# DuckDB has one writer: runs that write the warehouse never overlap.
concurrency:
  pools:
    granularity: run   # a pool's limit counts the runs in progress that use it
    default_limit: 1   # pool {pool}: one run at a time
  runs:
    max_concurrent_runs: 4
    tag_concurrency_limits:
      - key: "{tag}"
        value: "{tag_value}"
        limit: 1
"""


def dagster_yaml_text(dagster_home: Path) -> str:
    return DAGSTER_YAML.format(home=str(Path(dagster_home).resolve()), pool=WAREHOUSE_POOL,
                               tag=WAREHOUSE_TAG, tag_value=WAREHOUSE_TAG_VALUE)


def write_dagster_yaml(dagster_home: Path) -> Path:
    """Write $DAGSTER_HOME/dagster.yaml when it is missing, is the telemetry-only file older
    versions wrote, or is an older version of ours. A dagster.yaml without our marker and
    with more than the telemetry switch is the operator's own: left alone. Returns its path."""
    home = Path(dagster_home)
    home.mkdir(parents=True, exist_ok=True)
    target = home / "dagster.yaml"
    wanted = dagster_yaml_text(home)
    current = target.read_text() if target.exists() else None
    if current != wanted and (current is None or _managed(current)):
        tmp = home / f".dagster.yaml.{os.getpid()}.tmp"
        tmp.write_text(wanted)
        os.replace(tmp, target)
    return target


def ensure_instance(p: Paths) -> Path:
    """PBK_HOME's folders and $PBK_HOME/dagster/dagster.yaml; returns DAGSTER_HOME."""
    p.ensure()
    write_dagster_yaml(p.dagster_home)
    return p.dagster_home


def _managed(text: str) -> bool:
    if text.startswith(MARKER):
        return True
    # the minimal file older versions wrote: only comments and telemetry
    import yaml

    try:
        doc = yaml.safe_load(text) or {}
    except yaml.YAMLError:
        return False
    return set(doc) <= {"telemetry"}


def instance_for(p: Paths):
    """The DagsterInstance of this PBK_HOME (what `dagster dev` with DAGSTER_HOME=$PBK_HOME/dagster
    uses), so runs executed in-process show up in the UI too."""
    from dagster import DagsterInstance

    return DagsterInstance.from_config(str(ensure_instance(p)))


if __name__ == "__main__":  # `python -m orchestration.instance`: prepare DAGSTER_HOME, print it
    from base.settings import paths

    print(ensure_instance(paths()))
