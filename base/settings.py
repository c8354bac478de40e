"""Runtime locations under PBK_HOME and process-wide settings (telemetry off)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# Telemetry off for every library we drive: these machines are offline and the data is public
# finance. Set before dbt or GX are imported anywhere in the process. Dagster reads its switch from
# $DAGSTER_HOME/dagster.yaml, which orchestration/instance.py writes.
for _var, _value in (
    ("DBT_SEND_ANONYMOUS_USAGE_STATS", "false"),
    ("GX_ANALYTICS_ENABLED", "false"),
    ("DO_NOT_TRACK", "1"),
):
    os.environ.setdefault(_var, _value)


@dataclass(frozen=True)
class Paths:
    home: Path

    @property
    def landing(self) -> Path:
        return self.home / "landing"

    @property
    def archive(self) -> Path:
        return self.home / "archive"

    @property
    def rejected(self) -> Path:
        """Files not loaded, each kept under its load id (archive/rejected/<load_id>/)."""
        return self.archive / "rejected"

    @property
    def tmp(self) -> Path:
        """Private copies, stage files and DuckDB's spill files."""
        return self.home / "tmp"

    @property
    def warehouse(self) -> Path:
        return self.home / "warehouse.duckdb"

    @property
    def lock(self) -> Path:
        """Held by the one run writing the warehouse (orchestration.resources.warehouse_lock)."""
        return self.home / "warehouse.lock"

    @property
    def published(self) -> Path:
        return self.home / "published"

    @property
    def docs(self) -> Path:
        return self.home / "docs"

    @property
    def dbt_target(self) -> Path:
        """Where the Dagster job's `dbt build` writes manifest.json and run_results.json; publish,
        trace and lineage read them from here."""
        return self.home / "dbt" / "target"

    @property
    def dbt_manifest(self) -> Path:
        """The parsed manifest Dagster loads its dbt assets from (re-parsed when the project
        changes)."""
        return self.home / "dbt" / "manifest"

    @property
    def dbt_logs(self) -> Path:
        return self.home / "dbt" / "logs"

    @property
    def dbt_docs(self) -> Path:
        """The `dbt docs generate` site (offline)."""
        return self.home / "docs" / "dbt"

    @property
    def lineage(self) -> Path:
        """OpenLineage event files, one folder per run."""
        return self.home / "lineage"

    @property
    def lake(self) -> Path:
        """Parquet copies of what the Spark engine reads: lake/raw/<kind>/<load_id>.parquet, one
        file per accepted batch (ingest/lake.py), and lake/ops/<table>/, the ops tables as of the
        last Spark build."""
        return self.home / "lake"

    @property
    def spark(self) -> Path:
        """The Spark engine's own state: its table files (spark/warehouse), its metastore
        (spark/metastore_db) and the core/marts/audit relations a build exported for publishing
        (spark/built, orchestration/spark_engine.py)."""
        return self.home / "spark"

    @property
    def dagster_home(self) -> Path:
        """DAGSTER_HOME of this warehouse (orchestration/instance.py prepares it)."""
        return self.home / "dagster"

    def ensure(self) -> "Paths":
        for p in (self.home, self.landing, self.archive):
            p.mkdir(parents=True, exist_ok=True)
        return self


def paths(home: "str | os.PathLike | Paths | None" = None) -> Paths:
    """The one way a home becomes Paths: the given home (a path or Paths), else PBK_HOME (env var),
    else `.pbk/` in the working directory; always absolute (dbt runs in dbt_project/)."""
    if isinstance(home, Paths):
        return home if home.home.is_absolute() else Paths(home.home.resolve())
    root = Path(home or os.environ.get("PBK_HOME") or ".pbk")
    return Paths(root.resolve())
