"""The Data Docs front page, `$PBK_HOME/docs/dq/index.html`, and one page per file listing its
quarantined rows (`docs/dq/quarantine/<load_id>.html`). Plain HTML with no external resource.

The front page holds one row per file of ops.load_log (what an auditor holds against the load
log: rows and Rupiah read, loaded and quarantined, and each rule that quarantined, rejected or
warned), the totals per rule, and the mart validations; it links to each file's quarantine page
and to GX's validation pages (made offline by offline_pages.py). The figures come from
dq_report.py, the same queries as `pbk dq`, `pbk status` and the published `audit` schema.
"""
from __future__ import annotations

import html
import json
from pathlib import Path

from base.local_time import wib

from . import dq_report

STYLE = """body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin-bottom:2em}
td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f1f3f5}
.fail{color:#a00;font-weight:bold}.ok{color:#070}.warn{color:#a60}ul{margin:0;padding-left:1.2em}"""
# a national file can quarantine many rows: its page lists this many, the rest are in
# ops.quarantine and the published audit.quarantine
PAGE_ROW_LIMIT = 5000
VERDICT_CLASS = {"loaded": "ok", "rejected": "fail", "duplicate": "warn", "deferred": "warn"}


def _e(value) -> str:
    return html.escape("" if value is None else str(value))


def _n(value) -> str:
    return "" if value is None else f"{value:,}"


def _rp(value) -> str:
    return "" if value is None else f"{value:,.2f}"


def _page(title: str, body: list[str]) -> str:
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{_e(title)}</title>"
            f"<style>{STYLE}</style></head><body>" + "\n".join(body) + "</body></html>")


def _gx_pages(dq_root: Path) -> dict[str, list[tuple[str, str]]]:
    """{load or run id: [(suite, page path relative to dq_root)]}."""
    site = dq_root / "site" / "validations"
    pages: dict[str, list[tuple[str, str]]] = {}
    for page in sorted(site.rglob("*.html")) if site.exists() else []:
        # validations/<suite>/<run name = load or run id>/<run time>/<page>.html
        suite, run = page.relative_to(site).parts[:2]
        pages.setdefault(run, []).append((suite, page.relative_to(dq_root).as_posix()))
    return pages


def _rules_cell(rules: list[dict]) -> str:
    if not rules:
        return "none"
    items = []
    for r in rules:
        amount = f", Rp {_rp(r['amount'])}" if r["amount"] is not None else ""
        count = f"{_n(r['rows'])} row(s)" if r["rows"] is not None else "the whole file"
        items.append(f"<li><span class='{'fail' if r['severity'] in ('reject', 'error') else 'warn'}'>"
                     f"{_e(r['severity'])}</span> <code>{_e(r['rule'])}</code>: {count}{amount}"
                     f"</li>")
    return "<ul>" + "".join(items) + "</ul>"


