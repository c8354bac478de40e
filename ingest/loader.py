"""Load extract files into raw.<kind> with lineage, quarantine, idempotency and one transaction per
file. See DESIGN.md "Extract contracts" and docs/extracts.md.

Flow per file: safety checks -> sha256 (duplicate?) -> stage text cells in a DuckDB temp table ->
map headers to the contract (kind detection, aliases, derivations) -> typed values + parse errors
in SQL -> one transaction: accepted rows into raw.<kind>, failures into ops.quarantine, a row in
ops.load_log. rows read = rows loaded + rows quarantined is asserted before the commit.
"""
from __future__ import annotations

import datetime as dt
import errno
import functools
import hashlib
import importlib
import json
import os
import re
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb

from base.rule_catalogue import CATALOGUE, PARSE_QUARANTINE_MESSAGES
from base.warehouse_file import open_duckdb
from . import normalise as N
from . import codes
from .contracts import (CODE_PARTS, CONTRACTS, SQL_TYPES, Contract, normalise_header,
                        raw_table_ddl)
from .errors import FileInFlight, FileRejected
from .intake import (IN_PROGRESS_SUFFIXES, Taken, printable, refusal, settle_seconds, take,
                     unsettled)
from .readers import (QUARANTINE_TEXT_LIMIT, Stage, file_format, stage_csv, stage_parquet,
                      stage_xlsx)
from base.settings import Paths, paths as default_paths
from expectations.schema import DQ_RESULTS_DDL
from base.files import fsync_path
from base.sql import sql_literal


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
    """CREATE TABLE IF NOT EXISTS ops.quarantine (
        load_id VARCHAR, source_file VARCHAR, source_row BIGINT, kind VARCHAR, field VARCHAR,
        value VARCHAR, rule VARCHAR, reason VARCHAR, raw_values JSON, quarantined_at TIMESTAMP)""",
]

EXIT_OK, EXIT_INTERNAL_ERROR, EXIT_REJECTED = 0, 1, 2
# The Rupiah column each kind's money is accounted by in ops.load_log
MONEY_COLUMNS = {"budget": "amount", "budget_plan": "planned_amount", "realization": "amount",
                 "cost_standard": "unit_cost"}
LOAD_LOG_COLUMNS = ("load_id", "source_file", "source_path", "source_sha256", "kind", "status",
                    "rows_read", "rows_loaded", "rows_quarantined", "bytes", "seconds", "message",
                    "file_format", "started_at", "finished_at", "archived_to", "scope",
                    "amount_read", "amount_loaded", "amount_quarantined", "rows_amount_unparsed",
                    "encoding")


@dataclass
class FileResult:
    file: str
    kind: str | None
    status: str                    # loaded / duplicate / rejected
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    reason: str | None = None
    load_id: str | None = None
    sha256: str | None = None
    bytes: int = 0
    seconds: float = 0.0
    archived_to: str | None = None
    quarantined_by_rule: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    warnings: list = field(default_factory=list)   # failed warn-severity rules
    scope: str | None = None                       # fiscal years in the batch
    # Rupiah of the kind's money column (MONEY_COLUMNS): read = loaded + quarantined, exactly
    amount_read: Decimal | None = None
    amount_loaded: Decimal | None = None
    amount_quarantined: Decimal | None = None
    rows_amount_unparsed: int | None = None        # rows whose amount is empty or not a number
    dq_seconds: float = 0.0                        # of `seconds`, spent in the GX suites
    internal_error: bool = False                   # the loader failed on it (a bug): set aside
    encoding: str | None = None                    # CSV: the encoding read (why: in notes)
    taken: Taken | None = field(default=None, repr=False, compare=False)

    def as_dict(self) -> dict:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "taken"}
        return {k: (dict(v) if isinstance(v, dict) else list(v) if isinstance(v, list) else v)
                for k, v in d.items()}


