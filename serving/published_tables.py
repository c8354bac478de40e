"""The tables of one published version.

Every table of `core` and `marts` becomes one Parquet file, `parquet/<schema>/<table>.parquet`.
A table whose content has not changed since the previous version (same fingerprint: row count,
an order-independent hash of every row, column names and types, the DuckDB that hashed it; for a
view, its definitions and the fingerprints of the tables it reads) is not written again: its file is a hard link to the previous version's file, so a nightly that only
changes the facts and the marts writes only those, and versions share the disk of what they have
in common. Versions stay independent all the same: a file is never modified once written (read-only),
and pruning a version removes its directory entries only.

`pbk.duckdb` then describes the tables over those files, as one of (PBK_PUBLISH_DATABASE):

* `views` (default): one view per table reading this version's Parquet file by absolute path; the
  file is a few hundred kB and written in a second. Readers must see the files at the same path
  (the same machine, or `$PBK_HOME/published` mounted at the same path).
* `tables`: a full DuckDB copy of every table (read back from the Parquet files), for readers on
  another machine that open `pbk.duckdb` alone; it costs a full copy every publish.

Either way the Parquet files and `pbk.duckdb` hold exactly the same rows, and the dbt descriptions
become table and column comments.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from base.files import sha256_file
from base.sql import quote_ident, sql_literal

DATABASE_MODES = ("views", "tables")
DEFAULT_DATABASE_MODE = "views"
# DuckDB writes HUGEINT to Parquet as DOUBLE (digits lost past 2^53); DECIMAL(38,0) keeps them
PARQUET_SAFE_TYPES = {"HUGEINT": "DECIMAL(38,0)"}


def database_mode(explicit: str | None = None) -> str:
    """What pbk.duckdb holds: `explicit`, else PBK_PUBLISH_DATABASE, else views."""
    raw = (explicit or os.environ.get("PBK_PUBLISH_DATABASE") or DEFAULT_DATABASE_MODE).strip()
    if raw not in DATABASE_MODES:
        raise ValueError(f"PBK_PUBLISH_DATABASE={raw!r}: must be one of {', '.join(DATABASE_MODES)}")
    return raw


@dataclass
class PublishedTable:
    schema: str
    table: str
    parquet: Path          # relative to the version directory
    fingerprint: dict
    sha256: str
    written_in: str        # the version that wrote the file (this one, or an earlier one shared)
    version: str           # the version this table is published in

    @property
    def name(self) -> str:
        return f"{self.schema}.{self.table}"

    @property
    def shared(self) -> bool:
        return self.written_in != self.version

    def manifest_entry(self) -> dict:
        return {"rows": self.fingerprint["rows"], "parquet": str(self.parquet),
                "sha256": self.sha256, "fingerprint": self.fingerprint,
                "written_in": self.written_in}


def columns_of(con, catalog: str, schema: str, table: str) -> list[tuple[str, str]]:
    return [tuple(r) for r in con.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_catalog = ? "
        "AND table_schema = ? AND table_name = ? ORDER BY ordinal_position",
        [catalog, schema, table]).fetchall()]


def is_view(con, catalog: str, schema: str, table: str) -> bool:
    return con.execute(
        "SELECT table_type = 'VIEW' FROM information_schema.tables WHERE table_catalog = ? "
        "AND table_schema = ? AND table_name = ?", [catalog, schema, table]).fetchone()[0]


def fingerprint(con, catalog: str, schema: str, table: str) -> dict:
    """What decides whether a table changed: rows, the sum and xor of the hash of every row (so row
    order does not matter), columns and types, and the DuckDB whose hash() it is.

    A view (core.fact_realization, core.fact_budget: the raw lines, their md5 keys computed as
    they are read) is fingerprinted by what it is made of instead: its rows, its definition and
    that of every view it reads, and the fingerprint of every table those read. Hashing the view
    itself would compute its keys for every line only to find, most nights, that the budget has
    not changed."""
    import duckdb

    q = f"{quote_ident(catalog)}.{quote_ident(schema)}.{quote_ident(table)}"
    columns = [list(c) for c in columns_of(con, catalog, schema, table)]
    if is_view(con, catalog, schema, table):
        definitions, stored = _view_inputs(con, catalog, schema, table)
        rows = con.execute(f"SELECT count(*) FROM {q}").fetchone()[0]
        return {"rows": rows, "definition": definitions,
                "inputs": {f"{s}.{t}": fingerprint(con, catalog, s, t) for s, t in sorted(stored)},
                "columns": columns, "hashed_by": f"duckdb {duckdb.__version__}"}
    rows, hash_sum, hash_xor = con.execute(
        f"SELECT count(*), CAST(coalesce(sum(hash(t)), 0) AS VARCHAR), "
        f"CAST(coalesce(bit_xor(hash(t)), 0) AS VARCHAR) FROM {q} AS t").fetchone()
    return {"rows": rows, "row_hash": f"{hash_sum}:{hash_xor}", "columns": columns,
            "hashed_by": f"duckdb {duckdb.__version__}"}


def _view_inputs(con, catalog: str, schema: str, view: str) -> tuple[str, set[tuple[str, str]]]:
    """The sha256 of the definitions of `view` and every view it reads (recursively), and the
    (schema, table) of every table they read. The relations a view reads are the catalog's
    relations its SQL names (DuckDB keeps no dependency list for views)."""
    import hashlib
    import re

    relations = {(s, t): kind for s, t, kind in con.execute(
        "SELECT table_schema, table_name, table_type FROM information_schema.tables "
        "WHERE table_catalog = ?", [catalog]).fetchall()}
    name = re.compile(r'"?([A-Za-z_][A-Za-z0-9_]*)"?\s*\.\s*"?([A-Za-z_][A-Za-z0-9_]*)"?')
    seen, stored, texts, todo = set(), set(), [], [(schema, view)]
    while todo:
        rel = todo.pop()
        if rel in seen:
            continue
        seen.add(rel)
        sql = con.execute("SELECT sql FROM duckdb_views() WHERE database_name = ? AND schema_name = ? "
                          "AND view_name = ?", [catalog, *rel]).fetchone()[0]
        texts.append(f"{rel[0]}.{rel[1]}: {sql}")
        for s, t in set(name.findall(sql)):
            kind = relations.get((s, t))
            if kind == "VIEW":
                todo.append((s, t))
            elif kind is not None:
                stored.add((s, t))
    return hashlib.sha256("\n".join(sorted(texts)).encode()).hexdigest(), stored


def write_tables(con, catalog: str, tables, staging: Path, version: str,
                 previous_dir: Path | None, previous_manifest: dict | None) -> list[PublishedTable]:
    """The Parquet file of every table in `staging`: a hard link to the previous version's file when
    the table's fingerprint is unchanged, else written from the warehouse (Snappy: the codec every
    Parquet reader, Power BI, Excel and Tableau included, supports)."""
    before = (previous_manifest or {}).get("tables", {})
    out = []
    for schema, table in tables:
        rel = Path("parquet") / schema / f"{table}.parquet"
        target = staging / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        fp = fingerprint(con, catalog, schema, table)
        earlier = before.get(f"{schema}.{table}")
        if earlier and earlier.get("fingerprint") == fp and previous_dir is not None \
                and _link(previous_dir / earlier["parquet"], target):
            out.append(PublishedTable(schema, table, rel, fp, earlier["sha256"],
                                      earlier.get("written_in", previous_dir.name), version))
            continue
        _write_parquet(con, catalog, schema, table, target)
        out.append(PublishedTable(schema, table, rel, fp, sha256_file(target), version, version))
    return out


def _write_parquet(con, catalog: str, schema: str, table: str, target: Path) -> None:
    select = ", ".join(_parquet_safe(name, dtype) for name, dtype in columns_of(con, catalog, schema, table))
    con.execute(f"COPY (SELECT {select} FROM {quote_ident(catalog)}.{quote_ident(schema)}."
                f"{quote_ident(table)}) TO {sql_literal(target)} "
                f"(FORMAT parquet, COMPRESSION snappy)")
    os.chmod(target, 0o444)


def _link(source: Path, target: Path) -> bool:
    """Hard-link an unchanged file from the previous version; False (write it) when not possible."""
    try:
        os.link(source, target)
        return True
    except OSError:   # gone, or another file system: the table is written instead
        return False


def _parquet_safe(name: str, dtype: str) -> str:
    q = quote_ident(name)
    safe = PARQUET_SAFE_TYPES.get(dtype)
    return f"CAST({q} AS {safe}) AS {q}" if safe else q


def describe_tables(con, db_alias: str, published: list[PublishedTable], version_dir: Path,
                    mode: str, descriptions: dict[str, dict]) -> None:
    """Create in the attached `db_alias` one view (or table) per published table over its Parquet
    file under `version_dir` (the version's final path), with the warehouse's column types and
    the dbt descriptions as comments."""
    kind = "VIEW" if mode == "views" else "TABLE"
    for schema in sorted({t.schema for t in published}):
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {db_alias}.{quote_ident(schema)}")
    for t in published:
        path = sql_literal(version_dir / t.parquet)
        stored = dict(tuple(r[:2]) for r in con.execute(
            f"DESCRIBE SELECT * FROM read_parquet({path})").fetchall())
        select = ", ".join(
            quote_ident(name) if stored.get(name) == dtype
            else f"CAST({quote_ident(name)} AS {dtype}) AS {quote_ident(name)}"
            for name, dtype in t.fingerprint["columns"])
        q = f"{db_alias}.{quote_ident(t.schema)}.{quote_ident(t.table)}"
        con.execute(f"CREATE {kind} {q} AS SELECT {select} FROM read_parquet({path})")
        doc = descriptions.get(t.name)
        if not doc:
            continue
        if doc["description"]:
            con.execute(f"COMMENT ON {kind} {q} IS {sql_literal(doc['description'])}")
        names = {name for name, _ in t.fingerprint["columns"]}
        for col, text in doc["columns"].items():
            if text and col in names:
                con.execute(f"COMMENT ON COLUMN {q}.{quote_ident(col)} IS {sql_literal(text)}")
