"""Which extract kind a file is, from its header row only, read cheaply: the first line of a CSV,
the first rows of an XLSX sheet, the schema of a Parquet file. The same header mapping the loader
uses (ingest.header_mapping.detect_kind), for the landing sensor and scan, which must not load a
file to route it."""
from __future__ import annotations

import csv
from pathlib import Path

from .contracts import CONTRACTS, normalise_header
from .errors import FileRejected
from .header_mapping import detect_kind, map_headers
from .readers import detect_delimiter, file_format


def read_headers(path: Path) -> list[str]:
    fmt = file_format(path)
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return list(pq.read_schema(path).names)
    if fmt == "xlsx":
        return _xlsx_headers(path)
    with open(path, "rb") as fh:
        bom = fh.read(2)
    # as the loader decides (ingest/readers.py decide_encoding), on the header line only
    encodings = ("utf-16",) if bom in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            with open(path, "r", encoding=encoding, errors="strict", newline="") as fh:
                first = fh.readline(1 << 20).rstrip("\r\n")
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes nearly everything
        raise FileRejected("cannot decode the header line")
    if not first.strip():
        raise FileRejected("empty first line")
    delimiter = detect_delimiter(first)
    return [h.strip() for h in next(csv.reader([first], delimiter=delimiter))]


def _xlsx_headers(path: Path) -> list[str]:
    """The row (of the first 30) with the most known column names, as ingest.readers finds it."""
    from python_calamine import CalamineWorkbook

    known = {normalise_header(n) for c in CONTRACTS.values() for col in c.columns
             for n in (col.name, *col.aliases)}
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    best, best_score = [], 0
    for i, row in enumerate(sheet.iter_rows()):
        if i >= 30:
            break
        cells = [str(v).strip() if v is not None else "" for v in row]
        score = sum(normalise_header(c) in known for c in cells if c)
        if score > best_score:
            best, best_score = cells, score
    return best


def sniff_kind(path: Path) -> tuple[str | None, bool]:
    """(kind, exact): the kind whose contract the headers satisfy, or the closest kind (exact False),
    or (None, False) when no header can be read."""
    try:
        headers = read_headers(path)
    except Exception:  # unreadable: the loader rejects it with the precise reason
        return None, False
    if not headers:
        return None, False
    try:
        return detect_kind(headers, None).kind, True
    except FileRejected:
        pass
    scored = []
    for contract in CONTRACTS.values():
        try:
            mapping, missing = map_headers(headers, contract)
        except FileRejected:  # two headers map to one column of this kind
            continue
        scored.append((len(mapping.columns) - len(missing), contract.kind))
    if not scored:
        return None, False
    score, kind = max(scored)
    return (kind if score > 0 else None), False