def connect(p: Paths, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    p.ensure()
    con = open_duckdb(p.warehouse, read_only=read_only)
    tmp = p.home / "tmp"
    tmp.mkdir(exist_ok=True)
    # Bounded memory: DuckDB spills to disk beyond this, so national files stay within ~3 GB RSS.
    con.execute(f"SET memory_limit = '{os.environ.get('PBK_DUCKDB_MEMORY', '2GB')}'")
    con.execute(f"SET temp_directory = {sql_literal(str(tmp))}")
    con.execute("SET preserve_insertion_order = true")  # staged rows keep file order
    if not read_only:
        for ddl in OPS_DDL + [DQ_RESULTS_DDL]:
            con.execute(ddl)
        # every raw table exists from the start, so downstream sources never miss one
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
                    con.execute(f'ALTER TABLE raw.{kind} ADD COLUMN "{column.name}" {sql_type}')
                elif column.type == "amount" and existing[(kind, column.name)] != sql_type:
                    # amounts widened from DECIMAL(18,2): every old value fits
                    con.execute(f'ALTER TABLE raw.{kind} ALTER COLUMN "{column.name}" '
                                f"TYPE {sql_type}")
    return con


def _fault_pause_before_commit() -> None:
    """Fault injection for the atomicity test: with PBK_FAULT_PAUSE_BEFORE_COMMIT=<flag file>, the
    loader signals that the batch is written but not committed, then waits to be killed."""
    flag = os.environ.get("PBK_FAULT_PAUSE_BEFORE_COMMIT")
    if flag:
        Path(flag).touch()
        time.sleep(120)


def _fault_crash_on(name: str) -> None:
    """Fault injection for the poison-file test: PBK_FAULT_CRASH_ON=<file name> makes the loader
    fail on that file as a bug would."""
    if os.environ.get("PBK_FAULT_CRASH_ON") == name:
        raise RuntimeError(f"injected loader fault on {name}")


def _fault_disk_full_after() -> int | None:
    """Fault injection for the disk-full test: PBK_FAULT_ARCHIVE_FULL_AFTER=<bytes> makes the
    archive copy fail with ENOSPC past that many bytes, as a disk filling up mid-copy does."""
    limit = os.environ.get("PBK_FAULT_ARCHIVE_FULL_AFTER")
    return int(limit) if limit else None


def new_load_id(sha: str) -> str:
    now = dt.datetime.now(dt.timezone.utc)
    return f"{now:%Y%m%dT%H%M%S%fZ}-{sha[:8]}"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


# --------------------------------------------------------------------------- header mapping

@dataclass
class Mapping:
    kind: str
    columns: dict[str, int]        # canonical column -> position in the file's header
    extra: list[int]               # positions of columns the contract does not know (kept in _extra)
    derived: list[str]             # canonical columns absent from the file that the loader derives
    parts: dict[str, int] = field(default_factory=dict)  # code part (codes.py) -> position
    fallbacks: list[str] = field(default_factory=list)   # notes: headers passed over for a finer one
    passed_over: list[int] = field(default_factory=list)  # their positions (kept in _extra)


def alias_table(contract: Contract) -> tuple[dict[str, str], dict[str, str]]:
    """Normalised header -> canonical column, for primary and fallback aliases."""
    primary, fallback = {}, {}
    for column in contract.columns:
        for name in (column.name, *column.aliases):
            primary.setdefault(normalise_header(name), column.name)
        for name in column.fallback_aliases:
            fallback.setdefault(normalise_header(name), column.name)
    return primary, fallback


PART_HEADERS = {normalise_header(h): part for part, headers in CODE_PARTS.items() for h in headers}
CODE_COLUMNS = ("program_code", "activity_code", "output_code", "account_code")


def derivable_codes(present: set[str], parts: set[str]) -> set[str]:
    """Code columns an export may leave out because other columns carry them: a MAK holds program,
    kegiatan, output and akun; a SIPD sub-kegiatan holds its program and kegiatan."""
    out = set()
    if "mak" in parts:
        out.update(CODE_COLUMNS)
    if "output_code" in present:
        out.update(("program_code", "activity_code"))
    return out


def map_headers(headers: list[str], contract: Contract) -> tuple[Mapping, list[str]]:
    """Map the file's headers onto the contract; returns the mapping and the missing mandatory
    columns (each with the aliases tried)."""
    primary, fallback = alias_table(contract)
    columns: dict[str, int] = {}
    extra, parts, later = [], {}, []
    for i, header in enumerate(headers):
        key = normalise_header(header)
        canonical = primary.get(key)
        if canonical is None:
            later.append(i)
        elif canonical in columns:
            raise FileRejected(f"columns {headers[columns[canonical]]!r} and {header!r} both map to "
                               f"{canonical!r}; keep one")
        else:
            columns[canonical] = i
    passed_over, passed_positions = [], []
    for i in later:
        key = normalise_header(headers[i])
        canonical = fallback.get(key)
        if canonical is not None and canonical not in columns:
            columns[canonical] = i
            continue
        part = PART_HEADERS.get(key)
        if part is not None and part not in parts and (part != "ro" or "output_code" in columns):
            parts[part] = i
        elif canonical is not None:
            passed_positions.append(i)
            passed_over.append(f"{headers[i]} kept in _extra ({headers[columns[canonical]]} is "
                               f"the {canonical})")
        extra.append(i)
    missing, derived = [], []
    codes = derivable_codes(set(columns), set(parts))
    for column in contract.columns:
        if column.name in columns:
            continue
        if column.name in CODE_COLUMNS and column.name in contract.derivable:
            if column.name in codes:
                derived.append(column.name)
            elif column.mandatory:
                missing.append(column.name)
        elif column.name == "instansi_code" and not column.mandatory:
            derived.append(column.name)   # from the program's BA or the SKPD's pemda
        elif column.mandatory:
            (derived if column.name in contract.derivable else missing).append(column.name)
    return (Mapping(contract.kind, columns, extra, derived, parts, passed_over, passed_positions),
            missing)


def describe_missing(contract: Contract, missing: list[str]) -> str:
    parts = []
    for name in missing:
        tried = [name, *contract.column(name).aliases]
        parts.append(f"{name} (tried: {', '.join(tried)})")
    return "; ".join(parts)


def detect_kind(headers: list[str], kind: str | None) -> Mapping:
    if kind is not None:
        if kind not in CONTRACTS:
            raise FileRejected(f"unknown kind {kind!r}; kinds are {', '.join(CONTRACTS)}")
        mapping, missing = map_headers(headers, CONTRACTS[kind])
        if missing:
            raise FileRejected(f"missing mandatory column(s) for kind {kind}: "
                               + describe_missing(CONTRACTS[kind], missing))
        return mapping
    complete, partial = [], []
    for contract in CONTRACTS.values():
        mapping, missing = map_headers(headers, contract)
        (complete if not missing else partial).append((mapping, missing))
    if len(complete) > 1:
        # A kind whose columns are all read by another kind too is the lesser reading: a
        # realization file holds every mandatory budget column (budget derives its revision)
        def used(mapping: Mapping) -> set[int]:
            return set(mapping.columns.values()) | set(mapping.parts.values())
        complete = [(m, x) for m, x in complete
                    if not any(used(m) < used(other) for other, _ in complete)]
    if len(complete) == 1:
        return complete[0][0]
    if len(complete) > 1:
        raise FileRejected("headers match more than one kind ("
                           + ", ".join(m.kind for m, _ in complete) + "); name it with --kind")
    mapping, missing = max(partial, key=lambda mm: len(mm[0].columns) - len(mm[1]))
    raise FileRejected(f"headers match no extract kind; closest is {mapping.kind}, missing "
                       + describe_missing(CONTRACTS[mapping.kind], missing))


# --------------------------------------------------------------------------- typed values

def _cell(i: int) -> str:
    return f"c{i}"


def build_typed_select(con, stage: Stage, mapping: Mapping) -> tuple[str, list[str], dict]:
    """SELECT over the stage giving _source_row, the typed contract columns, one error column per
    contract column (`__e_<name>`: the rule broken, or NULL) and `_extra`.
    Returns (sql, error column names, messages: column -> {rule: reason})."""
    contract = CONTRACTS[mapping.kind]
    # One number style per column, decided on the whole column (DESIGN: not per cell)
    numeric = [c for c in contract.columns if c.type in ("amount", "number") and c.name in mapping.columns]
    styles = {}
    for c in numeric:
        id_only, en_only = con.execute(
            N.number_style_probe(_cell(mapping.columns[c.name]), stage.table)).fetchone()
        styles[c.name] = N.decide_number_style(id_only, en_only, c.type)
    builders = {"date": N.date_sql, "int": N.integer_sql, "month": N.month_sql}
    canonical = canonical_codes(mapping)
    values, errors, messages = {}, {}, {}
    for column in contract.columns:
        if column.name not in mapping.columns:
            continue
        cell = f"t{mapping.columns[column.name]}"
        if column.name in canonical:
            value, rule = f'"__c_{column.name}"', None
        elif column.type in ("amount", "number"):
            sql_type = "DECIMAL(38,2)" if column.type == "amount" else "DOUBLE"
            value, rule = N.number_sql(cell, styles[column.name], sql_type)
        elif column.type == "enum":
            value, rule = N.enum_sql(cell, column)
        elif column.type in builders:
            value, rule = builders[column.type](cell)
        else:
            value, rule = N.text_sql(cell)
        values[column.name] = value
        # a code is missing only when neither its cell nor the cells it is built from give it
        error = (N.error_sql(f'"{column.name}"', f'"{column.name}"', None, column.mandatory)
                 if column.name in canonical else
                 N.error_sql(cell, f'"{column.name}"', rule, column.mandatory))
        if error:
            errors[column.name] = error
        header = stage.headers[mapping.columns[column.name]]
        label = f"column {header!r}" + ("" if header == column.name else f" ({column.name})")
        expected = N.expected_text(column, styles.get(column.name))
        messages[column.name] = {r: f"{label}: {text}; expected {expected}"
                                 for r, text in PARSE_QUARANTINE_MESSAGES.items()}
    for name, (value, error, note) in derivations(mapping).items():
        values[name] = value  # evaluated after the parsed columns it is derived from (below)
        if error:
            errors[name] = error
        messages[name] = {"underivable_value": f"column {name} is absent from the file and cannot "
                                               f"be derived from this row ({note})"}
    derived = [n for n in mapping.derived if n in values]
    extra = ("json_object(" + ", ".join(f"{sql_literal(stage.headers[i])}, {_cell(i)}"
                                        for i in mapping.extra) + ")"
             if mapping.extra else "NULL::JSON")
    # Layers: trimmed cells -> canonical codes (two steps: parts, then codes built on them) ->
    # parsed values -> derived values -> errors (each looks at its value)
    positions = dict.fromkeys([*mapping.columns.values(), *mapping.parts.values()])
    cells = [f"{stage.row_sql} AS _source_row"]
    cells += [f"{N.trimmed(_cell(i))} AS t{i}" for i in positions]
    cells += [f"{extra} AS _extra"]
    code_cols = [f'"__c_{name}"' for name in sorted(canonical)]
    parsed = (["_source_row", "_extra"] + code_cols
              + [f"{values[n]} AS \"{n}\"" for n in values if n not in derived])
    with_derived = ["*"] + [f"{values[n]} AS \"{n}\"" for n in derived]
    cell_cols = [f"t{i}" for i in positions]
    # columns the file lacks are NULL, so every rule reads the same table shape
    absent = [f'NULL::{SQL_TYPES[c.type]} AS "{c.name}"' for c in contract.columns
              if c.name not in values]
    final = (["_source_row", "_extra"] + [f'"{n}"' for n in values] + absent
             + [f"{errors[n]} AS \"__e_{n}\"" for n in errors])
    source = f"(SELECT {', '.join(cells)} FROM {stage.table})"
    if canonical:
        # Canonical codes are computed once per distinct combination of the cells each reads (a
        # national file repeats a few thousand codes over millions of rows) and joined back.
        joins, picks = [], []
        for j, name in enumerate(sorted(canonical)):
            keys, lookup = canonical_lookup(mapping, stage.table, name)
            on = " AND ".join(f"r.{k} IS NOT DISTINCT FROM l{j}.{k}" for k in keys) or "true"
            joins.append(f"LEFT JOIN ({lookup}) AS l{j} ON {on}")
            picks.append(f'l{j}."__c_{name}"')
        source = f"(SELECT r.*, {', '.join(picks)} FROM {source} AS r {' '.join(joins)})"
    sql = (f"SELECT {', '.join(final)} FROM (SELECT {', '.join(with_derived)} FROM ("
           f"SELECT {', '.join(parsed + cell_cols)} FROM {source}))")
    return sql, list(errors), messages


def _mapped_cell(mapping: Mapping, name: str) -> str | None:
    if name in mapping.columns:
        return f"t{mapping.columns[name]}"
    if name in mapping.parts:
        return f"t{mapping.parts[name]}"
    return None


def canonical_steps(mapping: Mapping) -> list[dict[str, str]]:
    """The canonical code columns (`__c_<name>`) in dependency order: the pemda and kegiatan first,
    then the codes built on them (program, output, work unit, akun), then the institution derived
    from those. See ingest/codes.py."""
    contract = CONTRACTS[mapping.kind]
    names = set(contract.column_names)
    cell = functools.partial(_mapped_cell, mapping)
    mak, output_cell = cell("mak"), cell("output_code")
    # a SIPD sub-kegiatan stands for its program and kegiatan only when the file has no column
    # for them (an empty cell in such a column stays a missing value)
    sub_activity = output_cell if mapping.kind != "output_volume" else None
    program_sub = sub_activity if "program_code" not in mapping.columns else None
    activity_sub = sub_activity if "activity_code" not in mapping.columns else None
    first, second, third = {}, {}, {}
    if "instansi_code" in names and cell("instansi_code"):
        first["pemda"] = codes.pemda_sql(cell("instansi_code"))
    if "activity_code" in names and (cell("activity_code") or mak or activity_sub):
        first["activity_code"] = codes.activity_sql(cell("activity_code"), mak, activity_sub)
    pemda = '"__c_pemda"' if "pemda" in first else None
    activity = '"__c_activity_code"' if "activity_code" in first else None
    if "program_code" in names and (cell("program_code") or mak or program_sub):
        second["program_code"] = codes.program_sql(cell("program_code"), cell("instansi_code"),
                                                   cell("eselon1"), mak, program_sub)
    if "output_code" in names and (output_cell or mak):
        second["output_code"] = codes.output_sql(output_cell, activity or "NULL", cell("ro"), mak)
    if "account_code" in names and (cell("account_code") or mak):
        second["account_code"] = codes.account_sql(cell("account_code"), mak)
    if "work_unit_code" in names and cell("work_unit_code"):
        second["work_unit_code"] = codes.work_unit_sql(cell("work_unit_code"), pemda)
    if "instansi_code" in names and pemda:
        third["instansi_code"] = pemda      # as the file gives it (an empty cell stays missing)
    elif "instansi_code" in names:
        derived = codes.instansi_from_codes_sql(
            '"__c_program_code"' if "program_code" in second else None,
            '"__c_work_unit_code"' if "work_unit_code" in second else None)
        third["instansi_code"] = derived
    return [step for step in (first, second, third) if step]


CELL_REFERENCE = re.compile(r"\bt(\d+)\b")
CODE_REFERENCE = re.compile(r'"__c_(\w+)"')


def canonical_lookup(mapping: Mapping, stage_table: str, name: str) -> tuple[list[str], str]:
    """(key cells, SQL) of the table giving `__c_<name>` for each distinct combination of the
    trimmed cells its canonical code is built from (through the codes it is built on)."""
    steps = canonical_steps(mapping)
    exprs = {n: sql for step in steps for n, sql in step.items()}
    needed, todo = set(), [name]
    while todo:
        n = todo.pop()
        if n not in needed:
            needed.add(n)
            todo += CODE_REFERENCE.findall(exprs[n])
    keys = sorted({f"t{i}" for n in needed for i in CELL_REFERENCE.findall(exprs[n])},
                  key=lambda k: int(k[1:]))
    positions = [int(k[1:]) for k in keys]
    sql = (f"SELECT DISTINCT {', '.join(f'{N.trimmed(_cell(i))} AS t{i}' for i in positions)} "
           f"FROM {stage_table}") if keys else "SELECT 1 AS __one"
    for step in steps:
        layer = [f'{sql_} AS "__c_{n}"' for n, sql_ in step.items() if n in needed]
        if layer:
            sql = f"SELECT *, {', '.join(layer)} FROM ({sql})"
    return keys, sql


def canonical_codes(mapping: Mapping) -> set[str]:
    """Contract columns whose value is their canonical code column."""
    return {name for step in canonical_steps(mapping) for name in step if name != "pemda"}


def derivation_note(name: str, mapping: Mapping) -> str:
    if name == "instansi_code":
        return "instansi_code derived (the BA of the program, or the pemda of the SKPD)"
    source = "the MAK" if "mak" in mapping.parts else "the sub-kegiatan (its leading segments)"
    return f"{name} derived from {source}"


def derivations(mapping: Mapping) -> dict[str, tuple[str, str | None, str]]:
    """Columns an export lacks that can be derived safely: name -> (value, error, note).
    The note goes into the load log."""
    out = {}
    canonical = canonical_codes(mapping)
    for name in mapping.derived:
        underivable = f"CASE WHEN \"{name}\" IS NULL THEN 'underivable_value' END"
        if name == "fiscal_year":  # realization: the year of the SP2D date
            # an empty or bad transaction_date already quarantines the row
            out[name] = ('year("transaction_date")', None,
                         "fiscal_year derived from transaction_date")
        elif name == "gov_level":  # central akun is 6 digits, SIPD kode rekening dotted
            value = (f"CASE WHEN regexp_matches(\"__c_account_code\", '{codes.REGIONAL_ACCOUNT.pattern}') "
                     f"OR regexp_matches(\"__c_work_unit_code\", '{codes.REGIONAL_WORK_UNIT.pattern}') "
                     f"THEN 'daerah' WHEN regexp_matches(\"__c_account_code\", "
                     f"'{codes.CENTRAL_ACCOUNT.pattern}') THEN 'pusat' END")
            out[name] = (value, underivable,
                         "gov_level derived from the code shapes (SIPD kode rekening or SKPD = daerah)")
        elif name == "revision_no":  # a listing without a revision column is the DIPA as it stands
            out[name] = ("0", None, "revision_no absent: lines read as revision 0")
        elif name in canonical:
            mandatory = CONTRACTS[mapping.kind].column(name).mandatory
            out[name] = (f'"__c_{name}"', underivable if mandatory else None,
                         derivation_note(name, mapping))
    return out


# --------------------------------------------------------------------------- one file

class Loader:
    def __init__(self, p: Paths | None = None, progress: bool | None = None):
        self.paths = (p or default_paths()).ensure()
        self.con = connect(self.paths)
        self.tmp_dir = Path(tempfile.mkdtemp(prefix="stage-", dir=self.paths.home / "tmp"))
        if progress is None:
            progress = sys.stderr.isatty()
        # Importing GX takes seconds: done in the background while DuckDB stages the first file.
        self._dq_import = ThreadPoolExecutor(max_workers=1).submit(
            importlib.import_module, "expectations.engine")
        # DuckDB's own progress bar shows on long statements (big files) on a terminal only
        self.con.execute(f"SET enable_progress_bar = {'true' if progress else 'false'}")

    _dq = None

    @property
    def dq(self):
        """The GX context, opened on first use."""
        if self._dq is None:
            self._dq = self.dq_engine.DQContext(self.paths.docs)
        return self._dq

    @property
    def dq_engine(self):
        return self._dq_import.result()

    def build_docs(self) -> Path | None:
        """Rebuild GX Data Docs and the offline front page $PBK_HOME/docs/dq/index.html."""
        if self._dq is None:
            return None
        return self.dq_engine.refresh_data_docs(self.con, self.paths.docs, self._dq)

    def close(self) -> None:
        shutil.rmtree(self.tmp_dir, ignore_errors=True)
        self.con.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def already_loaded(self, sha: str) -> tuple[str, str] | None:
        """(load_id, kind) of the earlier load of the same bytes, if any."""
        return self.con.execute("SELECT load_id, kind FROM ops.load_log WHERE source_sha256 = ? "
                                "AND status = 'loaded' ORDER BY started_at LIMIT 1", [sha]).fetchone()

    def log(self, r: FileResult, path: Path, started: dt.datetime, fmt: str | None) -> None:
        self.con.execute(
            f"INSERT INTO ops.load_log ({', '.join(LOAD_LOG_COLUMNS)}) VALUES "
            f"({', '.join('?' for _ in LOAD_LOG_COLUMNS)})",
            [r.load_id, r.file, str(path), r.sha256, r.kind, r.status, r.rows_read,
             r.rows_loaded, r.rows_quarantined, r.bytes, r.seconds,
             "; ".join(filter(None, [r.reason, *r.notes, *r.warnings])) or None, fmt, started,
             utcnow(), r.archived_to, r.scope, r.amount_read, r.amount_loaded,
             r.amount_quarantined, r.rows_amount_unparsed, r.encoding])

    def load_file(self, path: Path, kind: str | None = None, sheet: str | None = None,
                  archive_as: str | None = None, load_id: str | None = None) -> FileResult:
        """Load one file from a private copy taken once (intake.take). A loaded file's copy is in
        archive/<load_id>/, verified, before its batch commits; a rejected file's copy goes to
        archive/rejected/<load_id>/. archive_as/load_id: `pbk rebuild` reloading an archived file
        under its original name and load id."""
        started, t0 = utcnow(), time.perf_counter()
        result = FileResult(file=archive_as or path.name, kind=kind, status="rejected")
        fmt, taken = None, None
        try:
            taken = result.taken = take(path, self.tmp_dir)
            result.bytes, result.sha256 = taken.bytes, taken.sha256
            result.load_id = load_id or new_load_id(taken.sha256)
            fmt = file_format(taken.copy, result.file)
            previous = self.already_loaded(result.sha256)
            if previous:
                result.status, result.kind = "duplicate", previous[1]
                result.reason = f"same bytes already loaded as {previous[0]}"
                result.seconds = time.perf_counter() - t0
                self.log(result, path, started, fmt)
                return result
            self._sheet = sheet
            stage = self._stage(taken, fmt, sheet)
            self._load(path, fmt, stage, kind, result, started, t0, taken)
        except FileInFlight as exc:
            result.status, result.reason = "deferred", str(exc)
            result.seconds = time.perf_counter() - t0
            self.log(result, path, started, fmt)
        except FileRejected as exc:
            self._reject(result, path, started, fmt, t0, str(exc), taken)
        except (OSError, duckdb.IOException, duckdb.FatalException):
            # the machine, not the file: nothing is recorded as loaded and the file stays in place
            raise
        except Exception as exc:
            # A bug the file's content triggers: the file is set aside like a rejected one (the
            # rest of the night goes on) and the run reports an internal error.
            if self._tx_open:
                self.con.execute("ROLLBACK")
                self._tx_open = False
            self._reject(result, path, started, fmt, t0,
                         f"internal error (please report it): {type(exc).__name__}: "
                         f"{' '.join(str(exc).split())[:500]}", taken)
            result.internal_error = True
        finally:
            self.drop_temp()
            if taken is not None:
                taken.copy.unlink(missing_ok=True)
        return result

    def _reject(self, result: FileResult, path: Path, started, fmt, t0: float, reason: str,
                taken: Taken | None) -> None:
        result.status, result.reason = "rejected", reason
        result.rows_loaded = 0
        if taken is not None:
            dest = self.paths.archive / "rejected" / (result.load_id or "unhashed")
            result.archived_to = str(archive_copy(taken, dest, result.file))
        result.seconds = time.perf_counter() - t0
        self.log(result, path, started, fmt)

    def _stage(self, taken: Taken, fmt: str, sheet: str | None) -> Stage:
        if fmt == "csv":
            return stage_csv(self.con, taken, "__stage", self.tmp_dir)
        if fmt == "xlsx":
            date_headers = {normalise_header(n) for c in CONTRACTS.values() for col in c.columns
                            if col.type == "date" for n in (col.name, *col.aliases)}
            return stage_xlsx(self.con, taken.copy, "__stage", self.tmp_dir, sheet, date_headers)
        return stage_parquet(self.con, taken.copy, "__stage")

    def drop_temp(self) -> None:
        for t in ("__stage", "__typed", "__dups", "__dupkeys", "__dqframe", "__dqfail", "__dqbatch",
                  "__budget_units", "__sakip_weights"):
            self.con.execute(f"DROP TABLE IF EXISTS {t}")

    _tx_open = False
    _sheet = None

    def _held_rows(self, quarantine_selects: list[str], stage: Stage, mapping: Mapping) -> list:
        """Rows the batch holds back, per rule and field: (rule, field, rows, first row, its value,
        reason), most rows first. What a rejection names and `pbk dq` lists."""
        held = self.con.execute(
            "SELECT rule, field, count(DISTINCT _source_row), min(_source_row), "
            "arg_min(value, _source_row), arg_min(reason, _source_row) FROM ("
            + " UNION ALL ".join(quarantine_selects) + ") GROUP BY rule, field").fetchall()
        if stage.malformed:
            first = stage.malformed[0]
            held.append(("malformed_line", None, len(stage.malformed), first["row"],
                         first["text"], f"line {first['line']}: {first['error']}"))
        return sorted(held, key=lambda h: (-h[2], h[0], h[1] or ""))

    def _load(self, path: Path, fmt: str, stage: Stage, kind: str | None, result: FileResult,
              started: dt.datetime, t0: float, taken: Taken) -> None:
        mapping = detect_kind(stage.headers, kind)
        _fault_crash_on(result.file)
        contract = CONTRACTS[mapping.kind]
        result.kind = mapping.kind
        result.encoding = stage.encoding
        result.notes += stage.notes
        result.notes += [note for _, _, note in derivations(mapping).values()]
        result.notes += mapping.fallbacks
        parts = set(mapping.parts.values())
        if parts:
            result.notes.append("codes built from the columns " + ", ".join(
                stage.headers[i] for i in sorted(parts)) + " (kept in _extra as written)")
        unknown = [stage.headers[i] for i in mapping.extra
                   if i not in parts and i not in mapping.passed_over]
        if unknown:
            result.notes.append("kept unknown columns in _extra: " + ", ".join(unknown))
        typed_sql, error_names, messages = build_typed_select(self.con, stage, mapping)
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE __typed AS {typed_sql}")
        ok = " AND ".join(f"\"__e_{n}\" IS NULL" for n in error_names) or "true"
        # natural-key duplicates inside the file: a 64-bit hash of the key finds candidate keys
        # cheaply; the exact key columns then confirm them (window partitions treat NULLs equal).
        # Optional key columns absent from the file are NULL on every row: they cannot differ.
        keys = [f'"{k}"' for k in contract.natural_key if k in mapping.columns or k in mapping.derived]
        key_hash = f"hash({', '.join(keys)})"
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE __dupkeys AS SELECT {key_hash} AS h FROM __typed "
            f"WHERE {ok} GROUP BY ALL HAVING count(*) > 1")
        self.con.execute(
            "CREATE OR REPLACE TEMP TABLE __dups AS SELECT _source_row, first_row, key_text FROM ("
            f"SELECT _source_row, min(_source_row) OVER (PARTITION BY {', '.join(keys)}) AS first_row, "
            "concat_ws(' | ', " + ", ".join(f"coalesce(CAST({k} AS VARCHAR), '')" for k in keys)
            + f") AS key_text FROM __typed WHERE {ok} AND {key_hash} IN (SELECT h FROM __dupkeys)) "
            "WHERE _source_row > first_row")
        dup_rows = self.con.execute("SELECT count(*) FROM __dups").fetchone()[0]
        has_dups = dup_rows > 0
        load_id = result.load_id
        now = utcnow()
        # failing rows get their raw cells back from the stage, by data row number
        stage_rows = f"(SELECT {stage.row_sql} AS _source_row, * FROM {stage.table})"
        raw_json = "json_object(" + ", ".join(
            f"{sql_literal(h)}, s.{_cell(i)}" for i, h in enumerate(stage.headers)) + ")"
        quarantine_selects = []
        for name in error_names:
            cell = f"s.{_cell(mapping.columns[name])}" if name in mapping.columns else "NULL"
            reason_case = f"CASE q.\"__e_{name}\" " + " ".join(
                f"WHEN {sql_literal(rule)} THEN {sql_literal(text)}"
                for rule, text in messages[name].items()) + " END"
            quarantine_selects.append(
                f"SELECT q._source_row, {sql_literal(name)} AS field, {cell} AS value, "
                f"q.\"__e_{name}\" AS rule, {reason_case} AS reason, {raw_json} AS raw_values "
                f"FROM (SELECT * FROM __typed WHERE \"__e_{name}\" IS NOT NULL) q "
                f"JOIN {stage_rows} s USING (_source_row)")
        key_label = ", ".join(contract.natural_key)
        quarantine_selects.append(
            f"SELECT d._source_row, 'natural_key', d.key_text, 'duplicate_key_in_file', "
            f"'natural key (' || {sql_literal(key_label)} || ') repeats row ' || d.first_row || "
            f"' of this file; the first row was kept', {raw_json} "
            f"FROM __dups d JOIN {stage_rows} s USING (_source_row)")
        # GX batch validation of the rows that parsed (data-quality suites, expectations/)
        accepted = ok + (" AND _source_row NOT IN (SELECT _source_row FROM __dups)" if has_dups else "")
        staged = self.con.execute("SELECT count(*) FROM __typed").fetchone()[0]
        rows_read = staged + len(stage.malformed)
        result.rows_read = rows_read
        scope = ",".join(str(y) for (y,) in self.con.execute(
            f"SELECT DISTINCT fiscal_year FROM __typed WHERE {accepted} ORDER BY 1").fetchall())
        parse_failed = self.con.execute(f"SELECT count(*) FROM __typed WHERE NOT ({ok})").fetchone()[0]
        dq_started = time.perf_counter()
        verdict, suite = self.dq_engine.validate_batch(self.con, self.dq, mapping.kind, "__typed",
                                                       accepted, load_id)
        quarantine_selects.append(
            f"SELECT q._source_row, q.field, q.value, q.rule, q.reason, {raw_json} "
            f"FROM __dqfail q JOIN {stage_rows} s USING (_source_row)")
        dq_rows = self.con.execute("SELECT count(DISTINCT _source_row) FROM __dqfail").fetchone()[0]
        quarantined = parse_failed + dup_rows + len(stage.malformed) + dq_rows
        if dq_rows:
            accepted += " AND _source_row NOT IN (SELECT _source_row FROM __dqfail)"
        batch_results, batch_suite = self.dq_engine.batch_rules(
            self.con, self.dq, mapping.kind, "__typed", accepted, load_id, rows_read, quarantined,
            scope)
        result.dq_seconds = time.perf_counter() - dq_started
        results = verdict.results + batch_results
        money = MONEY_COLUMNS.get(mapping.kind)
        if money:
            amount_read, unparsed = self.con.execute(
                f'SELECT coalesce(sum("{money}"), 0), count(*) FILTER (WHERE "{money}" IS NULL) '
                f"FROM __typed").fetchone()
            result.amount_read = amount_read
            result.rows_amount_unparsed = unparsed + len(stage.malformed)
        # a clean batch (the usual national night) holds nothing: no second pass over the stage
        held = self._held_rows(quarantine_selects, stage, mapping) if quarantined else []
        parse_results = [self.dq_engine.RuleResult(
            None, rule, CATALOGUE[rule].severity, field_, False, count, [first_value], reason)
            for rule, field_, count, _, first_value, reason in held
            if rule in PARSE_QUARANTINE_MESSAGES]
        rejecting = [r for r in results if r.severity == "reject" and not r.success]
        if rejecting:
            self.dq_engine.record_results(self.con, load_id, None, f"parse_{mapping.kind}",
                                          parse_results, result.file)
            result.amount_loaded = Decimal(0) if money else None
            result.amount_quarantined = result.amount_read
            # a rejected batch never reaches raw.*: only its rule results are kept
            self.dq_engine.record_results(self.con, load_id, None, suite, verdict.results, result.file)
            self.dq_engine.record_results(self.con, load_id, None, batch_suite, batch_results,
                                          result.file)
            result.rows_quarantined = rows_read  # the whole file is held, in archive/rejected/
            raise FileRejected("rejected by data-quality rule(s): " + "; ".join(
                f"{r.label}: {r.message}" for r in rejecting) + "; rows held: " + "; ".join(
                f"{rule} on {field_ or 'the whole line'}: {count:,} row(s), the first row {first_row} "
                f"({_clip_short(first_value)})" for rule, field_, count, first_row, first_value, _
                in held[:5]) + (f"; and {len(held) - 5} more rule(s)" if len(held) > 5 else ""))
        result.warnings = [f"{r.label}: {r.unexpected_count:,} ({r.message})"
                           for r in results if r.severity == "warn" and not r.success]
        columns = [c.name for c in contract.columns]
        present = [c for c in columns if c in mapping.columns or c in mapping.derived]
        insert_cols = ", ".join(f'"{c}"' for c in present)
        self.con.execute("BEGIN TRANSACTION")
        self._tx_open = True
        try:
            self.con.execute(
                f"INSERT INTO raw.{mapping.kind} ({insert_cols}, _extra, _load_id, _source_file, "
                f"_source_sha256, _source_row, _ingested_at) SELECT {insert_cols}, _extra, ?, ?, ?, "
                f"_source_row, ? FROM __typed WHERE {accepted} ORDER BY _source_row",  # file order
                [load_id, result.file, result.sha256, now])
            loaded = self.con.execute(f"SELECT count(*) FROM raw.{mapping.kind} WHERE _load_id = ?",
                                      [load_id]).fetchone()[0]
            self.con.execute(
                "INSERT INTO ops.quarantine SELECT ?, ?, _source_row, ?, field, value, rule, reason, "
                "raw_values, ? FROM (" + " UNION ALL ".join(quarantine_selects) + ")",
                [load_id, result.file, mapping.kind, now])
            for m in stage.malformed:
                self.con.execute(
                    "INSERT INTO ops.quarantine VALUES (?, ?, ?, ?, NULL, ?, 'malformed_line', ?, "
                    "NULL, ?)",
                    [load_id, result.file, m["row"], mapping.kind, _clip(m["text"]),
                     f"line {m['line']}: {CATALOGUE['malformed_line'].message} ({m['error']})", now])
            recording = time.perf_counter()
            self.dq_engine.record_results(self.con, load_id, None, f"parse_{mapping.kind}",
                                          parse_results, result.file)
            self.dq_engine.record_results(self.con, load_id, None, suite, verdict.results, result.file)
            self.dq_engine.record_results(self.con, load_id, None, batch_suite, batch_results,
                                          result.file)
            result.dq_seconds += time.perf_counter() - recording
            by_rule = dict(self.con.execute(
                "SELECT rule, count(DISTINCT source_row) FROM ops.quarantine WHERE load_id = ? "
                "GROUP BY rule ORDER BY rule", [load_id]).fetchall())
            in_quarantine = self.con.execute(
                "SELECT count(DISTINCT source_row) FROM ops.quarantine WHERE load_id = ?",
                [load_id]).fetchone()[0]
            # Nothing lost: every row read is either loaded or quarantined, never both.
            if rows_read != loaded + in_quarantine or in_quarantine != quarantined:
                raise RuntimeError(f"{result.file}: rows read {rows_read} != loaded {loaded} + "
                                   f"quarantined {in_quarantine}; batch rolled back")
            if money:
                amount_loaded, amount_quarantined = self.con.execute(
                    f'SELECT (SELECT coalesce(sum("{money}"), 0) FROM raw.{mapping.kind} WHERE '
                    f'_load_id = ?), (SELECT coalesce(sum("{money}"), 0) FROM __typed WHERE '
                    f"_source_row IN (SELECT source_row FROM ops.quarantine WHERE load_id = ?))",
                    [load_id, load_id]).fetchone()
                # Nothing lost in Rupiah either: every parsed amount is loaded or quarantined
                if result.amount_read != amount_loaded + amount_quarantined:
                    raise RuntimeError(f"{result.file}: amount read {result.amount_read} != loaded "
                                       f"{amount_loaded} + quarantined {amount_quarantined}; "
                                       "batch rolled back")
                result.amount_loaded, result.amount_quarantined = amount_loaded, amount_quarantined
            result.rows_loaded, result.rows_quarantined = loaded, in_quarantine
            result.quarantined_by_rule = by_rule
            result.status = "loaded"
            result.scope = scope
            # the archive copy is complete and verified before the batch counts as loaded; with its
            # manifest, the archive alone can rebuild the warehouse (`pbk rebuild`)
            result.archived_to = str(archive_copy(taken, self.paths.archive / load_id, result.file))
            write_manifest(self.paths.archive / load_id, result, kind, self._sheet, started)
            result.seconds = time.perf_counter() - t0
            self.log(result, path, started, fmt)
            _fault_pause_before_commit()
            self.con.execute("COMMIT")
            self._tx_open = False
        except BaseException:
            if self._tx_open:
                self.con.execute("ROLLBACK")
                self._tx_open = False
            if result.archived_to:   # the batch did not commit: neither does its archive copy
                shutil.rmtree(Path(result.archived_to).parent, ignore_errors=True)
                result.archived_to = None
            raise


