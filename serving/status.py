"""`pbk status`: what a data steward checks in the morning: last loads, rejected files, quarantine."""
from __future__ import annotations

from base.warehouse_file import WarehouseBusy, open_duckdb
from base.settings import Paths
from expectations.dq_report import file_outcomes, rule_totals

from .source_freshness import latest_freshness


def status(p: Paths, limit: int = 20) -> dict:
    if not p.warehouse.exists():
        return {"pbk_home": str(p.home), "warehouse": None, "loads": [], "rejected": [],
                "quarantine_by_rule": [], "rules": []}
    try:
        con = open_duckdb(p.warehouse, read_only=True)
    except WarehouseBusy as exc:
        # a run is writing: the load log is readable once it is done; readers use the published
        # copy meanwhile
        from .published_versions import current_version_dir

        current = current_version_dir(p.home)
        return {"pbk_home": str(p.home), "warehouse": str(p.warehouse), "loads": [],
                "rejected": [], "quarantine_by_rule": [], "rules": [], "freshness": [],
                "source_freshness": latest_freshness(p), "dq_failures": [],
                "data_docs": str(p.docs / "dq" / "index.html"),
                "note": f"{exc}" + (f"; the published copy {current / 'pbk.duckdb'} is readable "
                                    "meanwhile" if current else "")}
    note = None
    try:
        def rows(sql, params=()):
            cur = con.execute(sql, list(params))
            names = [d[0] for d in cur.description]
            return [dict(zip(names, r)) for r in cur.fetchall()]

        loads = rows("SELECT load_id, source_file, kind, status, rows_read, rows_loaded, "
                     "rows_quarantined, round(seconds, 2) AS seconds, finished_at, message "
                     "FROM ops.load_log ORDER BY finished_at DESC LIMIT ?", [limit])
        rejected = rows("SELECT load_id, source_file, message, finished_at FROM ops.load_log "
                        "WHERE status = 'rejected' ORDER BY finished_at DESC LIMIT ?", [limit])
        by_rule = rows("SELECT kind, rule, count(DISTINCT (load_id, source_row)) AS rows, "
                       "max(quarantined_at) AS last_seen FROM ops.quarantine GROUP BY kind, rule "
                       "ORDER BY kind, rule")
        freshness = rows("SELECT kind, max(finished_at) AS last_loaded_at FROM ops.load_log "
                         "WHERE status = 'loaded' GROUP BY kind ORDER BY kind")
        dq_failures = latest_dq_failures(con, limit)
        # every rule that quarantined, rejected or warned in the latest files, with rows and Rp
        rules = rule_totals(file_outcomes(con, limit))
    finally:
        con.close()
    return {"pbk_home": str(p.home), "warehouse": str(p.warehouse), "loads": loads,
            "rejected": rejected, "quarantine_by_rule": by_rule, "rules": rules,
            "freshness": freshness, "source_freshness": latest_freshness(p),
            "dq_failures": dq_failures, "data_docs": str(p.docs / "dq" / "index.html"),
            "note": note}


def latest_dq_failures(con, limit: int = 50) -> list[dict]:
    """Failed rules of each file's latest validation (and of the latest mart run), newest first."""
    cur = con.execute(
        """WITH latest AS (
               SELECT coalesce(source_file, suite) AS subject, suite, max(checked_at) AS checked_at
               FROM ops.dq_results GROUP BY ALL)
           SELECT d.checked_at, coalesce(d.source_file, d.suite) AS subject, d.suite, d.rule,
                  d."column", d.severity, d.unexpected_count, d.sample, d.message
           FROM ops.dq_results d JOIN latest l ON coalesce(d.source_file, d.suite) = l.subject
                AND d.suite = l.suite AND d.checked_at = l.checked_at
           WHERE NOT d.success ORDER BY d.checked_at DESC, d.severity, d.rule LIMIT ?""", [limit])
    names = [c[0] for c in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]




def dq_overview(p: Paths, limit: int = 50) -> dict:
    """`pbk dq`: the latest `limit` files with what each rule did to them, the totals per rule,
    and the failing rules of each file's latest validation (with examples)."""
    files, failures = [], []
    if p.warehouse.exists():
        con = open_duckdb(p.warehouse, read_only=True)
        try:
            files = file_outcomes(con, limit)
            failures = latest_dq_failures(con, None)
        finally:
            con.close()
    return {"files": files, "rules": rule_totals(files), "failures": failures,
            "data_docs": str(p.docs / "dq" / "index.html")}
