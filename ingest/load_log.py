"""ops.load_log: one row per file a run looked at (loaded, duplicate, deferred, rejected), with the
accounting of its rows and Rupiah. The table's DDL is in ingest/raw_tables.py."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from .results import FileResult

# The Rupiah column each kind's money is accounted by in ops.load_log
MONEY_COLUMNS = {"budget": "amount", "budget_plan": "planned_amount", "realization": "amount",
                 "cost_standard": "unit_cost"}
LOAD_LOG_COLUMNS = ("load_id", "source_file", "source_path", "source_sha256", "kind", "status",
                    "rows_read", "rows_loaded", "rows_quarantined", "bytes", "seconds", "message",
                    "file_format", "started_at", "finished_at", "archived_to", "scope",
                    "amount_read", "amount_loaded", "amount_quarantined", "rows_amount_unparsed",
                    "encoding", "coverage_cells")


def new_load_id(sha: str) -> str:
    now = dt.datetime.now(dt.timezone.utc)
    return f"{now:%Y%m%dT%H%M%S%fZ}-{sha[:8]}"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def already_loaded(con, sha: str) -> tuple[str, str] | None:
    """(load_id, kind) of the earlier load of the same bytes, if any."""
    return con.execute("SELECT load_id, kind FROM ops.load_log WHERE source_sha256 = ? "
                       "AND status = 'loaded' ORDER BY started_at LIMIT 1", [sha]).fetchone()


def write_load_log(con, r: FileResult, path: Path, started: dt.datetime, fmt: str | None) -> None:
    con.execute(
        f"INSERT INTO ops.load_log ({', '.join(LOAD_LOG_COLUMNS)}) VALUES "
        f"({', '.join('?' for _ in LOAD_LOG_COLUMNS)})",
        [r.load_id, r.file, str(path), r.sha256, r.kind, r.status, r.rows_read,
         r.rows_loaded, r.rows_quarantined, r.bytes, r.seconds,
         "; ".join(filter(None, [r.reason, *r.notes, *r.warnings])) or None, fmt, started,
         utcnow(), r.archived_to, r.scope, r.amount_read, r.amount_loaded,
         r.amount_quarantined, r.rows_amount_unparsed, r.encoding, r.coverage_cells])
