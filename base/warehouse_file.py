"""Opening the warehouse file with errors that name their cause and the way out: another process
holds it (who), or the file is damaged (how to restore it: docs/operations.md)."""
from __future__ import annotations

import re
from pathlib import Path

import duckdb

from .settings import paths

LOCK_MARKERS = ("could not set lock on file", "conflicting lock is held")


class WarehouseBusy(RuntimeError):
    """Another process has the warehouse open for writing."""


class WarehouseDamaged(RuntimeError):
    """The warehouse file cannot be read: truncated, overwritten or not a DuckDB file."""


def holder_of(home: Path) -> str | None:
    """The run holding $PBK_HOME/warehouse.lock, as it wrote itself there (pid, since when)."""
    try:
        text = paths(home).lock.read_text(errors="replace").strip()
    except OSError:
        return None
    return text or None


def open_duckdb(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    path = Path(path)
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        text = " ".join(str(exc).split())
        if any(m in text.lower() for m in LOCK_MARKERS):
            pid = re.search(r"PID (\d+)", text)
            run = holder_of(path.parent)
            who = f"process {pid.group(1)}" if pid else "another process"
            raise WarehouseBusy(
                f"the warehouse {path} is open in {who}"
                + (f" (the pbk run holding it: {run})" if run else "")
                + ": a run in progress, a BI tool or a notebook; wait for it or close it "
                f"(docs/operations.md). DuckDB: {text}") from None
        if isinstance(exc, (duckdb.IOException, duckdb.SerializationException,
                            duckdb.InternalException, duckdb.CatalogException)) \
                and path.exists():
            raise WarehouseDamaged(
                f"the warehouse file {path} cannot be opened ({text}): it is damaged. Restore "
                "it with `pbk rebuild` (from the archive and the load log) or put the published "
                "copy back (docs/operations.md)") from None
        raise
