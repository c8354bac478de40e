"""Readers: bring any supported extract file into a DuckDB temp table of text cells, in file order,
with its data row number. CSV is read by DuckDB's own parallel reader (streams, never in pandas);
XLSX is streamed row by row into a temporary UTF-8 CSV; Parquet is read by DuckDB directly.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .contracts import CONTRACTS, normalise_header

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
XLSX_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
DELIMITERS = (",", ";", "|", "\t")
ROW_NUMBER = "__row"  # stage column carrying the 1-based data row number in the file


class FileRejected(Exception):
    """The whole file cannot be loaded; the message says why in plain words."""


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


def file_format(path: Path) -> str:
    suffix = path.suffix.lower()
    with open(path, "rb") as fh:
        magic = fh.read(4)
    if magic == b"PAR1" or suffix in PARQUET_SUFFIXES:
        return "parquet"
    if magic[:2] == b"PK" or suffix in XLSX_SUFFIXES:
        return "xlsx"
    return "csv"


def transcode_to_utf8(path: Path, encoding: str, tmp_dir: Path) -> Path:
    out = Path(tempfile.mkstemp(prefix="transcoded-", suffix=".csv", dir=tmp_dir)[1])
    with open(path, "r", encoding=encoding, newline="") as src, \
            open(out, "w", encoding="utf-8", newline="") as dst:
        while chunk := src.read(1 << 22):
            dst.write(chunk)
    return out


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
    with open(path, "r", encoding=encoding, newline="") as fh:
        line = fh.readline()
    if not line.strip():
        raise FileRejected("file is empty or its first line is blank: a header row is required")
    return line.rstrip("\r\n")


def stage_csv(con, path: Path, table: str, tmp_dir: Path) -> Stage:
    """Read as UTF-8 (a BOM is skipped); a file that is not UTF-8 is Windows-1252 (what Excel on an
    Indonesian Windows writes) and is transcoded to a temporary UTF-8 copy first."""
    try:
        first_line = read_first_line(path, "utf-8-sig")
    except UnicodeDecodeError:
        return _stage_transcoded(con, path, table, tmp_dir)
    with open(path, "rb") as fh:
        encoding = "utf-8-sig" if fh.read(3) == codecs.BOM_UTF8 else "utf-8"
    stage = _read_csv(con, path, table, first_line)
    if stage is None:
        return _stage_transcoded(con, path, table, tmp_dir)
    stage.encoding = encoding
    return stage


def _stage_transcoded(con, path: Path, table: str, tmp_dir: Path) -> Stage:
    source = transcode_to_utf8(path, "cp1252", tmp_dir)
    try:
        stage = _read_csv(con, source, table, read_first_line(source, "utf-8"))
    finally:
        os.unlink(source)
    stage.encoding = "cp1252"
    stage.notes.append("file is not UTF-8: read as Windows-1252")
    return stage


def _read_csv(con, source: Path, table: str, first_line: str) -> Stage | None:
    """Stage with DuckDB's reader; None when the bytes are not UTF-8 after all."""
    delimiter = detect_delimiter(first_line)
    headers = [h.strip() for h in next(csv.reader([first_line], delimiter=delimiter))]
    _check_headers(headers)
    columns = ", ".join(f"{sql_literal(f'c{i}')}: 'VARCHAR'" for i in range(len(headers)))
    con.execute("DROP TABLE IF EXISTS reject_errors; DROP TABLE IF EXISTS reject_scans")
    # A 32 MB buffer reads national files about a third faster than the default on 2 cores.
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM read_csv(?, header = true, "
        f"delim = ?, quote = '\"', escape = '\"', columns = {{{columns}}}, auto_detect = false, "
        f"strict_mode = true, store_rejects = true, encoding = 'utf-8', buffer_size = 33554432)",
        [str(source), delimiter])
    # one entry per bad line (DuckDB reports a short line once per missing column)
    rejects = con.execute("SELECT line, any_value(csv_line), min(error_message), "
                          "min(error_type::VARCHAR) FROM reject_errors GROUP BY line "
                          "ORDER BY line").fetchall()
    con.execute("DROP TABLE IF EXISTS reject_errors; DROP TABLE IF EXISTS reject_scans")
    if any(kind == "INVALID ENCODING" for *_, kind in rejects):
        con.execute(f"DROP TABLE {table}")
        return None
    malformed = [{"line": line, "row": line - 1, "text": text, "error": message}
                 for line, text, message, _ in rejects]  # the header is line 1
    return Stage(table, headers, "csv", None, delimiter, 1, malformed,
                 row_sql=row_number_sql([m["row"] for m in malformed]))


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


def sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


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

    workbook = CalamineWorkbook.from_path(str(path))
    names = workbook.sheet_names
    if sheet is not None and sheet not in names:
        raise FileRejected(f"sheet {sheet!r} not found; the workbook has {names}")
    ws = workbook.get_sheet_by_name(sheet or names[0])
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
                           f"{sheet or names[0]!r} (looked for known column names)")
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
        f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM read_csv(?, header = true, "
        f"delim = ',', quote = '\"', escape = '\"', columns = {{{columns}, '{ROW_NUMBER}': 'BIGINT'}}, "
        f"auto_detect = false, strict_mode = true)", [str(out)])
    os.unlink(out)
    notes = [f"header found on sheet row {header_index + 1}"] if header_index else []
    for m in malformed:
        m["row"] = m["line"] - header_index - 1
    return Stage(table, headers, "xlsx", None, None, header_index + 1, malformed, notes)


def stage_parquet(con, path: Path, table: str) -> Stage:
    schema = con.execute("SELECT name FROM parquet_schema(?) WHERE num_children IS NULL "
                         "OR num_children = 0", [str(path)]).fetchall()
    headers = [r[0] for r in schema]
    _check_headers(headers)
    select = ", ".join(f"CAST({_quote_ident(h)} AS VARCHAR) AS c{i}" for i, h in enumerate(headers))
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT {select}, "
        f"file_row_number + 1 AS {ROW_NUMBER} FROM read_parquet(?, file_row_number = true) "
        f"ORDER BY file_row_number", [str(path)])
    return Stage(table, headers, "parquet")


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