# --------------------------------------------------------------------------- many files

def _clip_short(value) -> str:
    text = "empty" if value is None else repr(str(value))
    return text if len(text) <= 80 else text[:77] + "...'"


def _clip(text: str | None) -> str | None:
    """A bad line as kept in ops.quarantine: whole up to QUARANTINE_TEXT_LIMIT characters."""
    if text is None or len(text) <= QUARANTINE_TEXT_LIMIT:
        return text
    return text[:QUARANTINE_TEXT_LIMIT] + f"... ({len(text) - QUARANTINE_TEXT_LIMIT:,} more characters)"


def archive_copy(taken: Taken, dest_dir: Path, name: str) -> Path:
    """Put the private copy's bytes at dest_dir/name, fsync'd, and verify them against the sha256
    taken when the file was read: a short copy (disk full) raises and leaves nothing behind."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / name
    partial = dest_dir / f".{name}.partial"
    try:
        full_after = _fault_disk_full_after()
        with open(taken.copy, "rb") as src, open(partial, "wb") as dst:
            digest, written = hashlib.sha256(), 0
            while chunk := src.read(1 << 20):
                if full_after is not None and written + len(chunk) > full_after:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(partial))
                dst.write(chunk)
                digest.update(chunk)
                written += len(chunk)
            dst.flush()
            os.fsync(dst.fileno())
        if digest.hexdigest() != taken.sha256 or partial.stat().st_size != taken.bytes:
            raise OSError(f"archive copy of {printable(name)} does not match the file read "
                          f"(sha256 {digest.hexdigest()[:12]} vs {taken.sha256[:12]})")
        os.replace(partial, dest)
        fsync_path(dest_dir)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return dest


MANIFEST = "load.json"   # beside each loaded file in archive/<load_id>/


def write_manifest(dest_dir: Path, result: FileResult, kind_option: str | None,
                   sheet: str | None, started: dt.datetime) -> None:
    """What `pbk rebuild` needs to load the archived file again exactly as it was loaded."""
    doc = {"load_id": result.load_id, "source_file": result.file, "sha256": result.sha256,
           "kind": result.kind, "kind_option": kind_option, "sheet": sheet,
           "started_at": started.isoformat(), "rows_loaded": result.rows_loaded,
           "rows_quarantined": result.rows_quarantined}
    tmp = dest_dir / f".{MANIFEST}.partial"
    with open(tmp, "w") as fh:
        json.dump(doc, fh, indent=1)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, dest_dir / MANIFEST)


def _set_aside(path: Path, dest_dir: Path) -> Path:
    """Move a refused entry (symlink, FIFO) out of landing as it is, without opening it."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / path.name
    os.rename(path, dest)
    return dest


