"""`pbk status`: what a data steward checks in the morning: last loads, rejected files, quarantine."""
from __future__ import annotations

import duckdb

from .intake import printable
from .warehouse_file import WarehouseBusy, open_duckdb
from .settings import Paths


def status(p: Paths, limit: int = 20) -> dict:
    if not p.warehouse.exists():
        return {"pbk_home": str(p.home), "warehouse": None, "loads": [], "rejected": [],
                "quarantine_by_rule": []}
    try:
        con = open_duckdb(p.warehouse, read_only=True)
    except WarehouseBusy as exc:
        # a run is writing: the load log is readable once it is done; readers use the published
        # copy meanwhile
        from .publish import current_version_dir

        current = current_version_dir(p.home)
        return {"pbk_home": str(p.home), "warehouse": str(p.warehouse), "loads": [],
                "rejected": [], "quarantine_by_rule": [], "freshness": [], "dq_failures": [],
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
    finally:
        con.close()
    return {"pbk_home": str(p.home), "warehouse": str(p.warehouse), "loads": loads,
            "rejected": rejected, "quarantine_by_rule": by_rule, "freshness": freshness,
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


def print_dq_failures(failures: list[dict]) -> None:
    if not failures:
        print("No failing data-quality rules in the latest validations.")
        return
    print("Failing data-quality rules (latest validation of each file / mart run):")
    for f in failures:
        what = {"reject": "REJECTED the batch", "quarantine": "rows quarantined",
                "warn": "warning"}.get(f["severity"], f["severity"])
        print(f"  {printable(f['subject'] or '')}: {f['rule']} on {f['column']} - "
              f"{f['unexpected_count']:,} ({what}): {printable(f['message'] or '')}")
        if f["sample"] and f["sample"] != "[]":
            print(f"      examples: {printable(str(f['sample']))}")


def print_status(doc: dict) -> None:
    print(f"PBK_HOME: {doc['pbk_home']}")
    if not doc["warehouse"]:
        print("no warehouse yet: run `pbk ingest` or `pbk run`")
        return
    if doc.get("note"):
        print(f"note: {doc['note']}")
    print("\nLast loads:")
    for r in doc["loads"]:
        print(f"  {str(r['finished_at'])[:19]}  {printable(r['source_file'])[:30]:<30} {str(r['kind']):<17} "
              f"{r['status']:<9} {r['rows_loaded'] or 0:>10,} loaded {r['rows_quarantined'] or 0:>8,} "
              "quarantined")
    if doc["rejected"]:
        print("\nRejected files:")
        for r in doc["rejected"]:
            print(f"  {printable(r['source_file'])}: {printable(r['message'] or '')}")
    if doc["quarantine_by_rule"]:
        print("\nQuarantined rows by rule (ops.quarantine):")
        width = max(len(r["rule"]) for r in doc["quarantine_by_rule"])
        for r in doc["quarantine_by_rule"]:
            print(f"  {r['kind']:<17} {r['rule']:<{width}} {r['rows']:>8,}")
    print("\nFreshness (last successful load per kind):")
    for r in doc["freshness"]:
        print(f"  {r['kind']:<17} {str(r['last_loaded_at'])[:19]} UTC")
    print()
    print_dq_failures(doc["dq_failures"])
    print(f"\nData Docs (open in a browser, works offline): {doc['data_docs']}")
