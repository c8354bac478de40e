"""What waits in $PBK_HOME/landing, and of which extract kind each file is.

The kind comes from the file's header row only (ingest/sniff.py: the loader's own header mapping,
read cheaply: the first line of a CSV, the first rows of an XLSX sheet, the schema of a Parquet
file). The sensor uses it to start one run per new file for that file's
kind; the ingest asset of a kind picks its files with it. A file whose headers match no kind is
assigned to the closest kind (or none) and is rejected by the loader with the reason, as
`pbk ingest` would.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from base.settings import Paths
from ingest.contracts import KINDS
from ingest.intake import landing_files, refusal
from ingest.sniff import sniff_kind


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
