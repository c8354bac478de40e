"""Readers: bring any supported extract file into a DuckDB table of text cells (the stage: `table`
names it, in the loader's scratch database, see loader.py), in file order, with its data row number. CSV is read by DuckDB's own parallel reader (streams, never in pandas);
XLSX is streamed row by row into a temporary UTF-8 CSV; Parquet is read by DuckDB directly.
"""
from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .contracts import CONTRACTS, normalise_header
from .errors import FileRejected
from .intake import LineCount, LineCounter, Taken
from base.sql import quote_ident, sql_literal

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
XLSX_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
DELIMITERS = (",", ";", "|", "\t")
ROW_NUMBER = "__row"  # stage column carrying the 1-based data row number in the file


@dataclass
class Stage:
    """A file staged as text cells in DuckDB temp table `table`."""
    table: str
    headers: list[str]            # the file's own header names, in order
    file_format: str
    encoding: str | None = None
    delimiter: str | None = None
    header_row: int = 1           # sheet/file line of the header (XLSX may have title rows above)
    malformed: list[dict] = field(default_factory=list)  # lines with a wrong number of fields
    notes: list[str] = field(default_factory=list)
    row_sql: str = ROW_NUMBER     # SQL giving each staged row's 1-based data row number


def file_format(path: Path, name: str | None = None) -> str:
    """csv, xlsx or parquet: by the magic bytes, else by the suffix of `name` (default the path's)."""
    suffix = Path(name or path.name).suffix.lower()
    with open(path, "rb") as fh:
        magic = fh.read(4)
    if magic == b"PAR1" or suffix in PARQUET_SUFFIXES:
        return "parquet"
    if magic[:2] == b"PK" or suffix in XLSX_SUFFIXES:
        return "xlsx"
    return "csv"


HEADER_LIMIT = 1 << 20   # a header line longer than 1 MB is not a header
QUARANTINE_TEXT_LIMIT = 10_000  # characters of a bad line kept in ops.quarantine
csv.field_size_limit(4 * HEADER_LIMIT)


