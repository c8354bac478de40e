"""Everything the command line prints for people (JSON is printed by pbk/cli.py as it is). Names
from files are printed with control characters escaped (ingest.intake.printable): a file name
cannot forge terminal lines."""
from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from base.local_time import wib
from base.settings import Paths, paths
from ingest.intake import printable
from serving.trace.marts import MARTS

if TYPE_CHECKING:
    from orchestration.run import RunOutcome
    from serving.publish import PublishResult
    from serving.trace.reconcile import TraceResult


def print_generated(out: Path, manifest: dict, notes_dir: Path | None = None) -> None:
    print(f"Generated extracts in {out} (scale {manifest['scale']}, seed {manifest['seed']}, "
          f"dirty fraction {manifest['dirty_fraction']}):")
    for kind, info in manifest["files"].items():
        dirt = sum(info.get("dirt", {}).values())
        print(f"  {info['file']:<24} {info['rows']:>10,} rows" + (f"  ({dirt:,} dirty)" if dirt else ""))
    print(f"  manifest.json, dirt.csv    what was made dirty, row by row (in {notes_dir or out})")


def print_ingest_table(results) -> None:
    if not results:
        print("nothing to ingest")
        return
    print(f"{'file':<28} {'kind':<17} {'status':<10} {'read':>10} {'loaded':>10} {'quarant.':>9}")
    for r in results:
        print(f"{printable(r.file)[:28]:<28} {str(r.kind or '-'):<17} {r.status:<10} {r.rows_read:>10,} "
              f"{r.rows_loaded:>10,} {r.rows_quarantined:>9,}")
        if r.reason:
            print(f"    {printable(r.reason)}")
        if r.amount_read is not None:
            unparsed = (f"; {r.rows_amount_unparsed:,} row(s) without a readable amount"
                        if r.rows_amount_unparsed else "")
            print(f"    Rp {r.amount_read:,.2f} read = {r.amount_loaded or 0:,.2f} loaded + "
                  f"{r.amount_quarantined or 0:,.2f} quarantined{unparsed}")
        for rule, count in sorted(r.quarantined_by_rule.items()):
            print(f"    quarantined {count:,} row(s): {rule}")
        for warning in r.warnings:
            print(f"    warning {warning}")


def print_run_outcome(outcome: RunOutcome, p: Paths | None = None) -> None:
    """What `pbk demo` prints after its run: ingest table, dbt and GX results, the mart summary;
    then the failing checks, blocking first."""
    from serving.summary import mart_summary

    if p is None:
        p = paths(outcome.home)
    print(f"Dagster run {outcome.run_id} ({'succeeded' if outcome.success else 'FAILED'})\n")
    print("Ingest (landing -> raw.*, quarantine -> ops.quarantine):")
    print_ingest_table(outcome.files)
    built = [a for a, s in outcome.assets.items() if s == "materialized"]
    unchanged = [a for a, s in outcome.assets.items() if s == "unchanged"]
    not_built = [a for a, s in outcome.assets.items() if s not in ("materialized", "unchanged")]
    dbt = outcome.checks_by_source.get("dbt", {"passed": 0, "failed": 0})
    gx = outcome.checks_by_source.get("gx", {"passed": 0, "failed": 0})
    print(f"\nAssets: {len(built)} materialized"
          + (f", {len(unchanged)} unchanged (no new data for them)" if unchanged else "")
          + (f", {len(not_built)} not built" if not_built else ""))
    if outcome.scope:
        print(f"Built: {outcome.scope}")
    print(f"dbt tests: {dbt['passed']} passed, {dbt['failed']} failed")
    print(f"GX rules (batches and marts): {gx['passed']} passed, {gx['failed']} failed")
    blocking = outcome.blocking_failures
    others = [c for c in outcome.failed_checks if not c.blocking]
    for c in blocking:
        print(f"  BLOCKING {c.label}: {c.message}")
    for c in others:
        print(f"  {c.severity}: {c.label}: {c.message}")
    for e in outcome.errors:
        print(f"  step failed: {e}")
    if not_built and blocking:
        print(f"  not built because of the failures above: {', '.join(not_built[:8])}"
              + (" ..." if len(not_built) > 8 else ""))
    print()
    if p.warehouse.exists():
        try:
            print_mart_summary(mart_summary(p.warehouse))
        except Exception as exc:  # marts missing after a failed first build
            print(f"(no mart summary: {exc})")


