"""The warehouse as the loader writes it: the connection (memory bound, spill directory) and the
tables it writes to, created and brought up to date on every read-write connection: the ops schema
(load log, quarantine, rule results) and one raw.<kind> table per extract contract (DDL:
contracts.raw_table_ddl)."""
from __future__ import annotations

import os
from pathlib import Path

import duckdb

from .contracts import CONTRACTS, SQL_TYPES, raw_table_ddl
from base.settings import Paths, paths as default_paths
from base.sql import quote_ident, sql_literal
from base.warehouse_file import open_duckdb
from expectations.schema import DQ_RESULTS_DDL


OPS_DDL = [
    "CREATE SCHEMA IF NOT EXISTS raw",
    "CREATE SCHEMA IF NOT EXISTS ops",
    """CREATE TABLE IF NOT EXISTS ops.load_log (
        load_id VARCHAR, source_file VARCHAR, source_path VARCHAR, source_sha256 VARCHAR,
        kind VARCHAR, status VARCHAR, rows_read BIGINT, rows_loaded BIGINT,
        rows_quarantined BIGINT, bytes BIGINT, seconds DOUBLE, message VARCHAR,
        file_format VARCHAR, started_at TIMESTAMP, finished_at TIMESTAMP, archived_to VARCHAR,
        scope VARCHAR)""",
    # Money is accounted like rows (to hold against the OM-SPAN or SIPD total): amount_read =
    # amount_loaded + amount_quarantined; rows whose amount does not parse are counted apart.
    "ALTER TABLE ops.load_log ADD COLUMN IF NOT EXISTS amount_read DECIMAL(38,2)",
    "ALTER TABLE ops.load_log ADD COLUMN IF NOT EXISTS amount_loaded DECIMAL(38,2)",
    "ALTER TABLE ops.load_log ADD COLUMN IF NOT EXISTS amount_quarantined DECIMAL(38,2)",
    "ALTER TABLE ops.load_log ADD COLUMN IF NOT EXISTS rows_amount_unparsed BIGINT",
    # CSV: the encoding the file was read in (the evidence is in the message)
    "ALTER TABLE ops.load_log ADD COLUMN IF NOT EXISTS encoding VARCHAR",
    # distinct combinations of the kind's coverage columns in the batch (ingest/contracts.py)
    "ALTER TABLE ops.load_log ADD COLUMN IF NOT EXISTS coverage_cells BIGINT",
    """CREATE TABLE IF NOT EXISTS ops.quarantine (
        load_id VARCHAR, source_file VARCHAR, source_row BIGINT, kind VARCHAR, field VARCHAR,
        value VARCHAR, rule VARCHAR, reason VARCHAR, raw_values JSON, quarantined_at TIMESTAMP)""",
    # the row's Rupiah (kinds accounted in money, ingest/load_log.py MONEY_COLUMNS) when it parsed:
    # the quarantine's amount per rule and file, as the load log's amount_quarantined per file
    "ALTER TABLE ops.quarantine ADD COLUMN IF NOT EXISTS amount DECIMAL(38,2)",
]


def connect(p: Paths, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    p.ensure()
    con = open_duckdb(p.warehouse, read_only=read_only)
    p.tmp.mkdir(exist_ok=True)
    # Bounded memory: DuckDB spills to disk beyond this, so national files stay within ~3 GB RSS.
    con.execute(f"SET memory_limit = '{os.environ.get('PBK_DUCKDB_MEMORY', '2GB')}'")
    con.execute(f"SET temp_directory = {sql_literal(str(p.tmp))}")
    con.execute("SET preserve_insertion_order = true")  # staged rows keep file order
    if not read_only:
        for ddl in OPS_DDL + [DQ_RESULTS_DDL]:
            con.execute(ddl)
        create_raw_tables(con)
    return con


def create_raw_tables(con) -> None:
    """Every raw.<kind> table of the contracts, so downstream sources never miss one."""
    for kind in CONTRACTS:
        con.execute(raw_table_ddl(kind))
    # a warehouse made before a contract gained an optional column gets it (NULL in old rows)
    existing = dict(((t, c), ty) for t, c, ty in con.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'raw'").fetchall())
    for kind, contract in CONTRACTS.items():
        for column in contract.columns:
            sql_type = SQL_TYPES[column.type]
            if (kind, column.name) not in existing:
                con.execute(f"ALTER TABLE raw.{kind} ADD COLUMN {quote_ident(column.name)} "
                            f"{sql_type}")
            elif column.type == "amount" and existing[(kind, column.name)] != sql_type:
                # amounts widened from DECIMAL(18,2): every old value fits
                con.execute(f"ALTER TABLE raw.{kind} ALTER COLUMN {quote_ident(column.name)} "
                            f"TYPE {sql_type}")


def ensure_raw_tables(home: Paths | Path | str | None = None) -> None:
    """The warehouse with every raw and ops table, for callers that run dbt before any file was
    loaded (dbt sources must resolve)."""
    connect(default_paths(home)).close()
