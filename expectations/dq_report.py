"""What every data-quality rule did to each file, in one place: the queries behind `pbk dq`,
`pbk status`, the Data Docs front page and the published `audit` schema (no GX import).

One entry per file of ops.load_log (loaded, rejected, duplicate), with its rows and Rupiah read,
loaded and quarantined, and each rule that quarantined, rejected or warned about any of it:
- quarantine rules of a loaded file: rows (a row breaking a rule on two fields counts once) and
  their Rupiah from ops.quarantine, the rows themselves;
- rules that rejected the file, the rules that held its rows, and warnings: ops.dq_results (the
  rule's count is in rows of the batch, or in work units for a per-unit warning).
"""
from __future__ import annotations

from decimal import Decimal

from base.rule_catalogue import CATALOGUE

SEVERITY_ORDER = {"reject": 0, "quarantine": 1, "error": 2, "warn": 3}


def _rows(con, sql: str, params=()) -> list[dict]:
    cur = con.execute(sql, list(params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def _amount_column(con) -> str:
    """ops.quarantine.amount, or NULL in a home written before the column (it is added by the
    next load; readers open the file read-only)."""
    found = con.execute("SELECT count(*) FROM duckdb_columns() WHERE schema_name = 'ops' AND "
                        "table_name = 'quarantine' AND column_name = 'amount'").fetchone()[0]
    return "amount" if found else "NULL::DECIMAL(38,2)"


def file_outcomes(con, limit: int | None = None) -> list[dict]:
    """Files newest first, each with `rules`: [{rule, severity, rows, amount, message}] (most
    severe first). `limit`: at most this many files."""
    files = _rows(con, f"""
        SELECT load_id, source_file, kind, status, started_at, finished_at, rows_read,
               rows_loaded, rows_quarantined, amount_read, amount_loaded, amount_quarantined,
               rows_amount_unparsed, message, archived_to
        FROM ops.load_log ORDER BY finished_at DESC, load_id
        {'LIMIT ' + str(int(limit)) if limit else ''}""")
    if not files:
        return []
    ids = [f["load_id"] for f in files if f["load_id"]]
    quarantined = _rows(con, f"""
        SELECT load_id, rule, count(*) AS rows, sum(amount) AS amount,
               arg_min(reason, source_row) AS message
        FROM (SELECT load_id, rule, source_row, any_value({_amount_column(con)}) AS amount,
                     min(reason) AS reason
              FROM ops.quarantine WHERE load_id IN (SELECT unnest(?::VARCHAR[]))
              GROUP BY load_id, rule, source_row)
        GROUP BY load_id, rule""", [ids])
    # failing rule results of the file's validation; quarantine rules of a loaded file come from
    # ops.quarantine instead (exact rows, with amounts)
    results = _rows(con, """
        SELECT load_id, rule, any_value(severity) AS severity, max(unexpected_count) AS rows,
               any_value(message) AS message
        FROM ops.dq_results WHERE NOT success AND load_id IN (SELECT unnest(?::VARCHAR[]))
        GROUP BY load_id, rule""", [ids])
    by_load: dict[str, dict[str, dict]] = {}
    for q in quarantined:
        by_load.setdefault(q["load_id"], {})[q["rule"]] = {
            "rule": q["rule"], "severity": "quarantine", "rows": q["rows"],
            "amount": q["amount"], "message": q["message"]}
    status = {f["load_id"]: f["status"] for f in files}
    for r in results:
        rules = by_load.setdefault(r["load_id"], {})
        if r["rule"] in rules and status.get(r["load_id"]) == "loaded":
            continue
        rules[r["rule"]] = {"rule": r["rule"], "severity": r["severity"], "rows": r["rows"],
                            "amount": None, "message": r["message"]}
    for f in files:
        rules = list(by_load.get(f["load_id"], {}).values())
        if f["status"] == "rejected" and not any(r["severity"] == "reject" for r in rules):
            # refused before any rule ran (an older home, or an internal error): the load log's
            # message is the reason
            rules.append({"rule": "file_rejected", "severity": "reject", "rows": f["rows_read"],
                          "amount": f["amount_read"], "message": f["message"]})
        f["rules"] = sorted(rules, key=lambda r: (SEVERITY_ORDER.get(r["severity"], 9),
                                                  -(r["rows"] or 0), r["rule"]))
    return files


def rule_totals(files: list[dict]) -> list[dict]:
    """Per rule over the given files: severity, files, rows, Rupiah, its catalogue text."""
    totals: dict[str, dict] = {}
    for f in files:
        for r in f["rules"]:
            t = totals.setdefault(r["rule"], {
                "rule": r["rule"], "severity": r["severity"], "files": 0, "rows": 0,
                "amount": None, "description": getattr(CATALOGUE.get(r["rule"]), "message",
                                                       r["message"])})
            t["files"] += 1
            t["rows"] += r["rows"] or 0
            if r["amount"] is not None:
                t["amount"] = (t["amount"] or Decimal(0)) + r["amount"]
    return sorted(totals.values(), key=lambda t: (SEVERITY_ORDER.get(t["severity"], 9),
                                                  -t["rows"], t["rule"]))


def quarantined_rows_of(con, load_id: str, limit: int | None = None) -> list[dict]:
    """The quarantined rows of one load, in file order: row, field, value, rule, reason, amount,
    the row's raw cells (at most `limit` entries)."""
    return _rows(con, f"""
        SELECT source_row, field, value, rule, reason, {_amount_column(con)} AS amount, raw_values
        FROM ops.quarantine WHERE load_id = ? ORDER BY source_row, rule, field
        {'LIMIT ' + str(int(limit)) if limit else ''}""", [load_id])


def mart_validations(con, limit: int = 50) -> list[dict]:
    """Mart suites of the latest runs: run, suite, checked, verdict, failing rules."""
    return _rows(con, """
        SELECT run_id, suite, min(checked_at) AS checked_at, bool_and(success) AS ok,
               string_agg(CASE WHEN NOT success THEN severity || ': ' || rule || ' (' ||
                          unexpected_count || ')' END, '; ') AS failing
        FROM ops.dq_results WHERE load_id IS NULL AND run_id IS NOT NULL GROUP BY ALL
        ORDER BY checked_at DESC, suite LIMIT ?""", [limit])
