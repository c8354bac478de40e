"""Recording rule results in ops.dq_results (what `pbk dq`, `pbk status`, the Dagster checks and
the offline front page read)."""
from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

from .schema import DQ_RESULTS_DDL

if TYPE_CHECKING:   # validation.py imports GX; recording a refusal must not
    from .validation import RuleResult


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def record_results(con, load_id: str | None, run_id: str | None, suite: str,
                   results: list[RuleResult], source_file: str | None) -> None:
    con.execute(DQ_RESULTS_DDL)
    now = utcnow()
    for r in results:
        con.execute("INSERT INTO ops.dq_results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [load_id, run_id, suite, r.label, r.column, r.severity, r.success,
                     r.unexpected_count, json.dumps(r.sample, default=str), r.message, source_file,
                     now])


def record_refusal(con, load_id: str | None, suite: str, rule: str, rows: int | None,
                   message: str, source_file: str | None) -> None:
    """A file refused whole before its rules ran (base/rule_catalogue.py: the parse stage's
    rejecting rules), as a failed rule result."""
    con.execute(DQ_RESULTS_DDL)
    con.execute("INSERT INTO ops.dq_results VALUES (?, NULL, ?, ?, NULL, 'reject', false, ?, "
                "'[]', ?, ?, ?)", [load_id, suite, rule, rows, message, source_file, utcnow()])
