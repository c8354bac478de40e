"""Every rule that quarantined or warned about the demo sample's rows appears with the rows the
generator made dirty (its manifest) in each place people look: `pbk dq --json`, the Data Docs
front page, the published `audit` schema; the front page and GX's pages open in a real browser
with no request leaving the machine, and their counts are rows of the batch."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from base.rule_catalogue import rules_of
from tests.support.browser import load

REPO = Path(__file__).resolve().parents[2]
# rule -> the dirt the generator wrote for it (pbk/generator/dirt.py)
DIRT_OF_RULE = {"unparseable_number": "bad_number", "missing_mandatory": "empty_mandatory",
                "duplicate_key_in_file": "duplicate_line",
                "transaction_date_in_fiscal_year": "future_date",
                "work_unit_has_budget": "unknown_code"}
WARNINGS = {"work_unit_has_budget"}


@pytest.fixture(scope="module")
def made_dirty(pristine) -> dict[tuple[str, str], int]:
    """{(file, rule): rows} as the manifest says they were made dirty."""
    out = {}
    for info in pristine["manifest"]["files"].values():
        for rule, dirt in DIRT_OF_RULE.items():
            if info["dirt"].get(dirt):
                out[(info["file"], rule)] = info["dirt"][dirt]
    assert len(out) == 5 * 3 + 2     # three parse rules in five files, two realization rules
    return out


@pytest.fixture(scope="module")
def load_log(pristine) -> dict[str, dict]:
    con = duckdb.connect(str(pristine["home"] / "warehouse.duckdb"), read_only=True)
    try:
        cur = con.execute("SELECT * FROM ops.load_log")
        names = [d[0] for d in cur.description]
        return {r[names.index("source_file")]: dict(zip(names, r)) for r in cur.fetchall()}
    finally:
        con.close()


def _by_file_rule(files: list[dict]) -> dict[tuple[str, str], int]:
    return {(f["source_file"], r["rule"]): r["rows"] for f in files for r in f["rules"]}


def test_pbk_dq_json_lists_every_rule_with_the_manifest_counts(pristine, made_dirty, load_log):
    out = subprocess.run([sys.executable, "-m", "pbk.cli", "dq", "--json"], cwd=REPO,
                         env={**os.environ, "PBK_HOME": str(pristine["home"])},
                         capture_output=True, text=True, timeout=300, check=True)
    doc = json.loads(out.stdout)
    assert _by_file_rule(doc["files"]) == made_dirty
    for f in doc["files"]:
        logged = load_log[f["source_file"]]
        assert (f["rows_read"], f["rows_loaded"], f["rows_quarantined"]) == (
            logged["rows_read"], logged["rows_loaded"], logged["rows_quarantined"])
        assert f["rows_read"] == f["rows_loaded"] + f["rows_quarantined"]
        assert f["amount_quarantined"] == (None if logged["amount_quarantined"] is None
                                           else str(logged["amount_quarantined"]))
    totals = {r["rule"]: r["rows"] for r in doc["rules"]}
    assert totals == {rule: sum(n for (_, r), n in made_dirty.items() if r == rule)
                      for rule in DIRT_OF_RULE}


def test_published_audit_schema_holds_the_quarantine(pristine, made_dirty, load_log):
    con = duckdb.connect(str(pristine["home"] / "published" / "pbk.duckdb"), read_only=True)
    try:
        held = con.execute("SELECT source_file, rule, count(DISTINCT source_row) FROM "
                           "audit.quarantine GROUP BY ALL").fetchall()
        warned = con.execute("SELECT source_file, rule, unexpected_count FROM audit.dq_results "
                             "WHERE NOT success AND severity = 'warn'").fetchall()
        logged = con.execute("SELECT source_file, rows_read, rows_loaded, rows_quarantined, "
                             "amount_quarantined FROM audit.load_log").fetchall()
        amounts = dict(con.execute(
            "SELECT source_file, sum(amount) FROM (SELECT DISTINCT source_file, source_row, amount "
            "FROM audit.quarantine) GROUP BY ALL").fetchall())
        described = con.execute("SELECT count(*), count(comment) FROM duckdb_columns() "
                                "WHERE schema_name = 'audit'").fetchone()
    finally:
        con.close()
    assert {(f, r): n for f, r, n in held + warned} == made_dirty
    assert sorted(logged) == sorted(
        (f, x["rows_read"], x["rows_loaded"], x["rows_quarantined"], x["amount_quarantined"])
        for f, x in load_log.items())
    # the quarantine's Rupiah per file is the load log's (money kinds: a row whose amount did not
    # parse has none)
    for f, x in load_log.items():
        if x["amount_quarantined"] is not None and x["rows_quarantined"]:
            assert amounts[f] == x["amount_quarantined"], f
    assert described[0] == described[1] > 40          # every column described
    parquet = pristine["home"] / "published" / "parquet" / "audit"
    assert sorted(p.name for p in parquet.iterdir()) == [
        "dq_results.parquet", "load_log.parquet", "quarantine.parquet"]


def test_dq_front_page_in_a_browser(pristine, made_dirty, load_log):
    """One row per file with its load-log figures, every rule with its rows, links to each
    file's quarantine page; nothing requested off the machine."""
    index = pristine["home"] / "docs" / "dq" / "index.html"
    visit = load(index.as_uri(), {
        "files": "[...document.querySelectorAll('table')[0].rows].slice(1).map(r => "
                 "[...r.cells].map(c => c.innerText))",
        "links": "[...document.querySelectorAll('a')].map(a => a.href)"})
    assert visit.off_machine == [] and visit.errors == []
    rows = {r[1]: r for r in visit.values["files"]}
    assert set(rows) == set(load_log)
    found = {}
    for name, cells in rows.items():
        logged = load_log[name]
        assert [int(c.replace(",", "") or 0) for c in cells[4:7]] == [
            logged["rows_read"], logged["rows_loaded"], logged["rows_quarantined"]], name
        assert cells[0].endswith(" WIB") and cells[3] == "loaded"
        if logged["amount_quarantined"] is not None:
            assert Decimal(cells[8].replace(",", "")) == logged["amount_quarantined"]
        for rule, n in re.findall(r"(?:quarantine|warn) (\w+): ([\d,]+) row", cells[9]):
            found[(name, rule)] = int(n.replace(",", ""))
    assert found == made_dirty
    quarantine_pages = [u for u in visit.values["links"] if "/quarantine/" in u]
    assert len(quarantine_pages) == sum(1 for x in load_log.values() if x["rows_quarantined"])
    # a file's page lists its quarantined rows, one per rule broken
    page = next(u for u in quarantine_pages if load_log["budget.csv"]["load_id"] in u)
    listed = load(page, {"rows": "[...document.querySelectorAll('table')[0].rows].slice(1)"
                                 ".map(r => [r.cells[0].innerText, r.cells[1].innerText])"})
    assert listed.off_machine == [] and listed.errors == []
    per_rule: dict[str, set] = {}
    for row, rule in listed.values["rows"]:
        per_rule.setdefault(rule, set()).add(row)
    assert {rule: len(r) for rule, r in per_rule.items()} == {
        rule: n for (f, rule), n in made_dirty.items() if f == "budget.csv"}