SEVERITY_WORDS = {"reject": "REJECTED the file", "quarantine": "quarantined",
                  "warn": "warning", "error": "ERROR"}


def _rule_line(r: dict) -> str:
    count = "the whole file" if r["rows"] is None else f"{r['rows']:,} row(s)"
    amount = f", Rp {r['amount']:,.2f}" if r.get("amount") is not None else ""
    return f"{r['rule']} ({SEVERITY_WORDS.get(r['severity'], r['severity'])}): {count}{amount}"


def print_rule_totals(rules: list[dict], files_seen: str) -> None:
    if not rules:
        print(f"No rule quarantined, rejected or warned about anything in {files_seen}.")
        return
    print(f"Rules that quarantined, rejected or warned ({files_seen}):")
    width = max(len(r["rule"]) for r in rules)
    for r in rules:
        amount = f"  Rp {r['amount']:>20,.2f}" if r["amount"] is not None else ""
        counted = (f"{r['files']:>9,} file(s) refused whole" if r["severity"] == "reject"
                   and not r["rows"] else f"{r['rows']:>9,} row(s) in {r['files']} file(s)")
        print(f"  {r['rule']:<{width}}  {SEVERITY_WORDS.get(r['severity'], r['severity']):<18} "
              f"{counted}{amount}")


def print_dq(doc: dict) -> None:
    """`pbk dq`: each file with what each rule did to it, then the totals and examples."""
    files = doc["files"]
    if not files:
        print("No file loaded yet.")
    for f in files:
        money = (f"; Rp {f['amount_read']:,.2f} read, Rp {f['amount_quarantined'] or 0:,.2f} "
                 "quarantined" if f["amount_read"] is not None else "")
        print(f"{wib(f['finished_at'])}  {printable(f['source_file'] or '')} ({f['kind'] or '-'}, "
              f"{f['status']}): {f['rows_read'] or 0:,} rows read, {f['rows_loaded'] or 0:,} "
              f"loaded, {f['rows_quarantined'] or 0:,} quarantined{money}")
        for r in f["rules"]:
            print(f"    {_rule_line(r)}: {printable(r['message'] or '')}")
    print()
    print_rule_totals(doc["rules"], f"the latest {len(files)} file(s)")
    examples = [f for f in doc["failures"] if f["sample"] and f["sample"] != "[]"]
    if examples:
        print("\nExamples (latest validation of each file):")
        for f in examples:
            print(f"  {printable(f['subject'] or '')}: {f['rule']} on {f['column']}: "
                  f"{printable(str(f['sample']))}")
    print(f"\nData Docs (open in a browser, works offline): {doc['data_docs']}")