def _expand(inputs: list[Path]) -> list[tuple[Path, Path | None]]:
    """(file, the directory it was found in or None when named itself)."""
    files = []
    for p in inputs:
        if p.is_dir() and not p.is_symlink():
            files += [(c, p) for c in sorted(p.iterdir()) if not c.name.startswith(".")
                      and not c.name.endswith(IN_PROGRESS_SUFFIXES)
                      and not (c.is_dir() and not c.is_symlink())]
        else:
            files.append((p, None))
    return files


def _same_file(path: Path, taken: Taken | None) -> bool:
    """The landing path still holds the file that was read (not a newer upload under its name)."""
    if taken is None:
        return False
    try:
        st = os.lstat(path)
    except OSError:
        return False
    return (st.st_ino, st.st_size, st.st_mtime_ns) == taken.identity


def ingest_files(files: list[Path], home: Paths | Path | str | None = None, kind: str | None = None,
                 sheet: str | None = None, progress: bool | None = None,
                 from_landing: bool = False) -> list[FileResult]:
    """Load files. Each is read once into a private copy (hash, rows and archive copy describe the
    same bytes); the copy is kept in archive/<load_id>/ (rejected ones in archive/rejected/). Files
    from landing leave it once their batch has committed; a file that changed while it was read
    stays for the next run. In a directory (landing or one named), only regular files are taken."""
    p = home if isinstance(home, Paths) else default_paths(home)
    p.ensure()
    results = []
    with Loader(p, progress=progress) as loader:
        for path, found_in in _expand([Path(f) for f in files]):
            root = p.landing if from_landing else found_in
            why = refusal(path, root)
            if why:
                result = FileResult(file=path.name, kind=kind, status="rejected",
                                    reason=why)
                if from_landing and os.path.lexists(path) and not path.is_dir():
                    # set aside, so it does not come back every night (never opened or followed)
                    dest = p.archive / "rejected" / new_load_id("0" * 8)
                    result.archived_to = str(_set_aside(path, dest))
                loader.log(result, path, utcnow(), None)
                results.append(result)
                continue
            result = loader.load_file(path, kind=kind, sheet=sheet)
            if from_landing and result.status != "deferred" and _same_file(path, result.taken):
                path.unlink()   # its bytes are in the archive, verified
            results.append(result)
        if any(r.status not in ("duplicate", "deferred") for r in results):
            loader.build_docs()  # Data Docs rebuilt once per run
    return results