def build(con, dq_root: Path, limit: int = 500) -> Path:
    files = dq_report.file_outcomes(con, limit)
    gx_pages = _gx_pages(dq_root)
    out = [f"<h1>pbk-warehouse: data quality</h1><p>Times in WIB (Asia/Jakarta); stored in UTC. "
           "The same figures: <code>pbk dq</code>, <code>ops.load_log</code>, "
           "<code>ops.quarantine</code>, <code>ops.dq_results</code>, and in the published copy "
           "the <code>audit</code> schema. Rule catalogue: docs/data_quality.md. Rows read = "
           "loaded + quarantined; Rupiah read = loaded + quarantined (for the kinds accounted in "
           "money).</p>",
           "<h2>Files</h2><table><tr><th>finished</th><th>file</th><th>kind</th><th>status</th>"
           "<th>rows read</th><th>rows loaded</th><th>rows quarantined</th><th>Rp read</th>"
           "<th>Rp quarantined</th><th>rules that quarantined, rejected or warned</th>"
           "<th>pages</th></tr>"]
    for f in files:
        links = []
        if f["rows_quarantined"] and f["status"] == "loaded":
            page = quarantine_page(con, dq_root, f)
            links.append(f"<a href='{_e(page.relative_to(dq_root).as_posix())}'>quarantined rows</a>")
        links += [f"<a href='{_e(path)}'>{_e(suite)}</a>" for suite, path in
                  gx_pages.get(f["load_id"] or "", [])]
        out.append(
            f"<tr><td>{wib(f['finished_at'])}</td><td>{_e(f['source_file'])}</td>"
            f"<td>{_e(f['kind'])}</td><td class='{VERDICT_CLASS.get(f['status'], '')}'>"
            f"{_e(f['status'])}</td><td class='n'>{_n(f['rows_read'])}</td>"
            f"<td class='n'>{_n(f['rows_loaded'])}</td><td class='n'>{_n(f['rows_quarantined'])}"
            f"</td><td class='n'>{_rp(f['amount_read'])}</td>"
            f"<td class='n'>{_rp(f['amount_quarantined'])}</td><td>{_rules_cell(f['rules'])}"
            + (f"<br><small>{_e(f['message'])}</small>" if f["status"] != "loaded"
               and f["message"] else "")
            + f"</td><td>{'<br>'.join(links)}</td></tr>")
    out.append("</table><h2>Rules</h2><table><tr><th>rule</th><th>severity</th><th>files</th>"
               "<th>rows</th><th>Rp</th><th>what it means</th></tr>")
    for t in dq_report.rule_totals(files):
        out.append(f"<tr><td><code>{_e(t['rule'])}</code></td><td>{_e(t['severity'])}</td>"
                   f"<td class='n'>{t['files']}</td><td class='n'>{_n(t['rows'])}</td>"
                   f"<td class='n'>{_rp(t['amount'])}</td><td>{_e(t['description'])}</td></tr>")
    out.append("</table><h2>Mart validations</h2><table><tr><th>checked</th><th>dbt run</th>"
               "<th>suite</th><th>verdict</th><th>failing rules</th><th>GX page</th></tr>")
    for m in dq_report.mart_validations(con):
        page = dict(gx_pages.get(m["run_id"] or "", [])).get(m["suite"])
        out.append(
            f"<tr><td>{wib(m['checked_at'])}</td><td>{_e(m['run_id'])}</td><td>{_e(m['suite'])}"
            f"</td><td class='{'ok' if m['ok'] else 'fail'}'>{'passed' if m['ok'] else 'failed'}"
            f"</td><td>{_e(m['failing'] or '')}</td>"
            f"<td>{f'<a href={_e(page)!r}>result</a>' if page else ''}</td></tr>")
    out.append("</table>")
    target = dq_root / "index.html"
    target.write_text(_page("pbk data quality", out), encoding="utf-8")
    return target


def quarantine_page(con, dq_root: Path, f: dict) -> Path:
    """The page listing one load's quarantined rows (written once: a load's quarantine does not
    change)."""
    target = dq_root / "quarantine" / f"{f['load_id']}.html"
    if target.exists():
        return target
    rows = dq_report.quarantined_rows_of(con, f["load_id"], PAGE_ROW_LIMIT + 1)
    body = [f"<p><a href='../index.html'>data quality</a></p>"
            f"<h1>Quarantined rows of {_e(f['source_file'])}</h1>"
            f"<p>Load <code>{_e(f['load_id'])}</code>, {_e(f['kind'])}, finished "
            f"{wib(f['finished_at'])}: {_n(f['rows_read'])} rows read, {_n(f['rows_loaded'])} "
            f"loaded, {_n(f['rows_quarantined'])} quarantined"
            + (f"; Rp {_rp(f['amount_quarantined'])} of Rp {_rp(f['amount_read'])} quarantined"
               if f["amount_read"] is not None else "") + ". The original file is archived at "
            f"<code>{_e(f['archived_to'])}</code>; rows are numbered as the file's data rows "
            "(the header is not counted).</p>", _rules_cell(f["rules"]),
            "<table><tr><th>row</th><th>rule</th><th>field</th><th>value</th><th>reason</th>"
            "<th>Rp</th><th>the row as read</th></tr>"]
    for r in rows[:PAGE_ROW_LIMIT]:
        raw = r["raw_values"]
        cells = ", ".join(f"{k}={v}" for k, v in json.loads(raw).items()) if raw else ""
        body.append(f"<tr><td class='n'>{r['source_row']}</td><td><code>{_e(r['rule'])}</code>"
                    f"</td><td>{_e(r['field'])}</td><td>{_e(r['value'])}</td>"
                    f"<td>{_e(r['reason'])}</td><td class='n'>{_rp(r['amount'])}</td>"
                    f"<td><small>{_e(cells)}</small></td></tr>")
    body.append("</table>")
    if len(rows) > PAGE_ROW_LIMIT:
        body.append(f"<p>The first {PAGE_ROW_LIMIT:,} entries; all of them are in "
                    "<code>ops.quarantine</code> and the published <code>audit.quarantine</code>."
                    "</p>")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_page(f"quarantine: {f['source_file']}", body), encoding="utf-8")
    return target
