"""The trace itself: select the mart rows matching the keys, then every core fact line behind them
(each fact row carries `_load_id`, `_source_file`, `_source_sha256`, `_source_row`), and reconcile:
the sum of the traced lines against the mart's amount columns (exact, decimals), and the mart's
ratios recomputed from the traced sums (ratios.py). Keys are bound as query parameters; column
names are checked against the mart's catalog, never pasted from the command line.

By default the trace reads the published copy ($PBK_HOME/published/pbk.duckdb), which never
blocks the nightly run; `warehouse=True` reads warehouse.duckdb (read-only) and `db=` any copy.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from base.settings import paths
from base.sql import quote_ident
from base.warehouse_file import open_duckdb
from serving.published_versions import DB_NAME, current_version_dir
from .marts import MARTS
from .source_files import verify_sources

MAX_LINES = 200_000       # a trace is for a figure, not a whole national year: narrow the keys


def _leading_zero_hint(con, table: str, keys: dict, types: dict) -> str:
    """When a code given without its leading zeros exists with them (10404 for 010404: a
    spreadsheet read the code as a number), say so."""
    hints = []
    for col, value in keys.items():
        if value is None or types.get(col) != "VARCHAR" or not str(value).isdigit():
            continue
        found = [r[0] for r in con.execute(
            f"SELECT DISTINCT {quote_ident(col)} FROM marts.{quote_ident(table)} "
            f"WHERE {quote_ident(col)} <> ? AND ltrim({quote_ident(col)}, '0') = ltrim(?, '0') "
            f"ORDER BY 1 LIMIT 3", [value, value]).fetchall()]
        if found:
            hints.append(f"{col}={', '.join(found)} exists: leading zero(s) lost in {value!r} "
                         "(a spreadsheet reads codes as numbers)? try --key "
                         f"{col}={found[0]}")
    return "; " + "; ".join(hints) if hints else ""


class TraceError(ValueError):
    """The request cannot be traced (unknown mart or column, missing key, no matching row)."""


@dataclass
class TraceResult:
    mart: str
    database: str
    keys: dict
    rows: list[dict]
    lines: list[dict]
    reconciliation: list[dict]
    checks: list[dict]
    files: list[dict]
    note: str = ""
    published_version: str | None = None
    sides: dict[str, str] = field(default_factory=dict)
    total: dict = field(default_factory=dict)     # the figure over all selected rows

    @property
    def reconciled(self) -> bool:
        """The figures add up, every check passes, and no archived source file was found
        altered (--verify-source): an auditor cannot rely on lines whose file does not match."""
        return (all(r["ok"] for r in self.reconciliation) and all(c["ok"] for c in self.checks)
                and not any(f.get("sha256_verified") is False for f in self.files))

    def as_dict(self) -> dict:
        return {"mart": self.mart, "database": self.database,
                "published_version": self.published_version, "keys": self.keys,
                "reconciled": self.reconciled, "note": self.note, "rows": self.rows,
                "total": self.total, "reconciliation": self.reconciliation,
                "checks": self.checks, "files": self.files,
                "sides": self.sides, "lines": self.lines}


def _coerce(value: str | None, data_type: str, column: str):
    if value is None:
        return None
    t = data_type.upper()
    try:
        if t in ("INTEGER", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT", "UINTEGER"):
            return int(value)
        if t.startswith("DECIMAL"):
            return Decimal(value)
        if t in ("DOUBLE", "FLOAT", "REAL"):
            return float(value)
        if t == "BOOLEAN":
            if value.lower() in ("true", "t", "1", "yes"):
                return True
            if value.lower() in ("false", "f", "0", "no"):
                return False
            raise ValueError(value)
        if t == "DATE":
            return dt.date.fromisoformat(value)
    except (ValueError, ArithmeticError):
        raise TraceError(f"--key {column}={value}: not a valid {data_type}") from None
    return value


def _records(cur) -> list[dict]:
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def trace(con, mart: str, keys: dict[str, str | None], *, home: Path | None = None,
          database: str = "", published_version: str | None = None,
          max_lines: int | None = MAX_LINES) -> TraceResult:
    """Trace the rows of marts.<mart> matching `keys` (column -> text value, None = NULL).
    Raises TraceError when the selection has more than `max_lines` source lines (None: no limit)."""
    mart = mart.removeprefix("marts.")
    spec = MARTS.get(mart)
    if spec is None:
        raise TraceError(f"cannot trace {mart!r}: supported marts are {', '.join(sorted(MARTS))}")
    types = dict(con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'marts' AND table_name = ? ORDER BY ordinal_position",
        [spec.table]).fetchall())
    if not types:
        raise TraceError(f"marts.{spec.table} does not exist in {database or 'the database'}")
    missing = [k for k in spec.required if k not in keys]
    if missing:
        raise TraceError(f"{spec.table} needs --key {' --key '.join(f'{k}=...' for k in missing)}")
    where, params = [], []
    for col, value in keys.items():
        if col not in types:
            raise TraceError(f"{spec.table} has no column {col!r} (columns: {', '.join(types)})")
        v = _coerce(value, types[col], col)
        if v is None:
            where.append(f"{quote_ident(col)} IS NULL")
        else:
            where.append(f"{quote_ident(col)} = ?")
            params.append(v)
    cte = f"WITH m AS (SELECT * FROM marts.{quote_ident(spec.table)} WHERE {' AND '.join(where)}) "
    rows = _records(con.execute(cte + "SELECT * FROM m ORDER BY ALL", params))
    if not rows:
        raise TraceError(f"no row of {spec.table} matches "
                         + ", ".join(f"{k}={v if v is not None else 'NULL'}" for k, v in keys.items())
                         + _leading_zero_hint(con, spec.table, keys, types))
    by_key = {r[spec.row_key]: r for r in rows}
    side_sql = {side.name: side.sql.replace("{row_key}", spec.row_key) for side in spec.sides}
    if max_lines is not None:
        total = sum(con.execute(cte + f"SELECT count(*) FROM ({sql})", params).fetchone()[0]
                    for sql in side_sql.values())
        if total > max_lines:
            raise TraceError(f"{len(rows):,} rows of {spec.table} with {total:,} source lines, "
                             f"more than {max_lines:,}: add keys (e.g. work_unit_code) or raise "
                             "--max-lines")
    lines: list[dict] = []
    for side in spec.sides:
        sql = cte + side_sql[side.name] + " ORDER BY x._source_file, x._source_row, x._load_id"
        for ln in _records(con.execute(sql, params)):
            ln["side"] = side.name
            lines.append(ln)

    reconciliation = []
    for ms in spec.measures:
        mart_sum = _sum_mart(rows, ms.mart_column)
        traced = [ln for ln in lines if ln["side"] == ms.side
                  and (ms.only is None or ms.only(ln, by_key[ln["row_key"]]))]
        traced_sum = _sum_values(ln[ms.value] for ln in traced)
        if traced_sum is None and isinstance(mart_sum, Decimal):
            traced_sum = mart_sum - mart_sum      # no line: zero, in the mart's scale
        if ms.digits is not None and traced_sum is not None:
            traced_cmp = round(float(traced_sum), ms.digits)
            ok = mart_sum is not None and round(float(mart_sum), ms.digits) == traced_cmp
        else:
            ok = _zero_if_none(mart_sum) == _zero_if_none(traced_sum)
        diff = None
        if mart_sum is not None or traced_sum is not None:
            diff = _zero_if_none(mart_sum) - _zero_if_none(traced_sum)
            if ms.digits is not None:
                diff = round(float(diff), ms.digits)
        reconciliation.append({"measure": ms.label or ms.mart_column, "mart_column": ms.mart_column,
                               "side": ms.side, "mart": mart_sum, "traced": traced_sum,
                               "difference": diff, "lines": len(traced), "ok": ok})
    checks = spec.derived(con, rows, lines) if spec.derived else []
    files = _files(lines, home)
    total = {c: _sum_mart(rows, c) for c in spec.summable}
    if spec.total:
        total.update(spec.total(total))
    return TraceResult(spec.table, database, keys, rows, lines, reconciliation, checks, files,
                       spec.note, published_version, {s.name: s.title for s in spec.sides}, total)


def _zero_if_none(v):
    return 0 if v is None else v


def _sum_mart(rows, column):
    values = [r[column] for r in rows if r[column] is not None]
    return _sum_values(values) if values else None


def _sum_values(values):
    total = None
    for v in values:
        if v is None:
            continue
        total = v if total is None else total + v
    return total


def _files(lines: list[dict], home: Path | None) -> list[dict]:
    seen: dict[tuple, dict] = {}
    for ln in lines:
        key = (ln["_source_file"], ln["_source_sha256"], ln["_load_id"])
        if key not in seen:
            archived = None
            if home is not None:
                candidate = paths(home).archive / ln["_load_id"] / ln["_source_file"]
                archived = str(candidate) if candidate.exists() else None
            seen[key] = {"source_file": ln["_source_file"], "sha256": ln["_source_sha256"],
                         "load_id": ln["_load_id"], "archived_file": archived, "lines": 0}
        seen[key]["lines"] += 1
    return sorted(seen.values(), key=lambda f: (f["source_file"], f["load_id"]))


# --------------------------------------------------------------------------------------------
# opening the right database


def resolve_database(home: Path, db: str | None = None, warehouse: bool = False
                     ) -> tuple[Path, str | None]:
    """(database file, published version or None). Default: the published copy (the version
    current now, resolved once), else the warehouse."""
    if db:
        return Path(db), None
    if not warehouse:
        current = current_version_dir(home)
        if current is not None:
            return current / DB_NAME, current.name
    return paths(home).warehouse, None


def run_trace(home: Path, mart: str, keys: dict, *, db: str | None = None, warehouse: bool = False,
              verify: bool = False, max_lines: int | None = MAX_LINES) -> TraceResult:
    import duckdb

    path, version = resolve_database(home, db, warehouse)
    if not path.exists():
        raise TraceError(f"no database at {path}: run the pipeline (pbk run / pbk demo) first")
    try:
        con = open_duckdb(path, read_only=True)
    except duckdb.IOException as exc:
        raise TraceError(f"cannot open {path} read-only ({exc}); the warehouse is busy during a run: "
                         "trace the published copy (the default) instead") from None
    try:
        result = trace(con, mart, keys, home=home, database=str(path), published_version=version,
                       max_lines=max_lines)
    finally:
        con.close()
    if verify:
        verify_sources(result)
    return result
