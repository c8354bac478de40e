"""`pbk status` and `pbk status --json` on the built demo warehouse (the `pristine` fixture: the
sample with its dirt, loaded and built by the job): every figure they print is the one the
warehouse holds, read here with SQL of its own, and the one the run reported."""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from decimal import Decimal

import duckdb
import pytest

from ingest.contracts import KINDS

REPO = Path(__file__).resolve().parents[2]


def _pbk(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PBK_HOME": str(home), "DAGSTER_HOME": str(home / "dagster")}
    return subprocess.run([sys.executable, "-m", "pbk.cli", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def warehouse(pristine) -> dict:
    """What the warehouse says, read directly (read only: the pristine home is shared)."""
    con = duckdb.connect(str(pristine["home"] / "warehouse.duckdb"), read_only=True)
    try:
        loads = con.execute("SELECT source_file, kind, status, rows_read, rows_loaded, "
                            "rows_quarantined FROM ops.load_log").fetchall()
        held = con.execute("SELECT kind, rule, count(*) FROM (SELECT DISTINCT kind, rule, load_id, "
                           "source_row FROM ops.quarantine) GROUP BY ALL").fetchall()
        fresh = con.execute("SELECT kind, max(finished_at) FROM ops.load_log "
                            "WHERE status = 'loaded' GROUP BY kind").fetchall()
        failing = con.execute("SELECT coalesce(source_file, suite), rule, \"column\", "
                              "unexpected_count, checked_at FROM ops.dq_results "
                              "WHERE NOT success").fetchall()
        rejected = con.execute("SELECT count(*) FROM ops.load_log WHERE status = 'rejected'"
                               ).fetchone()[0]
        # per rule over every file: rows, files and Rupiah it quarantined, or rows it warned about
        rules = con.execute(
            "SELECT rule, 'quarantined', count(*), count(DISTINCT load_id), sum(amount) FROM ("
            "SELECT DISTINCT load_id, rule, source_row, amount FROM ops.quarantine) GROUP BY rule "
            "UNION ALL SELECT rule, 'warning', sum(unexpected_count), count(DISTINCT load_id), "
            "NULL FROM ops.dq_results WHERE NOT success AND severity = 'warn' "
            "AND load_id IS NOT NULL GROUP BY rule").fetchall()
    finally:
        con.close()
    assert len({tuple(f[:4]) for f in failing}) == len(failing)   # each failure told apart
    return {"loads": sorted(loads), "held": {(k, r): n for k, r, n in held},
            "fresh": {k: str(t)[:19] for k, t in fresh},
            "failing": {(subject, rule, column, n): at for subject, rule, column, n, at in failing},
            "rejected": rejected,
            "rules": {rule: (what, rows, files, amount) for rule, what, rows, files, amount in rules}}


SHOWN_FAILURES = 20    # `pbk status` lists the newest 20 failing rules (serving/status.py: limit)


def _newest_failures(warehouse: dict, shown: list[tuple]) -> None:
    """shown are failing rules of the warehouse, as many as status lists, none older than one
    left out, each with its exact count."""
    failing = warehouse["failing"]
    assert len(shown) == len(set(shown)) == min(SHOWN_FAILURES, len(failing))
    assert set(shown) <= set(failing)
    left_out = set(failing) - set(shown)
    assert not left_out or max(failing[f] for f in left_out) <= min(failing[f] for f in shown)


def test_the_warehouse_is_the_run_that_built_it(pristine, warehouse):
    """The figures below are not trivially equal: seven files, every one loaded, some with
    quarantined rows, rows read = loaded + quarantined as the run reported them."""
    outcome = pristine["outcome"]
    assert warehouse["loads"] == sorted(
        (r.file, r.kind, r.status, r.rows_read, r.rows_loaded, r.rows_quarantined)
        for r in outcome.files)
    assert len(warehouse["loads"]) == len(pristine["manifest"]["files"]) == 7
    assert all(read == loaded + held for *_, read, loaded, held in warehouse["loads"])
    assert sum(held for *_, held in warehouse["loads"]) == sum(warehouse["held"].values()) > 0
    assert warehouse["rejected"] == 0
    assert len(warehouse["failing"]) > SHOWN_FAILURES     # the sample's dirt: more than status lists
    # every rule the sample's dirt breaks, with the rows the generator made dirty (manifest)
    dirt = {kind: info["dirt"] for kind, info in pristine["manifest"]["files"].items()}
    made = {"unparseable_number": "bad_number", "missing_mandatory": "empty_mandatory",
            "duplicate_key_in_file": "duplicate_line", "transaction_date_in_fiscal_year":
            "future_date", "work_unit_has_budget": "unknown_code"}
    assert {rule: rows for rule, (_, rows, _, _) in warehouse["rules"].items()} == {
        rule: sum(d.get(name, 0) for d in dirt.values()) for rule, name in made.items()}


def test_status_json_gives_the_warehouse_figures(pristine, warehouse):
    out = _pbk(pristine["home"], "status", "--json")
    assert out.returncode == 0, out.stderr[-3000:]
    doc = json.loads(out.stdout)
    assert doc["pbk_home"] == str(pristine["home"]) and doc["note"] is None
    assert doc["warehouse"] == str(pristine["home"] / "warehouse.duckdb")
    assert sorted((r["source_file"], r["kind"], r["status"], r["rows_read"], r["rows_loaded"],
                   r["rows_quarantined"]) for r in doc["loads"]) == warehouse["loads"]
    finished = [r["finished_at"] for r in doc["loads"]]
    assert finished == sorted(finished, reverse=True)        # newest first
    assert doc["rejected"] == []
    assert {(r["kind"], r["rule"]): r["rows"] for r in doc["quarantine_by_rule"]} == \
        warehouse["held"]
    assert {r["kind"]: r["last_loaded_at"][:19].replace("T", " ") for r in doc["freshness"]} == \
        warehouse["fresh"]
    _newest_failures(warehouse, [(f["subject"], f["rule"], f["column"], f["unexpected_count"])
                                 for f in doc["dq_failures"]])
    assert {r["rule"]: ({"quarantine": "quarantined", "warn": "warning"}[r["severity"]], r["rows"],
                        r["files"], r["amount"] and Decimal(r["amount"])) for r in doc["rules"]} \
        == warehouse["rules"]
    assert doc["data_docs"] == str(pristine["home"] / "docs" / "dq" / "index.html")
    # dbt source freshness ran after the publish: every raw extract loaded minutes ago
    assert {r["source"]: r["status"] for r in doc["source_freshness"]} == {
        f"raw.{kind}": "pass" for kind in KINDS}
    assert all(0 <= r["age_hours"] < 2 for r in doc["source_freshness"])


LOAD_LINE = re.compile(r"^  \S+ \S+ WIB  (\S+)\s+(\S+)\s+(\S+)\s+([\d,]+) loaded\s+([\d,]+) quarantined$")
RULE_LINE = re.compile(r"^  (\S+)\s+(quarantined|warning)\s+([\d,]+) row\(s\) in (\d+) "
                       r"file\(s\)(?:  Rp\s+([\d,.]+))?$")
FRESH_LINE = re.compile(r"^  (\S+)\s+(\S+ \S+) WIB$")


def _wib(utc_text: str) -> str:
    """A stored UTC time (text) as status prints it, in WIB (UTC+7, no daylight saving)."""
    return str(dt.datetime.fromisoformat(utc_text) + dt.timedelta(hours=7))
FAILURE_LINE = re.compile(r"^  (\S+): (\S+) on (\S+) - ([\d,]+) \(")


def _section(text: str, title: str) -> list[str]:
    lines = text.splitlines()
    start = lines.index(title) + 1
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("  ")), len(lines))
    return lines[start:end]


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def test_status_prints_the_warehouse_figures(pristine, warehouse):
    out = _pbk(pristine["home"], "status")
    assert out.returncode == 0, out.stderr[-3000:]
    text = out.stdout
    assert text.startswith(f"PBK_HOME: {pristine['home']}\n")
    loads = [LOAD_LINE.match(line) for line in _section(text, "Last loads:")]
    assert all(loads), _section(text, "Last loads:")
    assert sorted((m[1], m[2], m[3], _number(m[4]), _number(m[5])) for m in loads) == \
        sorted((f, k, s, loaded, held) for f, k, s, _, loaded, held in warehouse["loads"])
    assert "Rejected files:" not in text
    rules = [RULE_LINE.match(line) for line in _section(
        text, "Rules that quarantined, rejected or warned (the latest 7 file(s)):")]
    assert all(rules)
    assert {m[1]: (m[2], _number(m[3]), int(m[4]), m[5] and Decimal(m[5].replace(",", "")))
            for m in rules} == warehouse["rules"]
    fresh = [FRESH_LINE.match(line) for line in
             _section(text, "Freshness (last successful load per kind):")]
    assert all(fresh) and {m[1]: m[2] for m in fresh} == {
        kind: _wib(at) for kind, at in warehouse["fresh"].items()}
    fresh_sources = [line for line in _section(text, next(
        line for line in text.splitlines() if line.startswith("Source freshness")))]
    assert len(fresh_sources) == len(KINDS) and all(" pass " in line for line in fresh_sources)
    assert text.rstrip().endswith(
        f"Data Docs (open in a browser, works offline): {pristine['home'] / 'docs' / 'dq' / 'index.html'}")


def test_a_home_where_every_file_was_rejected_names_the_rules(tmp_path):
    """Files refused whole before any rule ran (headers of no kind, not text) are rule results
    too: status and dq name the rule that rejected each, never "nothing failed"."""
    home = tmp_path / "home"
    landing = home / "landing"
    landing.mkdir(parents=True)
    (landing / "notes.csv").write_text("tanggal,catatan\n2025-01-01,rapat\n", encoding="utf-8")
    (landing / "scan.csv").write_bytes(b"\x00\x01PK\x03\x04" * 50)
    ingest = _pbk(home, "ingest")
    assert ingest.returncode == 2, ingest.stderr
    doc = json.loads(_pbk(home, "status", "--json").stdout)
    assert sorted((r["rule"], r["severity"], r["files"]) for r in doc["rules"]) == [
        ("unknown_kind", "reject", 1), ("unreadable_file", "reject", 1)]
    assert sorted(r["source_file"] for r in doc["rejected"]) == ["notes.csv", "scan.csv"]
    text = _pbk(home, "status").stdout
    assert "No rule quarantined" not in text
    assert re.search(r"^  unknown_kind\s+REJECTED the file\s+", text, re.M), text
    dq = json.loads(_pbk(home, "dq", "--json").stdout)
    assert {f["source_file"]: [r["rule"] for r in f["rules"]] for f in dq["files"]} == {
        "notes.csv": ["unknown_kind"], "scan.csv": ["unreadable_file"]}
