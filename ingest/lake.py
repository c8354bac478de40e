"""The raw batches as Parquet, for the Spark engine (docs/spark.md): $PBK_HOME/lake/raw/<kind>/
<load_id>.parquet, one file per accepted batch, written by the loader beside the raw.<kind> rows.
A new batch adds a file and never rewrites one (raw is append-only). The load log, the quarantine
and the rule results stay in DuckDB; `export_ops` copies them to lake/ops/ for a Spark build (the
audit models read them).

Files become visible only whole: a batch is written to a dot-named temporary file (Spark, DuckDB
and Hive skip names starting with '.' or '_') inside the load's transaction and renamed to its
final name after the commit. A load killed before the commit leaves only a hidden file, which
`sync` removes; one killed between the commit and the rename leaves a batch without its file,
which `sync` writes (it runs before every Spark build, so the lake always equals raw).
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from base.files import fsync_path
from base.settings import Paths
from base.sql import sql_literal

from .contracts import KINDS

OPS_TABLES = ("load_log", "quarantine", "dq_results")
_TMP_PREFIX = ".tmp-"


def raw_dir(p: Paths, kind: str) -> Path:
    return p.lake / "raw" / kind


def batch_file(p: Paths, kind: str, load_id: str) -> Path:
    return raw_dir(p, kind) / f"{load_id}.parquet"


def write_batch(con, p: Paths, kind: str, load_id: str) -> Path:
    """The batch's rows of raw.<kind> (uncommitted rows of this connection's transaction
    included) to a hidden temporary file; `show_batch` renames it once the load committed."""
    folder = raw_dir(p, kind)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f"{_TMP_PREFIX}{load_id}.parquet"
    con.execute(f"COPY (SELECT * FROM raw.{kind} WHERE _load_id = ? ORDER BY _source_row) "
                f"TO {sql_literal(tmp)} (FORMAT parquet, COMPRESSION zstd)", [load_id])
    fsync_path(tmp)
    return tmp


def show_batch(tmp: Path) -> Path:
    """Rename a written batch to its final name (atomic on one file system)."""
    final = tmp.with_name(tmp.name[len(_TMP_PREFIX):])
    os.replace(tmp, final)
    fsync_path(final.parent)
    return final


def discard_batch(tmp: Path | None) -> None:
    if tmp is not None:
        tmp.unlink(missing_ok=True)


def sync(con, p: Paths) -> dict[str, int]:
    """Make the lake equal raw: write the file of every batch in raw.<kind> that has none (loaded
    before the lake existed, or killed between commit and rename), remove hidden leftovers and any
    file whose batch is not in raw. Returns {"written": n, "removed": n}."""
    written = removed = 0
    for kind in KINDS:
        folder = raw_dir(p, kind)
        folder.mkdir(parents=True, exist_ok=True)
        in_raw = {r[0] for r in con.execute(f"SELECT DISTINCT _load_id FROM raw.{kind}").fetchall()}
        on_disk = {}
        for f in folder.iterdir():
            if f.name.startswith(_TMP_PREFIX) or not f.name.endswith(".parquet"):
                f.unlink()
                removed += 1
            else:
                on_disk[f.name[:-len(".parquet")]] = f
        for load_id, f in on_disk.items():
            if load_id not in in_raw:
                f.unlink()
                removed += 1
        for load_id in sorted(in_raw - on_disk.keys()):
            show_batch(write_batch(con, p, kind, load_id))
            written += 1
    return {"written": written, "removed": removed}


def export_ops(con, p: Paths) -> None:
    """ops.load_log, ops.quarantine and ops.dq_results as of now to lake/ops/<table>/ (each folder
    replaced whole: written beside it, then swapped in)."""
    root = p.lake / "ops"
    root.mkdir(parents=True, exist_ok=True)
    for table in OPS_TABLES:
        final = root / table
        tmp = root / f"{_TMP_PREFIX}{table}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        con.execute(f"COPY ops.{table} TO {sql_literal(tmp / 'data.parquet')} (FORMAT parquet)")
        old = root / f"{_TMP_PREFIX}{table}.old"
        shutil.rmtree(old, ignore_errors=True)
        if final.exists():
            os.replace(final, old)
        os.replace(tmp, final)
        shutil.rmtree(old, ignore_errors=True)


# DuckDB column types as Spark SQL types (Spark reads DuckDB's TIMESTAMP, without time zone, as
# TIMESTAMP_NTZ; JSON is text in Parquet).
_SPARK_TYPES = {"VARCHAR": "string", "JSON": "string", "INTEGER": "int", "BIGINT": "bigint",
                "DOUBLE": "double", "DATE": "date", "TIMESTAMP": "timestamp_ntz",
                "BOOLEAN": "boolean"}


def spark_type(duckdb_type: str) -> str:
    decimal = re.fullmatch(r"DECIMAL\((\d+),\s*(\d+)\)", duckdb_type)
    if decimal:
        return f"decimal({decimal[1]},{decimal[2]})"
    return _SPARK_TYPES[duckdb_type]


def spark_tables(con, p: Paths) -> dict[str, dict]:
    """What a Spark build registers (dbt_project/macros/spark_sources.sql): 'raw.<kind>' and
    'ops.<table>' -> {"location": folder, "columns": [[name, spark type], ...]}, the columns as the
    warehouse defines them."""
    out = {}
    wanted = [("raw", k, raw_dir(p, k)) for k in KINDS] + \
             [("ops", t, p.lake / "ops" / t) for t in OPS_TABLES]
    for schema, table, location in wanted:
        columns = con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
            [schema, table]).fetchall()
        out[f"{schema}.{table}"] = {"location": str(location),
                                    "columns": [[c, spark_type(t)] for c, t in columns]}
    return out