def print_status(doc: dict) -> None:
    print(f"PBK_HOME: {doc['pbk_home']}")
    if not doc["warehouse"]:
        print("no warehouse yet: run `pbk ingest` or `pbk run`")
        return
    if doc.get("note"):
        print(f"note: {doc['note']}")
    print("\nLast loads:")
    for r in doc["loads"]:
        print(f"  {wib(r['finished_at'])}  {printable(r['source_file']):<30} {str(r['kind']):<17} "
              f"{r['status']:<9} {r['rows_loaded'] or 0:>10,} loaded {r['rows_quarantined'] or 0:>8,} "
              "quarantined")
    if doc["rejected"]:
        print("\nRejected files:")
        for r in doc["rejected"]:
            print(f"  {printable(r['source_file'])}: {printable(r['message'] or '')}")
    print()
    print_rule_totals(doc["rules"], f"the latest {len(doc['loads'])} file(s)")
    marts = [f for f in doc["dq_failures"] if not f["suite"].startswith(("extract_", "batch_",
                                                                         "parse_"))]
    if marts:
        print("\nFailing mart rules (latest check run):")
        for f in marts:
            print(f"  {f['rule']} ({SEVERITY_WORDS.get(f['severity'], f['severity'])}): "
                  f"{f['unexpected_count']:,} row(s): {printable(f['message'] or '')}")
    print("\nFreshness (last successful load per kind):")
    for r in doc["freshness"]:
        print(f"  {r['kind']:<17} {wib(r['last_loaded_at'])}")
    if doc.get("source_freshness"):
        checked = doc["source_freshness"][0]["checked_at"]
        print(f"\nSource freshness (dbt source freshness, after the last publish"
              + (f", {wib(_utc(checked))}" if checked else "") + "):")
        for r in doc["source_freshness"]:
            print(f"  {r['source']:<22} {r['status']:<6} newest load {wib(r['max_loaded_at'])}"
                  f"  ({r['age_hours']} h ago; warn after {r['warn_after']}, error after "
                  f"{r['error_after']})")
    print(f"\nData Docs (open in a browser, works offline): {doc['data_docs']}")


def _utc(text: str):
    """dbt's ISO timestamp (with Z) as a datetime."""
    import datetime as dt

    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def print_mart_summary(doc: dict) -> None:
    print("Marts (marts.*):")
    for mart, n in doc["row_counts"].items():
        print(f"  {mart:<28} {n:>10,} rows")
    if doc["lowest_absorption"]:
        first = doc["lowest_absorption"][0]
        print(f"\nLowest budget absorption, fiscal year {first['fiscal_year']} as of month "
              f"{first['month']} (realized / current pagu):")
        for r in doc["lowest_absorption"]:
            print(f"  {r['work_unit_code']:<16} {str(r['work_unit_name'] or '')[:40]:<40} "
                  f"{r['absorption_pct']:>7.2f} %  (Rp {r['realized_cumulative']:,.0f} of "
                  f"Rp {r['budget_amount']:,.0f})")
    if doc["sakip_grades"]:
        print("\nSAKIP grades (institutions per grade):")
        for r in doc["sakip_grades"]:
            print(f"  {r['fiscal_year']} {r['regulation']:<22} {r['grade']:<13} {r['institutions']:>5}")


def print_publish_result(result: PublishResult) -> None:
    if result.published:
        rows = sum(result.tables.values())
        print(f"Published version {result.version} ({len(result.tables)} tables, {rows:,} rows, "
              f"DuckDB storage {result.storage_version}) in {result.seconds:.1f} s")
        print(f"  DuckDB:  {result.path}")
        print(f"  Parquet: {result.path.parent / 'parquet'}")
        if result.shared_tables:
            print(f"  unchanged since {result.previous_version} (files shared, not written again): "
                  f"{len(result.shared_tables)} of {len(result.tables)} tables")
        if result.removed_versions:
            print(f"  removed old versions: {', '.join(result.removed_versions)}")
    else:
        print(f"Not published: {result.reason}")
        for b in result.blocked_by:
            print(f"  {b.suite}: {b.rule} ({b.unexpected_count} unexpected) {b.message or ''}")


def _trace_value(v) -> str:
    """A figure as the trace prints it: Rupiah with cents, ratios without trailing zeros."""
    if v is None:
        return "-"
    if isinstance(v, Decimal):
        return f"{v:,.2f}"
    if isinstance(v, float):
        return f"{v:,.6f}".rstrip("0").rstrip(".") if v != int(v) or abs(v) < 1e15 else f"{v:,.0f}"
    if isinstance(v, bool):
        return "yes" if v else "no"
    return str(v)


