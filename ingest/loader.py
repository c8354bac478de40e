"""Load extract files into raw.<kind> with lineage, quarantine, idempotency and one transaction per
file. See DESIGN.md "Extract contracts" and docs/extracts.md.

Flow per file: safety checks -> sha256 (duplicate?) -> stage text cells in a DuckDB temp table ->
map headers to the contract (kind detection, aliases, derivations) -> typed values + parse errors
in SQL -> one transaction: accepted rows into raw.<kind>, failures into ops.quarantine, a row in
ops.load_log. rows read = rows loaded + rows quarantined is asserted before the commit.

The parts live beside it: header_mapping.py, typed_values.py, quarantine.py, archive.py,
load_log.py, raw_tables.py (the connection and DDL), results.py, faults.py, intake.py (taking a
file, and which files of landing to take).
"""
from __future__ import annotations

import datetime as dt
import errno
import importlib
import os
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import duckdb

from base import progress
from base.rule_catalogue import CATALOGUE, PARSE_QUARANTINE_MESSAGES
from expectations.results import record_refusal

from . import faults, lake
from . import quarantine as Q
from .archive import archive_copy, discard_copy, set_aside, write_manifest
from .contracts import CONTRACTS, normalise_header
from .errors import FileInFlight, FileRejected
from .header_mapping import detect_kind
from .intake import Taken, expand_inputs, landing_files, refusal, still_the_file_read, take
from .load_log import MONEY_COLUMNS, already_loaded, new_load_id, utcnow, write_load_log
from .raw_tables import connect
from .readers import Stage, file_format, stage_csv, stage_parquet, stage_xlsx
from .results import FileResult
from .typed_values import build_typed_select, derivations
from base.settings import Paths, paths as default_paths
from base.sql import sql_literal


# The stage (a file's cells as text) lives in a scratch DuckDB database under $PBK_HOME/tmp, not
# in a temp table: a national file's stage (3 GB of text) then sits compressed on disk instead of
# spilling from memory, and typing it, the largest step of a load, took 37 s instead of 12 s at
# SF 1 with the stage in memory. Deleted with the loader; nothing in it outlives a file.
STAGE_DATABASE = "ingest_stage"
STAGE_TABLE = f"{STAGE_DATABASE}.__stage"


