"""GX's Data Docs pages as people read them on an offline machine.

GX renders each validation result and suite into an HTML page whose content is in the page, but
whose styling and scripts come from public CDNs (Bootstrap, jQuery, bootstrap-table, Vega, Font
Awesome) and whose logo is fetched from S3 with the data context id. Offline such a page is
unstyled; online it reports to a third party that someone opened it. Two passes fix that:

- before a result is rendered (`restate_result`): the page names its data asset (the file and
  load, or the mart run), and a row rule's counts are restated in rows of the batch. Row rules are
  validated on the distinct key combinations of a batch (expectations/rules.py), so GX's own
  figures count combinations ("12 unexpected of 927") where an auditor needs rows ("40 of
  20,287"); the row counts are the ones ops.dq_results holds.
- after it is rendered (`localise_page`): every link to a resource off this machine is removed, the
  page gets the stylesheet shipped in expectations/gx/offline.css (copied beside GX's own static
  files) and a plain-JavaScript version of its "Failed only" filter (GX's needs jQuery).
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

STYLESHEET = Path(__file__).resolve().parent / "gx" / "offline.css"
OFFLINE_MARK = "pbk-offline-page"
# in the stored result's meta: the result was restated for its page (done once)
RESTATED_MARK = "pbk_restated_for_pages"

_REMOTE_LINK = re.compile(r"<link\b[^>]*\bhref=\"https?://[^\"]*\"[^>]*>", re.I)
_REMOTE_SCRIPT = re.compile(r"<script\b[^>]*\bsrc=\"https?://[^\"]*\"[^>]*>\s*</script>", re.I)
_REMOTE_IMAGE = re.compile(r"<img\b[^>]*\bsrc=\"https?://[^\"]*\"[^>]*>", re.I | re.S)
_REMOTE_CSS_URL = re.compile(r"url\(['\"]?https?://[^)]*\)", re.I)   # the dark theme's logo
_FOOTER = re.compile(r"<footer>.*?</footer>", re.I | re.S)   # GX's newsletter link
_FAVICON = re.compile(r"href=\"[^\"]*static/images/favicon\.ico\"")   # GX's path misses a level
_JQUERY_FILTER = re.compile(r"<script>\s*function showAllValidations\(\).*?</script>", re.S)

# GX's two filter functions without jQuery: hide the succeeded expectations, and the column
# sections (with their sidebar links) where nothing failed
_FILTER_SCRIPT = """<script>
function pbkSetSucceededHidden(hidden) {
  const show = (el) => { if (el) el.style.display = hidden ? "none" : ""; };
  document.querySelectorAll(".hide-succeeded-validation-target-child").forEach((el) => show(el.parentElement));
  document.querySelectorAll(".hide-succeeded-validation-target").forEach(show);
  document.querySelectorAll(".hide-succeeded-validations-column-section-target-child").forEach((el) => {
    const section = el.parentElement && el.parentElement.parentElement;
    show(section);
    if (section && section.id) document.querySelectorAll('a[href$="' + section.id + '"]').forEach(show);
  });
}
function showAllValidations() { pbkSetSucceededHidden(false); }
function hideSucceededValidations() { pbkSetSucceededHidden(true); }
</script>"""


def install_stylesheet(site: Path) -> Path:
    """The offline stylesheet under the site's static/ (where GX keeps its own)."""
    target = site / "static" / "styles" / "pbk_offline.css"
    if not target.exists() or target.read_bytes() != STYLESHEET.read_bytes():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(STYLESHEET, target)
    return target


def localise_page(page: Path, site: Path) -> bool:
    """Rewrite one rendered page to need nothing off this machine; False when it was already."""
    text = page.read_text(encoding="utf-8")
    if OFFLINE_MARK in text:
        return False
    stylesheet = os.path.relpath(site / "static" / "styles" / "pbk_offline.css", page.parent)
    favicon = os.path.relpath(site / "static" / "images" / "favicon.ico", page.parent)
    text = _REMOTE_LINK.sub("", text)
    text = _REMOTE_SCRIPT.sub("", text)
    text = _REMOTE_CSS_URL.sub("none", text)
    text = _REMOTE_IMAGE.sub("<span class=\"pbk-brand\">pbk-warehouse data quality</span>", text)
    text = _FOOTER.sub("", text)
    text = _JQUERY_FILTER.sub("", text)
    text = _FAVICON.sub(f"href=\"{favicon}\"", text)
    text = text.replace("<title>Data documentation compiled by Great Expectations</title>",
                        "<title>pbk-warehouse data quality</title>", 1)
    head = (f"<meta name=\"{OFFLINE_MARK}\">\n<link rel=\"stylesheet\" href=\"{stylesheet}\">\n"
            f"{_FILTER_SCRIPT}\n</head>")
    text = text.replace("</head>", head, 1)
    page.write_text(text, encoding="utf-8")
    return True


def restate_result(result, asset_name: str, rows: dict[str, int] | None,
                   batch_rows: int | None) -> None:
    """Name the result's data asset; with `rows` ({rule label: rows of the batch}) and
    `batch_rows`, give each expectation its counts in rows of the batch instead of the frame's
    distinct combinations (missing counts of a combination frame mean nothing: dropped)."""
    spec = dict(result.meta.get("batch_spec") or {})
    spec["data_asset_name"] = asset_name
    result.meta["batch_spec"] = spec
    if rows is None or not batch_rows:
        return
    for r in result.results:
        label = (r.expectation_config.meta or {}).get("label")
        if label not in rows or not isinstance(r.result, dict) or "element_count" not in r.result:
            continue
        unexpected = rows[label]
        r.result["element_count"] = batch_rows
        r.result["unexpected_count"] = unexpected
        for key in ("unexpected_percent", "unexpected_percent_total",
                    "unexpected_percent_nonmissing"):
            if key in r.result:
                r.result[key] = 100.0 * unexpected / batch_rows
        for key in ("missing_count", "missing_percent"):
            r.result.pop(key, None)