def test_gx_result_page_in_a_browser(pristine, load_log):
    """GX's page of the realization batch: styled from the site's own files, sections named after
    the rules, the data asset named, counts in rows of the batch."""
    site = pristine["home"] / "docs" / "dq" / "site"
    page = next((site / "validations" / "extract_realization").rglob("*.html"))
    visit = load(page.as_uri(), {
        "text": "document.body.innerText",
        "sections": "[...document.querySelectorAll('.ge-navigation-sidebar-link')]"
                    ".map(a => a.innerText.trim())",
        "styled": "getComputedStyle(document.querySelector('.alert')).backgroundColor"})
    assert visit.off_machine == [] and visit.errors == []
    assert all(u.startswith(site.as_uri()) for u in visit.requests)
    assert visit.values["styled"] == "rgb(233, 236, 239)"      # expectations/gx/offline.css
    sections = visit.values["sections"]
    # one section per rule on a column (a rule comparing two columns is table-level in GX)
    row_rules = {r.label for r in rules_of("row", "realization")}
    assert sections[:2] == ["Overview", "Table-Level Expectations"]
    assert set(sections[2:]) <= row_rules and len(sections[2:]) == len(row_rules) - 1 == 16
    realization = load_log["realization.csv"]
    assert f"Data asset: realization.csv (load {realization['load_id']})" in visit.values["text"]
    rows = realization["rows_read"]
    # the date rule failed on 40 rows of the batch (the manifest's future dates)
    assert f"40 unexpected values found. ≈{100 * 40 / rows:.4f}% of {rows} total rows." \
        in visit.values["text"]