def print_trace(result: TraceResult, limit: int | None = None, out=None) -> None:
    out = out or sys.stdout
    w = lambda s="": print(s, file=out)  # noqa: E731
    spec = MARTS[result.mart]
    keys = " ".join(f"{k}={v if v is not None else 'NULL'}" for k, v in result.keys.items())
    w(f"{result.mart}  {keys}")
    src = result.database + (f"  (published version {result.published_version})"
                             if result.published_version else "")
    w(f"database: {src}")
    w()
    w(f"Figure ({len(result.rows)} mart row{'s' if len(result.rows) != 1 else ''}):")
    shown = [c for c in spec.shown if c in result.rows[0]]
    widths = {c: max(len(c), *(len(_trace_value(r[c])) for r in result.rows)) for c in shown}
    w("  " + "  ".join(c.rjust(widths[c]) for c in shown))
    for r in result.rows:
        w("  " + "  ".join(_trace_value(r[c]).rjust(widths[c]) for c in shown))
    if len(result.rows) > 1 and result.total:
        w("  " + "  ".join(_trace_value(result.total.get(c, "" if i else "total")).rjust(widths[c])
                           for i, c in enumerate(shown)))
    if result.note:
        w(f"  ({result.note})")
    w()
    w("Source files:")
    for f in result.files:
        verified = {True: "  sha256 verified", False: "  SHA256 MISMATCH", None: ""}[
            f.get("sha256_verified")] if "sha256_verified" in f else ""
        w(f"  {f['source_file']}  sha256 {f['sha256']}  load {f['load_id']}  "
          f"{f['lines']:,} line(s){verified}")
        if f["archived_file"]:
            w(f"    archived: {f['archived_file']}")
    for side in spec.sides:
        side_lines = [ln for ln in result.lines if ln["side"] == side.name]
        w()
        w(f"{side.title}: {len(side_lines):,} line(s)")
        if not side_lines:
            continue
        counted = any(ln["counted"] != ln["amount"] for ln in side_lines)
        w(f"  {'file':<22} {'sha256':<12} {'row':>7}  {'load id':<32} {'amount':>20} "
          + (f"{'counted':>10} " if counted else "") + " detail")
        for ln in side_lines[:limit] if limit else side_lines:
            detail = ", ".join(f"{c}={_trace_value(ln.get(c))}" for c in side.detail if ln.get(c) is not None)
            w(f"  {ln['_source_file'][:22]:<22} {ln['_source_sha256'][:12]:<12} {ln['_source_row']:>7}  "
              f"{ln['_load_id']:<32} {_trace_value(ln['amount']):>20} "
              + (f"{_trace_value(ln['counted']):>10} " if counted else "") + f" {detail}")
            if ln.get("source_text") is not None:
                w(f"      {ln['source_location']} of the file: {ln['source_text']}")
        if limit and len(side_lines) > limit:
            w(f"  ... {len(side_lines) - limit:,} more (--json lists all)")
    w()
    w("Reconciliation:")
    for r in result.reconciliation:
        status = "OK" if r["ok"] else f"DIFFERENCE {_trace_value(r['difference'])}"
        w(f"  {r['measure']:<30} mart {_trace_value(r['mart']):>22}   traced {_trace_value(r['traced']):>22}"
          f"   ({r['lines']:,} {r['side']} line(s))  {status}")
    bad = [c for c in result.checks if not c["ok"]]
    if result.checks:
        names = sorted({c["check"] for c in result.checks})
        if len(result.checks) <= 5:
            for c in result.checks:
                w(f"  {c['check']:<30} mart {_trace_value(c['mart']):>22}   recomputed "
                  f"{_trace_value(c['recomputed']):>18}   = {c['formula']}  {'OK' if c['ok'] else 'MISMATCH'}")
        else:
            n_rows = len({c["row_key"] for c in result.checks})
            w(f"  {', '.join(names)}: recomputed from the traced lines for each of the {n_rows} rows: "
              + ("all equal the mart" if not bad else f"{len(bad)} of {len(result.checks)} differ"))
            for c in bad[:10]:
                w(f"    MISMATCH {c['check']} row {c['row_key']}: mart {_trace_value(c['mart'])}, "
                  f"recomputed {_trace_value(c['recomputed'])} = {c['formula']}")
    w()
    w("RECONCILED: the traced lines give the mart figure" if result.reconciled else
      "NOT RECONCILED: see the differences above")
