"""Re-reading the archived source files of a trace (`--verify-source`): each file's sha256 against
the lineage, and the text of every traced line as it stands in the file."""
from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

from base.files import sha256_file

if TYPE_CHECKING:
    from .reconcile import TraceResult


def source_rows(path: Path, rows: set[int]) -> dict[int, tuple[str, str]]:
    """{data row: (where, text)} of an archived extract, data rows 1-based after the header: CSV
    records as in the file ('line N' of the file); Parquet rows as values ('row N'); XLSX is not
    read here (title rows above the header vary: open the sheet)."""
    path = Path(path)
    with open(path, "rb") as fh:
        magic = fh.read(4)
    if magic == b"PAR1":
        import duckdb

        con = duckdb.connect()
        try:
            out = {}
            for n in sorted(rows):
                rec = con.execute("SELECT * FROM read_parquet(?) LIMIT 1 OFFSET ?",
                                  [str(path), n - 1]).fetchone()
                if rec is not None:
                    out[n] = (f"row {n}", " | ".join("" if v is None else str(v) for v in rec))
            return out
        finally:
            con.close()
    if magic[:2] == b"PK":
        return {}
    from ingest.readers import detect_delimiter

    with open(path, "rb") as fh:
        bom = fh.read(2)
    # as the loader read it: UTF-16 with a byte-order mark, else UTF-8, else Windows-1252
    encodings = ("utf-16",) if bom in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            with open(path, "r", encoding=encoding, newline="") as fh:
                delimiter = detect_delimiter(fh.readline().rstrip("\r\n"))
                fh.seek(0)
                reader = csv.reader(fh, delimiter=delimiter)
                next(reader, None)
                out, last = {}, max(rows) if rows else 0
                for n, rec in enumerate(reader, start=1):
                    if n in rows:
                        out[n] = (f"line {reader.line_num}", delimiter.join(rec))
                    if n >= last:
                        break
                return out
        except UnicodeDecodeError:
            continue
    return {}


def verify_sources(result: TraceResult) -> None:
    """Check each archived file's sha256 against the lineage and attach the source text of every
    traced line (`source_text`)."""
    wanted: dict[tuple, set[int]] = {}
    for ln in result.lines:
        wanted.setdefault((ln["_source_file"], ln["_load_id"]), set()).add(ln["_source_row"])
    texts: dict[tuple, dict[int, str]] = {}
    for f in result.files:
        f["sha256_verified"] = None
        if f["archived_file"]:
            f["sha256_verified"] = sha256_file(Path(f["archived_file"])) == f["sha256"]
            texts[(f["source_file"], f["load_id"])] = source_rows(
                Path(f["archived_file"]), wanted.get((f["source_file"], f["load_id"]), set()))
    for ln in result.lines:
        where, text = texts.get((ln["_source_file"], ln["_load_id"]), {}).get(ln["_source_row"],
                                                                               (None, None))
        ln["source_location"], ln["source_text"] = where, text