def _landing_candidates(p: Paths) -> list[Path]:
    return sorted(c for c in p.landing.iterdir()
                  if not c.name.startswith(".") and not c.name.endswith(IN_PROGRESS_SUFFIXES)
                  and not (c.is_dir() and not c.is_symlink()))


def landing_files(p: Paths, settle: float | None = None, wait: bool = True) -> list[Path]:
    """Files waiting in landing, oldest name first; hidden files, in-progress uploads (.part...) and
    directories are left alone. A file modified within the settle interval is waited for (once, up
    to the interval); one still changing after that stays for a later run (waiting_to_settle).
    wait=False: every candidate, settled or not (the landing sensor defers by itself)."""
    if not p.landing.exists():
        return []
    settle = settle_seconds() if settle is None else settle
    files = _landing_candidates(p)
    if not wait:
        return files
    young = [f for f in files if unsettled(f, seconds=settle)]
    if young:
        newest = max(os.lstat(f).st_mtime for f in young)
        time.sleep(max(0.0, min(settle, newest + settle - time.time())))
        files = [f for f in _landing_candidates(p) if not unsettled(f, seconds=settle)]
    return files


def waiting_to_settle(p: Paths, settle: float | None = None) -> list[Path]:
    """Landing files left for a later run: they changed within the settle interval."""
    if not p.landing.exists():
        return []
    return [f for f in _landing_candidates(p) if unsettled(f, seconds=settle)]


def ingest_landing(home: Paths | Path | str | None = None,
                   progress: bool | None = None) -> list[FileResult]:
    p = home if isinstance(home, Paths) else default_paths(home)
    return ingest_files(landing_files(p.ensure()), p, progress=progress, from_landing=True)


def exit_code(results: list[FileResult]) -> int:
    """1 when a file hit an internal error (a bug, reported), else 2 when a file was rejected whole,
    else 0 (files left in landing to settle or still being written are not failures)."""
    if any(r.internal_error for r in results):
        return EXIT_INTERNAL_ERROR
    return EXIT_REJECTED if any(r.status == "rejected" for r in results) else EXIT_OK
