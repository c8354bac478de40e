"""Which engine builds the dbt project (docs/spark.md): DuckDB (the default, dbt-duckdb on the
warehouse file) or Apache Spark (dbt-spark, target `spark` of dbt_project/profiles.yml), chosen
per run (`pbk run --engine spark`, the warehouse resource's `engine` in the Dagster launchpad) or
by PBK_ENGINE.

Ingest, the load log, the quarantine and the rule results are DuckDB's on both engines. Around a
Spark build:
- before: the lake is brought level with raw (ingest.lake.sync), the ops tables are copied to it,
  and the Parquet folders with their columns are handed to dbt (PBK_SPARK_LAKE_TABLES) for the
  on-run-start hook that registers them as the sources;
- after: dbt's on-run-end hook has written every core and marts relation to
  $PBK_HOME/spark/built/<schema>/<name>/; the warehouse file gets a view over each folder, so the
  mart checks, the publish, `pbk trace` and `pbk status` read the Spark build exactly as they read
  a DuckDB one.
- audit.* are views of the ops tables, which only DuckDB holds as they stand: the Spark build
  builds and tests them over the copy made before it, but what is published must include this
  run's mart checks, which come after dbt. So the audit models are also run on the DuckDB target
  (`dbt run --select audit`, a few seconds), as views over ops that the publish reads.
"""
from __future__ import annotations

import json
import os

from base.settings import Paths
from base.sql import quote_ident, sql_literal

ENGINES = ("duckdb", "spark")
ENGINE_ENV = "PBK_ENGINE"
LAKE_TABLES_ENV = "PBK_SPARK_LAKE_TABLES"
BUILT_SCHEMAS = ("core", "marts")   # exported by the Spark build (macros/spark_sources.sql)


def default_engine() -> str:
    return check_engine(os.environ.get(ENGINE_ENV) or "duckdb")


def check_engine(engine: str) -> str:
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)} "
                         f"(the dbt targets of dbt_project/profiles.yml)")
    return engine


def dbt_target_args(engine: str) -> list[str]:
    """The dbt target of the engine (profiles.yml names them after the engines)."""
    return ["--target", check_engine(engine)]


def before_build(p: Paths, engine: str) -> dict | None:
    """Spark: the lake level with raw and the ops tables copied; returns what sync did."""
    if engine != "spark":
        return None
    from ingest import lake
    from ingest.raw_tables import connect

    con = connect(p)
    try:
        synced = lake.sync(con, p)
        lake.export_ops(con, p)
        os.environ[LAKE_TABLES_ENV] = json.dumps(lake.spark_tables(con, p))
    finally:
        con.close()
    return synced


def built_dir(p: Paths):
    return p.spark / "built"


def after_build(p: Paths, engine: str) -> list[str]:
    """Spark: a view in the warehouse file over each relation the build exported (replacing the
    table a DuckDB build left under that name), and the audit views built on DuckDB. Returns
    'schema.name' of each mirrored relation."""
    if engine != "spark":
        return []
    from ingest.raw_tables import connect

    con = connect(p)
    mirrored = []
    try:
        existing = dict(((s, n), t) for s, n, t in con.execute(
            "SELECT table_schema, table_name, table_type FROM information_schema.tables "
            "WHERE table_catalog = current_database()").fetchall())
        for schema in BUILT_SCHEMAS:
            folder = built_dir(p) / schema
            if not folder.is_dir():
                continue
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            for relation in sorted(d for d in folder.iterdir() if any(d.glob("*.parquet"))):
                name = f"{schema}.{quote_ident(relation.name)}"
                if existing.get((schema, relation.name)) == "BASE TABLE":
                    con.execute(f"DROP TABLE {name}")
                con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM "
                            f"read_parquet({sql_literal(str(relation / '*.parquet'))})")
                mirrored.append(f"{schema}.{relation.name}")
    finally:
        con.close()
    from base.dbt import invoke

    invoke(p, ["run", "--select", "audit", *dbt_target_args("duckdb")],
           target=p.home / "dbt" / "target-audit")
    return mirrored