class Loader:
    """One read-write connection to the warehouse loading files one after another, each in its own
    transaction; GX is imported once, in the background, for all of them."""

    def __init__(self, p: Paths | None = None):
        self.paths = (p or default_paths()).ensure()
        self.con = connect(self.paths)
        self.tmp_dir = Path(tempfile.mkdtemp(prefix="stage-", dir=self.paths.tmp))
        self.con.execute(f"ATTACH {sql_literal(self.tmp_dir / 'stage.duckdb')} AS {STAGE_DATABASE}")
        # Importing GX takes seconds: done in the background while DuckDB stages the first file.
        self._dq_import = ThreadPoolExecutor(max_workers=1).submit(
            importlib.import_module, "expectations.engine")
        # progress is reported per file and phase (base/progress.py), not by DuckDB's unlabelled
        # bars of single statements
        self.con.execute("SET enable_progress_bar = false")

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
        self.con.close()
        shutil.rmtree(self.tmp_dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def load_file(self, path: Path, kind: str | None = None, sheet: str | None = None,
                  archive_as: str | None = None, load_id: str | None = None) -> FileResult:
        """Load one file from a private copy taken once (intake.take). A loaded file's copy is in
        archive/<load_id>/, verified, before its batch commits; a rejected file's copy goes to
        archive/rejected/<load_id>/. archive_as/load_id: `pbk rebuild` reloading an archived file
        under its original name and load id."""
        started, t0 = utcnow(), time.perf_counter()
        result = FileResult(file=archive_as or path.name, kind=kind, status="rejected")
        fmt, taken = None, None
        step = f"ingest {result.file}"
        try:
            progress.report(step, "copying and hashing the file")
            taken = result.taken = take(path, self.tmp_dir)
            result.bytes, result.sha256 = taken.bytes, taken.sha256
            result.load_id = load_id or new_load_id(taken.sha256)
            fmt = file_format(taken.copy, result.file)
            previous = already_loaded(self.con, result.sha256)
            if previous:
                result.status, result.kind = "duplicate", previous[1]
                result.reason = f"same bytes already loaded as {previous[0]}"
                result.seconds = time.perf_counter() - t0
                write_load_log(self.con, result, path, started, fmt)
                return result
            self._sheet = sheet
            progress.report(step, f"reading {fmt.upper()} ({taken.bytes:,} bytes)")
            stage = self._stage(taken, fmt, sheet)
            self._load(path, fmt, stage, kind, result, started, t0, taken)
        except FileInFlight as exc:
            result.status, result.reason = "deferred", str(exc)
            result.seconds = time.perf_counter() - t0
            write_load_log(self.con, result, path, started, fmt)
        except FileRejected as exc:
            self._reject(result, path, started, fmt, t0, str(exc), taken)
            if result.load_id and exc.rule not in {r for r, in self.con.execute(
                    "SELECT rule FROM ops.dq_results WHERE load_id = ? AND NOT success",
                    [result.load_id]).fetchall()}:
                # refused before its rules ran (unreadable, headers of no kind): the refusal is a
                # rule result too, so every listing of failing rules shows it
                record_refusal(self.con, result.load_id, f"parse_{result.kind or 'file'}",
                               exc.rule, result.rows_read or None, str(exc), result.file)
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
            progress.finished(step, _outcome_words(result))
        return result

    def _reject(self, result: FileResult, path: Path, started, fmt, t0: float, reason: str,
                taken: Taken | None) -> None:
        result.status, result.reason = "rejected", reason
        result.rows_loaded = 0
        if taken is not None:
            dest = self.paths.rejected / (result.load_id or "unhashed")
            result.archived_to = str(archive_copy(taken, dest, result.file))
        result.seconds = time.perf_counter() - t0
        write_load_log(self.con, result, path, started, fmt)

    def _stage(self, taken: Taken, fmt: str, sheet: str | None) -> Stage:
        if fmt == "csv":
            return stage_csv(self.con, taken, STAGE_TABLE, self.tmp_dir)
        if fmt == "xlsx":
            date_headers = {normalise_header(n) for c in CONTRACTS.values() for col in c.columns
                            if col.type == "date" for n in (col.name, *col.aliases)}
            return stage_xlsx(self.con, taken.copy, STAGE_TABLE, self.tmp_dir, sheet, date_headers)
        return stage_parquet(self.con, taken.copy, STAGE_TABLE)

    def drop_temp(self) -> None:
        for t in (STAGE_TABLE, f"{STAGE_TABLE}_part0", "__typed", "__dups", "__dupkeys", "__dqframe", "__dqfail", "__dqbatch",
                  "__budget_units", "__sakip_weights"):
            self.con.execute(f"DROP TABLE IF EXISTS {t}")

    _tx_open = False
    _sheet = None

    def _load(self, path: Path, fmt: str, stage: Stage, kind: str | None, result: FileResult,
              started: dt.datetime, t0: float, taken: Taken) -> None:
        mapping = detect_kind(stage.headers, kind)
        faults.crash_on(result.file)
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
        step = f"ingest {result.file}"
        progress.report(step, f"typing the {mapping.kind} rows")
        typed_sql, error_names, messages = build_typed_select(self.con, stage, mapping)
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE __typed AS {typed_sql}")
        ok = " AND ".join(f"\"__e_{n}\" IS NULL" for n in error_names) or "true"
        # natural-key duplicates inside the file
        dup_rows = Q.find_duplicate_keys(self.con, contract, mapping, ok)
        has_dups = dup_rows > 0
        load_id = result.load_id
        now = utcnow()
        quarantine_selects = Q.failure_selects(stage, mapping, contract, error_names, messages)
        # GX batch validation of the rows that parsed (data-quality suites, expectations/)
        accepted = ok + (" AND _source_row NOT IN (SELECT _source_row FROM __dups)" if has_dups else "")
        staged = self.con.execute("SELECT count(*) FROM __typed").fetchone()[0]
        rows_read = staged + len(stage.malformed)
        result.rows_read = rows_read
        scope = ",".join(str(y) for (y,) in self.con.execute(
            f"SELECT DISTINCT fiscal_year FROM __typed WHERE {accepted} ORDER BY 1").fetchall())
        coverage_cells = self.con.execute(
            f"SELECT count(DISTINCT ({', '.join(chr(34) + c + chr(34) for c in contract.coverage)})) "
            f"FROM __typed WHERE {accepted}").fetchone()[0] if contract.coverage else None
        parse_failed = self.con.execute(f"SELECT count(*) FROM __typed WHERE NOT ({ok})").fetchone()[0]
        dq_started = time.perf_counter()
        progress.report(step, f"checking {staged:,} rows against the data-quality rules (GX)")
        verdict, suite = self.dq_engine.validate_batch(self.con, self.dq, mapping.kind, "__typed",
                                                       accepted, load_id)
        quarantine_selects.append(Q.dq_failure_select(stage))
        dq_rows = self.con.execute("SELECT count(DISTINCT _source_row) FROM __dqfail").fetchone()[0]
        quarantined = parse_failed + dup_rows + len(stage.malformed) + dq_rows
        if dq_rows:
            accepted += " AND _source_row NOT IN (SELECT _source_row FROM __dqfail)"
        batch_results, batch_suite = self.dq_engine.batch_rules(
            self.con, self.dq, mapping.kind, "__typed", accepted, load_id, rows_read, quarantined,
            scope, coverage_cells)
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
        held = Q.held_rows(self.con, quarantine_selects, stage) if quarantined else []
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
            raise FileRejected(Q.rejection_reason(rejecting, held), rule=rejecting[0].label)
        result.warnings = [f"{r.label}: {r.unexpected_count:,} ({r.message})"
                           for r in results if r.severity == "warn" and not r.success]
        columns = [c.name for c in contract.columns]
        present = [c for c in columns if c in mapping.columns or c in mapping.derived]
        insert_cols = ", ".join(f'"{c}"' for c in present)
        progress.report(step, f"writing raw.{mapping.kind} and the quarantine")
        self.con.execute("BEGIN TRANSACTION")
        self._tx_open = True
        lake_file = None
        try:
            self.con.execute(
                f"INSERT INTO raw.{mapping.kind} ({insert_cols}, _extra, _load_id, _source_file, "
                f"_source_sha256, _source_row, _ingested_at) SELECT {insert_cols}, _extra, ?, ?, ?, "
                # file order without a sort: __typed holds the rows in file order and the
                # connection preserves insertion order (raw_tables.connect); an ORDER BY here
                # sorted 20M wide rows under the memory limit, a third of a national load
                f"_source_row, ? FROM __typed WHERE {accepted}",
                [load_id, result.file, result.sha256, now])
            loaded = self.con.execute(f"SELECT count(*) FROM raw.{mapping.kind} WHERE _load_id = ?",
                                      [load_id]).fetchone()[0]
            Q.write_quarantine(self.con, quarantine_selects, stage, load_id, result.file,
                               mapping.kind, now, money)
            recording = time.perf_counter()
            self.dq_engine.record_results(self.con, load_id, None, f"parse_{mapping.kind}",
                                          parse_results, result.file)
            self.dq_engine.record_results(self.con, load_id, None, suite, verdict.results, result.file)
            self.dq_engine.record_results(self.con, load_id, None, batch_suite, batch_results,
                                          result.file)
            result.dq_seconds += time.perf_counter() - recording
            by_rule, in_quarantine = Q.quarantined_rows(self.con, load_id)
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
            result.scope, result.coverage_cells = scope, coverage_cells
            # the archive copy is complete and verified before the batch counts as loaded; with its
            # manifest, the archive alone can rebuild the warehouse (`pbk rebuild`)
            result.archived_to = str(archive_copy(taken, self.paths.archive / load_id, result.file))
            write_manifest(self.paths.archive / load_id, result, kind, self._sheet, started)
            result.seconds = time.perf_counter() - t0
            write_load_log(self.con, result, path, started, fmt)
            # the batch for the Spark engine, hidden until the commit (ingest/lake.py)
            lake_file = lake.write_batch(self.con, self.paths, mapping.kind, load_id)
            faults.pause_before_commit()
            self.con.execute("COMMIT")
            self._tx_open = False
            lake.show_batch(lake_file)
            lake_file = None
        except BaseException:
            lake.discard_batch(lake_file)
            if self._tx_open:
                self.con.execute("ROLLBACK")
                self._tx_open = False
            if result.archived_to:   # the batch did not commit: neither does its archive copy
                discard_copy(result.archived_to)
                result.archived_to = None
            raise


def _outcome_words(r: FileResult) -> str:
    if r.status == "loaded":
        return (f"loaded {r.rows_loaded:,} rows into raw.{r.kind}, quarantined "
                f"{r.rows_quarantined:,}")
    if r.status == "rejected":
        return f"REJECTED: {(r.reason or '')[:160]}"
    return f"{r.status}: {r.reason or ''}"


def ingest_files(files: list[Path], home: Paths | Path | str | None = None, kind: str | None = None,
                 sheet: str | None = None, from_landing: bool = False) -> list[FileResult]:
    """Load files. Each is read once into a private copy (hash, rows and archive copy describe the
    same bytes); the copy is kept in archive/<load_id>/ (rejected ones in archive/rejected/). Files
    from landing leave it once their batch has committed; a file that changed while it was read
    stays for the next run. In a directory (landing or one named), only regular files are taken."""
    p = default_paths(home)
    named = [Path(f) for f in files]
    if not from_landing:
        # a mistyped path is the operator's error, not a file the warehouse refused: nothing is
        # recorded and no file of the list is loaded
        missing = [str(f) for f in named if not os.path.lexists(f)]
        if missing:
            raise FileNotFoundError(errno.ENOENT, "no such file or folder", ", ".join(missing))
    p.ensure()
    results = []
    with Loader(p) as loader:
        for path, found_in in expand_inputs(named):
            root = p.landing if from_landing else found_in
            why = refusal(path, root)
            if why:
                result = FileResult(file=path.name, kind=kind, status="rejected",
                                    reason=why)
                if from_landing and os.path.lexists(path) and not path.is_dir():
                    # set aside, so it does not come back every night (never opened or followed)
                    dest = p.rejected / new_load_id("0" * 8)
                    result.archived_to = str(set_aside(path, dest))
                write_load_log(loader.con, result, path, utcnow(), None)
                results.append(result)
                continue
            result = loader.load_file(path, kind=kind, sheet=sheet)
            if (from_landing and result.status != "deferred"
                    and still_the_file_read(path, result.taken)):
                path.unlink()   # its bytes are in the archive, verified
            results.append(result)
        if any(r.status not in ("duplicate", "deferred") for r in results):
            loader.build_docs()  # Data Docs rebuilt once per run
    return results


def ingest_landing(home: Paths | Path | str | None = None) -> list[FileResult]:
    p = default_paths(home)
    return ingest_files(landing_files(p.ensure()), p, from_landing=True)
