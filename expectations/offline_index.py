"""An offline front page for the Data Docs: `$PBK_HOME/docs/dq/index.html`.

GX's own site index renders its table with scripts from public CDNs, so on an offline machine it
shows nothing. This page is plain HTML with no external resources: every validation with its
verdict and failing rules, linked to GX's validation pages (which carry their content in the HTML).
"""
from __future__ import annotations

import html
from pathlib import Path

STYLE = """body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}
.fail{color:#a00;font-weight:bold}.ok{color:#070}.warn{color:#a60}"""


def build(con, dq_root: Path, limit: int = 500) -> Path:
    site = dq_root / "site"
    pages = {}
    for page in (site / "validations").rglob("*.html") if (site / "validations").exists() else []:
        # validations/<suite>/<run name = load or run id>/<run time>/<page>.html
        rel = page.relative_to(dq_root)
        suite, run = page.relative_to(site / "validations").parts[:2]
        pages[(suite, run)] = rel.as_posix()
    rows = con.execute(
        """SELECT coalesce(load_id, run_id) AS run, suite, any_value(source_file) AS subject,
                  min(checked_at) AS checked_at, bool_and(success) AS ok,
                  string_agg(CASE WHEN NOT success THEN severity || ': ' || rule || ' (' ||
                             unexpected_count || ')' END, '; ') AS failing
           FROM ops.dq_results GROUP BY ALL ORDER BY checked_at DESC LIMIT ?""", [limit]).fetchall()
    out = [f"<!doctype html><html><head><meta charset='utf-8'><title>pbk data quality</title>"
           f"<style>{STYLE}</style></head><body><h1>pbk-warehouse: data-quality validations</h1>"
           "<p>Newest first. Each row is one GX validation of an extract batch (suite "
           "<code>extract_*</code>: row rules; <code>batch_*</code>: batch rules) or of the marts "
           "(<code>mart_*</code>). Rule catalogue: docs/data_quality.md in the repository. "
           "The same results are in <code>ops.dq_results</code>.</p>"
           "<table><tr><th>checked (UTC)</th><th>file / run</th><th>suite</th><th>verdict</th>"
           "<th>failing rules (rows)</th><th>GX page</th></tr>"]
    for run, suite, subject, checked, ok, failing in rows:
        link = pages.get((suite, run))
        out.append(
            f"<tr><td>{str(checked)[:19]}</td><td>{html.escape(subject or run)}</td>"
            f"<td>{html.escape(suite)}</td>"
            f"<td class='{'ok' if ok else 'fail'}'>{'passed' if ok else 'failed'}</td>"
            f"<td>{html.escape(failing or '')}</td>"
            f"<td>{f'<a href={html.escape(link)!r}>result</a>' if link else ''}</td></tr>")
    out.append("</table></body></html>")
    target = dq_root / "index.html"
    target.write_text("\n".join(out), encoding="utf-8")
    return target