def decide_encoding(taken: Taken) -> tuple[str, str]:
    """(Python codec, the evidence in words) for a CSV file, from the bytes (intake.py counts them).
    Decided per file: clean UTF-8 is UTF-8; a UTF-16 byte-order mark (Excel's "Unicode text") is
    UTF-16; a file with valid UTF-8 characters and a few invalid bytes stays UTF-8 (the lines with
    the bad bytes are quarantined, the names elsewhere keep their letters); a file with invalid
    bytes and no UTF-8 character at all is Windows-1252 (Excel on an Indonesian Windows)."""
    ev = taken.evidence
    if ev.bom in ("utf-16-le", "utf-16-be"):
        return ev.bom, f"{ev.bom.upper()} byte-order mark: read as {ev.bom.upper()}"
    if ev.nul_bytes:
        raise FileRejected(f"not a text file: {ev.nul_bytes:,} NUL byte(s), the first at byte "
                           f"{ev.first_nul_at:,}; expected a CSV/TSV text export (UTF-8, UTF-16 "
                           "with byte-order mark or Windows-1252), an XLSX workbook or a Parquet file")
    if ev.utf8_valid:
        return "utf-8", "valid UTF-8" + (" with byte-order mark" if ev.bom == "utf-8" else "")
    where = f"the first at byte {ev.utf8_first_invalid_at:,}"
    if ev.utf8_multibyte >= ev.utf8_invalid:
        return "utf-8", (f"UTF-8: {ev.utf8_multibyte:,} valid UTF-8 character(s) against "
                         f"{ev.utf8_invalid:,} invalid byte sequence(s) ({where}); the lines "
                         "holding invalid bytes are quarantined")
    if ev.cp1252_undefined or ev.control_bytes > max(8, taken.bytes // 1000):
        raise FileRejected(f"not a text file: neither UTF-8 ({ev.utf8_invalid:,} invalid byte "
                           f"sequence(s), {where}) nor Windows-1252 ({ev.cp1252_undefined:,} byte(s) "
                           f"it does not define, {ev.control_bytes:,} control byte(s))")
    return "cp1252", (f"not UTF-8 ({ev.utf8_invalid:,} invalid byte sequence(s), {where}, and "
                      f"{ev.utf8_multibyte:,} valid UTF-8 character(s)): read as Windows-1252")


def transcode_to_utf8(path: Path, encoding: str, tmp_dir: Path) -> tuple[Path, LineCount]:
    """A UTF-8 copy of a text file in another encoding, with its lines counted on the way."""
    out = Path(tempfile.mkstemp(prefix="transcoded-", suffix=".csv", dir=tmp_dir)[1])
    counter = LineCounter()
    codec = {"utf-16-le": "utf-16", "utf-16-be": "utf-16"}.get(encoding, encoding)
    try:
        with open(path, "r", encoding=codec, newline="") as src, open(out, "wb") as dst:
            while chunk := src.read(1 << 21):
                data = chunk.encode("utf-8")
                dst.write(data)
                counter.feed(data)
    except UnicodeDecodeError as exc:
        os.unlink(out)
        raise FileRejected(f"not valid {encoding.upper()} text: {exc.reason} at byte "
                           f"{exc.start:,} of a block") from None
    return out, counter.result()


def detect_delimiter(first_line: str) -> str:
    """The candidate that splits the header line into the most fields (quotes respected)."""
    best, best_count = ",", 0
    for delim in DELIMITERS:
        fields = next(csv.reader([first_line], delimiter=delim), [])
        if len(fields) > best_count:
            best, best_count = delim, len(fields)
    if best_count < 2:
        raise FileRejected("cannot find the column delimiter: the header line has a single field "
                           f"(tried {', '.join(repr(d) for d in DELIMITERS)})")
    return best


def read_first_line(path: Path, encoding: str) -> str:
    # bad bytes further down are the rows' business (quarantined there), not the header's
    with open(path, "r", encoding=encoding, errors="replace", newline="") as fh:
        line = fh.readline(HEADER_LIMIT + 1)
    if len(line) > HEADER_LIMIT and not line.endswith(("\n", "\r")):
        raise FileRejected(f"the first line is longer than {HEADER_LIMIT:,} characters without a "
                           "line end: not a header row (is this a CSV export?)")
    if not line.strip():
        raise FileRejected("file is empty or its first line is blank: a header row is required")
    return line.rstrip("\r\n")


def stage_csv(con, taken: Taken, table: str, tmp_dir: Path) -> Stage:
    """Stage a CSV/TSV file read from its private copy, in the encoding its bytes call for."""
    encoding, evidence = decide_encoding(taken)
    source, lines = taken.copy, taken.lines
    if encoding not in ("utf-8",):
        source, lines = transcode_to_utf8(taken.copy, encoding, tmp_dir)
    try:
        stage = _read_csv(con, source, table, read_first_line(source, "utf-8-sig"), lines, tmp_dir)
    finally:
        if source != taken.copy:
            os.unlink(source)
    stage.encoding = encoding
    stage.notes.append(f"encoding {encoding}: {evidence}")
    return stage


UNTERMINATED = "unterminated quote"


def _read_segment(con, source: Path, table: str, delimiter: str, width: int,
                  newline: bytes) -> list[tuple]:
    """Read one CSV file (its first line the header) into `table`; the bad lines DuckDB reports:
    (line, byte position of the line, text, message, error type)."""
    columns = ", ".join(f"{sql_literal(f'c{i}')}: 'VARCHAR'" for i in range(width))
    for strict in ("true", "false"):
        con.execute("DROP TABLE IF EXISTS reject_errors; DROP TABLE IF EXISTS reject_scans")
        # A 32 MB buffer reads national files about a third faster than the default on 2 cores.
        try:
            con.execute(
                f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM read_csv(?, header = true, "
                f"delim = ?, quote = '\"', escape = '\"', columns = {{{columns}}}, "
                f"auto_detect = false, strict_mode = {strict}, store_rejects = true, "
                f"encoding = 'utf-8', buffer_size = 33554432"
                + (", new_line = '\\r'" if newline == b"\r" else "") + ")",
                [str(source), delimiter])
            break
        except duckdb.InvalidInputException as exc:
            # strict mode gives up on some hand-edited files (a lone CR on a line of an LF file);
            # the lenient reading is then held against the line count like any other
            if strict == "false":
                raise FileRejected(f"the CSV reader cannot read the file: {_short(exc)}") from None
    # one entry per bad line (DuckDB reports a short line once per missing column)
    rejects = con.execute("SELECT line, min(line_byte_position), any_value(csv_line), "
                          "min(error_message), min(error_type::VARCHAR) FROM reject_errors "
                          "GROUP BY line ORDER BY line").fetchall()
    con.execute("DROP TABLE IF EXISTS reject_errors; DROP TABLE IF EXISTS reject_scans")
    return rejects


def _line_at(source: Path, offset: int, newline: bytes) -> tuple[str, int]:
    """(text of the physical line at byte offset, byte offset of the next line). DuckDB's line
    position may point just inside the line: the line starts after the line end before it."""
    with open(source, "rb") as fh:
        back = max(0, offset - (1 << 16))
        fh.seek(back)
        before = fh.read(offset - back)
        offset = back + before.rfind(newline) + 1 if newline in before else back
        fh.seek(offset)
        data = b""
        while newline not in data:
            block = fh.read(1 << 16)
            if not block:
                return data.decode("utf-8", errors="replace").rstrip("\r"), offset + len(data)
            data += block
        end = data.index(newline) + 1
        return data[:end - 1].decode("utf-8", errors="replace").rstrip("\r"), offset + end


def _read_csv(con, source: Path, table: str, first_line: str, lines, tmp_dir: Path) -> Stage:
    """Stage with DuckDB's reader, then hold the result against the file's own line count: every
    data line is a staged row, part of a multi-line quoted field, a blank line, or a malformed line
    (quarantined with its line number and text). A quote that never closes would swallow the rest
    of the file into one field: that line is quarantined and the reading resumes after it."""
    delimiter = detect_delimiter(first_line)
    headers = [h.strip() for h in next(csv.reader([first_line], delimiter=delimiter))]
    _check_headers(headers)
    width, newline = len(headers), lines.newline
    segments, malformed, segment_source, line_offset = [], [], source, 0
    try:
        while True:
            part = f"{table}_part{len(segments)}"
            rejects = _read_segment(con, segment_source, part, delimiter, width, newline)
            segments.append(part)
            resume = None
            for line, byte_pos, text, message, kind in rejects:
                global_line = line + line_offset
                if UNTERMINATED in (message or "").lower() and resume is None:
                    # the rest of this segment is inside the broken field: keep just its line
                    text, resume = _line_at(segment_source, byte_pos, newline)
                    malformed.append({"line": global_line, "row": global_line - 1, "text": text,
                                      "lines": 1, "error": "a quoted field opens here and never "
                                      "closes (unbalanced quote)"})
                    break
                error = ("invalid UTF-8 byte sequence on the line" if kind == "INVALID ENCODING"
                         else message)
                malformed.append({"line": global_line, "row": global_line - 1, "text": text,
                                  "lines": 1 + (text or "").count(newline.decode()), "error": error})
            if resume is None:
                break
            # the remainder after the bad line, under a copy of the header, is read as a new segment
            rest = Path(tempfile.mkstemp(prefix="rest-", suffix=".csv", dir=tmp_dir)[1])
            with open(segment_source, "rb") as src, open(rest, "wb") as dst:
                dst.write(first_line.encode("utf-8") + newline)
                src.seek(resume)
                shutil.copyfileobj(src, dst, 1 << 22)
            if segment_source != source:
                os.unlink(segment_source)
            line_offset = malformed[-1]["line"] - 1
            segment_source = rest
    finally:
        if segment_source != source:
            os.unlink(segment_source)
    if len(segments) == 1:
        con.execute(f"ALTER TABLE {segments[0]} RENAME TO {table.rsplit('.', 1)[-1]}")
    else:
        con.execute(f"CREATE OR REPLACE TABLE {table} AS "
                    + " UNION ALL ".join(f"SELECT * FROM {s}" for s in segments))
        for s in segments:
            con.execute(f"DROP TABLE {s}")
    staged = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    _hold_against_line_count(con, table, width, staged, malformed, lines)
    return Stage(table, headers, "csv", None, delimiter, 1, malformed,
                 row_sql=row_number_sql([m["row"] for m in malformed]))


def _hold_against_line_count(con, table: str, width: int, staged: int, malformed: list[dict],
                             lines) -> None:
    """Rows staged + malformed lines must account for every line of the file; else the file is
    rejected whole rather than lose a line."""
    physical = lines.physical_lines
    accounted = 1 + lines.blank + staged + sum(m["lines"] for m in malformed)
    if accounted != physical:
        nl = "chr(13)" if lines.newline == b"\r" else "chr(10)"
        # quoted fields spanning lines: only counted when the simple count does not add up
        embedded = con.execute("SELECT " + " + ".join(
            f"coalesce(sum(length(c{i}) - length(replace(c{i}, {nl}, ''))), 0)"
            for i in range(width)) + f" FROM {table}").fetchone()[0]
        accounted += int(embedded)
    if accounted != physical:
        first = f"; first bad line {malformed[0]['line']}" if malformed else ""
        raise FileRejected(
            f"the CSV reader accounted for {accounted - 1:,} of the file's {physical - 1:,} lines "
            f"after the header (counted on the bytes){first}: rejected whole rather than lose "
            "lines; check the quotes and line ends")


def row_number_sql(skipped_rows: list[int]) -> str:
    """SQL for the 1-based data row number of a staged CSV row. Rows keep file order (rowid); row k
    among the parsed rows sits at k + the number of skipped (malformed) rows numbered before it."""
    if not skipped_rows:
        return "(rowid + 1)"
    # the j-th skipped row r_j (1-based) has r_j - j parsed rows before it
    thresholds = sorted(r - j for j, r in enumerate(sorted(skipped_rows), start=1))
    listed = ", ".join(str(t) for t in thresholds)
    return f"(rowid + 1 + len(list_filter([{listed}], lambda t: t < rowid + 1)))"


def _check_headers(headers: list[str]) -> None:
    empty = [i + 1 for i, h in enumerate(headers) if not h]
    if empty:
        raise FileRejected(f"header row has empty column names at positions {empty}")
    seen: dict[str, str] = {}
    for h in headers:
        key = normalise_header(h)
        if key in seen:
            raise FileRejected(f"header row names the same column twice: {seen[key]!r} and {h!r}")
        seen[key] = h


def _known_header_keys() -> set[str]:
    keys = set()
    for contract in CONTRACTS.values():
        for column in contract.columns:
            keys.add(normalise_header(column.name))
            keys.update(normalise_header(a) for a in column.aliases)
    return keys


def _xlsx_cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        # Excel stores every number as a float: 2025.0 is the integer 2025
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value).strip()


EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 in the 1900 date system (with its leap bug)


def excel_serial_to_iso(text: str) -> str:
    """An Excel serial date written as a plain number in a date column (e.g. 45657 = 2024-12-31)."""
    try:
        serial = float(text)
    except ValueError:
        return text
    if 1 <= serial < 2958466:
        return (EXCEL_EPOCH + dt.timedelta(days=int(serial))).isoformat()
    return text


def stage_xlsx(con, path: Path, table: str, tmp_dir: Path, sheet: str | None,
               date_headers: set[str]) -> Stage:
    """Stream the sheet into a temp CSV. The header row is the first row (of the first 30) with the
    most known column names: exports put report titles and blank rows above it."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = workbook.sheet_names
    except Exception as exc:  # calamine raises its own error types for every broken workbook
        raise FileRejected(f"not a readable XLSX workbook (truncated download or not an Excel "
                           f"file?): {_short(exc)}") from None
    if sheet is not None and sheet not in names:
        raise FileRejected(f"sheet {sheet!r} not found; the workbook has {names}")
    if not names:
        raise FileRejected("the workbook has no sheet")
    try:
        return _stage_sheet(con, workbook, path, table, tmp_dir, sheet or names[0], date_headers)
    except FileRejected:
        raise
    except Exception as exc:  # a sheet whose XML breaks off half-way (a truncated download)
        raise FileRejected(f"sheet {sheet or names[0]!r} cannot be read to the end (truncated "
                           f"or damaged workbook?): {_short(exc)}") from None


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return (text[:300] + "...") if len(text) > 300 else (text or type(exc).__name__)


def _stage_sheet(con, workbook, path: Path, table: str, tmp_dir: Path, sheet: str,
                 date_headers: set[str]) -> Stage:
    ws = workbook.get_sheet_by_name(sheet)
    known = _known_header_keys()
    rows = ws.iter_rows()
    head: list[list[str]] = []
    for _ in range(30):
        try:
            head.append([_xlsx_cell_text(v) for v in next(rows)])
        except StopIteration:
            break
    scores = [sum(normalise_header(c) in known for c in row if c) for row in head]
    if not scores or max(scores) < 2:
        raise FileRejected("no header row found in the first 30 rows of sheet "
                           f"{sheet!r} (looked for known column names)")
    header_index = scores.index(max(scores))
    headers = [h for h in head[header_index]]
    while headers and not headers[-1]:
        headers.pop()
    _check_headers(headers)
    date_positions = [i for i, h in enumerate(headers) if normalise_header(h) in date_headers]
    out = Path(tempfile.mkstemp(prefix="xlsx-", suffix=".csv", dir=tmp_dir)[1])
    width = len(headers)
    malformed = []
    with open(out, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow([f"c{i}" for i in range(width)] + [ROW_NUMBER])

        def emit(data_row: int, cells: list[str]) -> None:
            if not any(cells):
                return  # blank spacer rows are not data
            if any(cells[width:]):
                malformed.append({"line": data_row + header_index + 1,
                                  "text": ",".join(cells), "error":
                                  f"Expected Number of Columns: {width} Found: {len(cells)}"})
                return
            cells = (cells + [""] * width)[:width]
            for i in date_positions:
                cells[i] = excel_serial_to_iso(cells[i])
            writer.writerow(cells + [str(data_row)])

        data_row = 0
        for row in head[header_index + 1:]:
            data_row += 1
            emit(data_row, row)
        for raw in rows:
            data_row += 1
            emit(data_row, [_xlsx_cell_text(v) for v in raw])
    columns = ", ".join(f"{sql_literal(f'c{i}')}: 'VARCHAR'" for i in range(width))
    con.execute(
        f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM read_csv(?, header = true, "
        f"delim = ',', quote = '\"', escape = '\"', columns = {{{columns}, '{ROW_NUMBER}': 'BIGINT'}}, "
        f"auto_detect = false, strict_mode = true)", [str(out)])
    os.unlink(out)
    notes = [f"header found on sheet row {header_index + 1}"] if header_index else []
    for m in malformed:
        m["row"] = m["line"] - header_index - 1
    return Stage(table, headers, "xlsx", None, None, header_index + 1, malformed, notes)


def stage_parquet(con, path: Path, table: str) -> Stage:
    """Top-level columns as text; a nested column (struct, list, map) is kept as its text form
    (unknown columns end in _extra)."""
    try:
        described = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()
    except duckdb.Error as exc:
        raise FileRejected(f"not a readable Parquet file (truncated download or not Parquet?): "
                           f"{_short(exc)}") from None
    headers = [r[0] for r in described]
    if not headers:
        raise FileRejected("the Parquet file has no columns")
    _check_headers(headers)
    select = ", ".join(f"CAST({quote_ident(h)} AS VARCHAR) AS c{i}" for i, h in enumerate(headers))
    try:
        con.execute(
            f"CREATE OR REPLACE TABLE {table} AS SELECT {select}, "
            f"file_row_number + 1 AS {ROW_NUMBER} FROM read_parquet(?, file_row_number = true) "
            f"ORDER BY file_row_number", [str(path)])
    except duckdb.Error as exc:  # the footer reads but a row group is damaged
        raise FileRejected(f"the Parquet file cannot be read to the end (damaged?): "
                           f"{_short(exc)}") from None
    nested = [h for h, t in zip(headers, [r[1] for r in described])
              if t.startswith(("STRUCT", "MAP", "UNION")) or t.endswith("]")]
    notes = [f"nested column(s) kept as text: {', '.join(nested)}"] if nested else []
    return Stage(table, headers, "parquet", notes=notes)
