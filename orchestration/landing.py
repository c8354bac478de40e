"""What waits in $PBK_HOME/landing, and of which extract kind each file is.

The kind comes from the file's header row only (the loader's own header mapping,
ingest.loader.detect_kind), read cheaply: the first line of a CSV, the first rows of an XLSX sheet,
the schema of a Parquet file. The sensor uses it to start one run per new file for that file's
kind; the ingest asset of a kind picks its files with it. A file whose headers match no kind is
assigned to the closest kind (or none) and is rejected by the loader with the reason, as
`pbk ingest` would.
"""
from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

from ingest.contracts import CONTRACTS, KINDS, normalise_header
from ingest.loader import detect_kind, landing_files, map_headers
from ingest.errors import FileRejected
from ingest.intake import refusal
from ingest.readers import detect_delimiter, file_format
from base.settings import Paths


@dataclass(frozen=True)
class LandingFile:
    path: Path
    kind: str | None      # the kind its headers match (or the closest one), None if unreadable
    exact: bool           # headers match that kind completely
    size: int
    mtime_ns: int

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def signature(self) -> str:
        """Changes when the file is replaced or rewritten: the sensor's cursor entry."""
        return f"{self.size}:{self.mtime_ns}"


def read_headers(path: Path) -> list[str]:
    fmt = file_format(path)
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return list(pq.read_schema(path).names)
    if fmt == "xlsx":
        return _xlsx_headers(path)
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            with open(path, "r", encoding=encoding, newline="") as fh:
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


def scan_landing(p: Paths, names: list[str] | None = None, wait: bool = True) -> list[LandingFile]:
    """Files waiting in landing (hidden files and in-progress uploads skipped), optionally only
    those named, with their kinds; ordered as they should load: budget first (the realization
    rules compare against the current pagu), then by kind, then by name."""
    files = landing_files(p, wait=wait)
    if names is not None:
        wanted = set(names)
        files = [f for f in files if f.name in wanted]
    out = []
    for path in files:
        try:
            st = os.lstat(path)
        except OSError:
            continue  # moved away meanwhile
        # a FIFO, socket or symlink is never opened (a FIFO would block): the loader refuses it
        kind, exact = (None, False) if refusal(path, p.landing) else sniff_kind(path)
        out.append(LandingFile(path, kind, exact, st.st_size, st.st_mtime_ns))
    order = {k: i for i, k in enumerate(KINDS)}
    return sorted(out, key=lambda f: (order.get(f.kind, len(order)), f.name))
