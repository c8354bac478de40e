"""`pbk trace`: every supported mart reconciles exactly with the extract lines behind it, on the
demo sample (built once, published, then traced from the published copy as auditors do).

The demo warehouse is built once per test run (the `pristine` fixture, tests/support/pristine.py)
and shared with the other tests that read a built warehouse; a test that changes it works on a
copy.
"""
from __future__ import annotations

import argparse
import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from pbk.trace_command import add_trace_parser, parse_keys
from tests.support.pristine import copy_home
from serving.trace.marts import MARTS
from serving.trace.reconcile import TraceError, run_trace, trace

@pytest.fixture(scope="module")
def home(pristine):
    return pristine["home"]


@pytest.fixture(scope="module")
def con(home):
    from serving.published_versions import current_version_dir

    c = duckdb.connect(str(current_version_dir(home) / "pbk.duckdb"), read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def wh(home):
    c = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    yield c
    c.close()


def _assert_reconciled(result):
    assert result.rows, "no mart rows"
    assert result.lines, "no source lines"
    for r in result.reconciliation:
        assert r["ok"], r
        if isinstance(r["mart"], Decimal):            # amounts: exact to the cent
            assert r["mart"] == r["traced"], r
    for c in result.checks:
        assert c["ok"], c
    assert result.reconciled
    for ln in result.lines:                          # every line names its source
        assert ln["_source_file"] and len(ln["_source_sha256"]) == 64
        assert ln["_source_row"] >= 1 and ln["_load_id"]


# --------------------------------------------------------------------------------------------
# absorption: both sides, every month of the year, exact


def test_absorption_traces_every_row_of_every_month(con):
    months = [m for (m,) in con.execute(
        "SELECT DISTINCT month FROM marts.mart_absorption WHERE fiscal_year = 2025 ORDER BY 1"
    ).fetchall()]
    assert months == list(range(1, 13))
    for month in months:
        result = trace(con, "mart_absorption", {"fiscal_year": "2025", "month": str(month)})
        _assert_reconciled(result)
        n = con.execute("SELECT count(*) FROM marts.mart_absorption WHERE fiscal_year = 2025 "
                        "AND month = ?", [month]).fetchone()[0]
        assert len(result.rows) == n
        by = {r["measure"]: r for r in result.reconciliation}
        # the budget side is the whole current budget, the realization side months 1..month
        assert by["budget_amount"]["traced"] == con.execute(
            "SELECT sum(budget_amount) FROM core.fact_budget WHERE is_current_revision "
            "AND fiscal_year = 2025").fetchone()[0]
        assert by["realized_cumulative"]["traced"] == con.execute(
            "SELECT sum(realized_amount) FROM core.fact_realization WHERE fiscal_year = 2025 "
            "AND period_month <= ?", [month]).fetchone()[0]


def test_absorption_one_unit_one_month_matches_the_raw_extract_rows(con, wh):
    unit = con.execute(
        "SELECT work_unit_code FROM marts.mart_absorption WHERE fiscal_year = 2025 AND month = 6 "
        "AND refund_amount < 0 GROUP BY 1 ORDER BY sum(realized_cumulative) DESC LIMIT 1").fetchone()[0]
    result = trace(con, "mart_absorption",
                   {"fiscal_year": "2025", "work_unit_code": unit, "month": "6"})
    _assert_reconciled(result)
    mart = con.execute(
        "SELECT sum(budget_amount), sum(realized_cumulative), sum(realized_amount), "
        "sum(refund_amount) FROM marts.mart_absorption WHERE fiscal_year = 2025 AND month = 6 "
        "AND work_unit_code = ?", [unit]).fetchone()
    by = {r["measure"]: r["traced"] for r in result.reconciliation}
    assert (by["budget_amount"], by["realized_cumulative"], by["realized_amount (the month)"],
            by["refund_amount (the month)"]) == mart
    assert mart[3] < 0  # a unit with refunds: negative lines are traced too
    # the lineage points at real raw rows carrying the same amounts (in the warehouse's raw.*)
    for side, table, column in (("budget", "raw.budget", "amount"),
                                ("realization", "raw.realization", "amount")):
        keys = [(ln["_load_id"], ln["_source_row"]) for ln in result.lines if ln["side"] == side]
        wh.execute("CREATE OR REPLACE TEMP TABLE traced (load_id VARCHAR, source_row BIGINT)")
        wh.executemany("INSERT INTO traced VALUES (?, ?)", keys)
        raw_sum, matched = wh.execute(
            f"SELECT sum(r.{column}), count(*) FROM {table} r JOIN traced t "
            "ON r._load_id = t.load_id AND r._source_row = t.source_row").fetchone()
        assert matched == len(keys)
        assert Decimal(raw_sum) == sum(ln["amount"] for ln in result.lines if ln["side"] == side)
    pct = {c["check"]: c for c in result.checks if c["check"] == "absorption_pct"}
    assert pct and all(c["ok"] for c in result.checks)


# --------------------------------------------------------------------------------------------
# efficiency, indicators, SAKIP


def test_efficiency_traces_budget_realization_and_volume(con):
    result = trace(con, "mart_efficiency", {"fiscal_year": "2025"})
    _assert_reconciled(result)
    assert {ln["side"] for ln in result.lines} == {"budget", "realization", "volume"}
    by = {r["mart_column"]: r for r in result.reconciliation}
    assert by["budget_amount"]["traced"] == con.execute(
        "SELECT sum(budget_amount) FROM marts.mart_efficiency WHERE fiscal_year = 2025").fetchone()[0]
    computed = [c for c in result.checks if c["check"] == "efficiency_pct" and c["mart"] is not None]
    assert len(computed) > 100  # most outputs have an E, each recomputed from its own lines
    one = con.execute("SELECT work_unit_code, output_code FROM marts.mart_efficiency "
                      "WHERE efficiency_pct IS NOT NULL ORDER BY budget_amount DESC LIMIT 1").fetchone()
    single = trace(con, "mart_efficiency", {"fiscal_year": "2025", "work_unit_code": one[0],
                                            "output_code": one[1]})
    _assert_reconciled(single)
    assert len([ln for ln in single.lines if ln["side"] == "volume"]) == 1


def test_indicator_achievement_traces_each_row_to_its_indicator_line(con):
    result = trace(con, "mart_indicator_achievement", {"fiscal_year": "2025"})
    _assert_reconciled(result)
    assert len(result.lines) == len(result.rows)
    polarities = {ln["polarity"] for ln in result.lines}
    assert {"max", "min"} <= polarities
    recomputed = [c for c in result.checks if c["mart"] is not None]
    assert len(recomputed) > 100


@pytest.mark.parametrize("mart", ["mart_sakip_score", "mart_sakip_component"])
def test_sakip_scores_trace_to_the_lke_rows(con, mart):
    for (year,) in con.execute(f"SELECT DISTINCT fiscal_year FROM marts.{mart} ORDER BY 1").fetchall():
        result = trace(con, mart, {"fiscal_year": str(year)})
        _assert_reconciled(result)
        assert all(c["mart"] is None or c["ok"] for c in result.checks)
    result = trace(con, "mart_sakip_score", {"fiscal_year": "2025", "instansi_code": "010"})
    _assert_reconciled(result)
    roles = {ln["role"] for ln in result.lines}
    assert "component total" in roles  # the LKE's total rows count, sub-components are detail
    counted = sum(ln["counted"] for ln in result.lines)
    assert round(float(counted), 2) == result.rows[0]["total_score"]


def test_every_supported_mart_is_covered():
    assert set(MARTS) == {"mart_absorption", "mart_efficiency", "mart_indicator_achievement",
                          "mart_sakip_score", "mart_sakip_component"}


# --------------------------------------------------------------------------------------------
# keys are parameters


def test_keys_are_bound_never_pasted(con):
    with pytest.raises(TraceError, match="no row"):
        trace(con, "mart_absorption", {"fiscal_year": "2025", "month": "6",
                                       "work_unit_code": "x' OR '1'='1"})
    with pytest.raises(TraceError, match="not a valid INTEGER"):
        trace(con, "mart_absorption", {"fiscal_year": "2025", "month": "6; DROP TABLE x"})
    with pytest.raises(TraceError, match="has no column"):
        trace(con, "mart_absorption", {"fiscal_year": "2025", "month": "6",
                                       'month" = 6 OR "1': "1"})
    with pytest.raises(TraceError, match="needs --key month"):
        trace(con, "mart_absorption", {"fiscal_year": "2025"})
    with pytest.raises(TraceError, match="supported marts"):
        trace(con, "core.fact_budget", {"fiscal_year": "2025"})
    assert con.execute("SELECT count(*) FROM marts.mart_absorption").fetchone()[0] > 0


def test_parse_keys():
    assert parse_keys(["fiscal_year=2025", "program_code=", "document_no=a=b"]) == {
        "fiscal_year": "2025", "program_code": None, "document_no": "a=b"}
    with pytest.raises(TraceError):
        parse_keys(["fiscal_year"])


def test_empty_key_matches_null(con):
    # units known only from realization have no institution in dim_work_unit: instansi_code NULL
    n = con.execute("SELECT count(*) FROM marts.mart_absorption WHERE fiscal_year = 2025 "
                    "AND month = 6 AND instansi_code IS NULL").fetchone()[0]
    # the seed-42 sample's unknown-unit dirt (realization of units without a budget) gives 17
    assert n == 17
    result = trace(con, "mart_absorption", {"fiscal_year": "2025", "month": "6",
                                            "instansi_code": None})
    assert len(result.rows) == n and all(r["instansi_code"] is None for r in result.rows)
    _assert_reconciled(result)


# --------------------------------------------------------------------------------------------
# the command


def _cli(argv, home, monkeypatch, capsys):
    monkeypatch.setenv("PBK_HOME", str(home))
    parser = argparse.ArgumentParser(prog="pbk")
    add_trace_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    code = args.func(args)
    return code, capsys.readouterr()


def test_cli_prints_figure_lines_and_reconciliation(home, con, monkeypatch, capsys):
    unit = con.execute("SELECT work_unit_code FROM marts.mart_absorption WHERE month = 6 "
                       "ORDER BY realized_cumulative DESC LIMIT 1").fetchone()[0]
    code, out = _cli(["trace", "mart_absorption", "--key", "fiscal_year=2025", "--key",
                      f"work_unit_code={unit}", "--key", "month=6"], home, monkeypatch, capsys)
    assert code == 0, out.err
    text = out.out
    assert "Figure" in text and "Budget lines" in text and "Realization lines" in text
    assert "realization.csv" in text and "budget.csv" in text
    assert "RECONCILED" in text and "NOT RECONCILED" not in text
    sha = con.execute("SELECT DISTINCT _source_sha256 FROM core.fact_realization").fetchone()[0]
    assert sha in text  # the full sha256 of the file, once per file
    assert "published version" in text


def test_cli_json_is_one_document_with_exact_amounts(home, monkeypatch, capsys):
    code, out = _cli(["trace", "mart_sakip_score", "--key", "fiscal_year=2025", "--key",
                      "instansi_code=010", "--json", "--verify-source"], home, monkeypatch, capsys)
    assert code == 0
    doc = json.loads(out.out)
    assert doc["reconciled"] is True and doc["mart"] == "mart_sakip_score"
    assert doc["files"] and all(f["sha256_verified"] for f in doc["files"])
    line = doc["lines"][0]
    assert {"_source_file", "_source_sha256", "_source_row", "_load_id", "amount",
            "counted"} <= set(line)
    assert line["source_text"] and "010" in line["source_text"]

    code, out = _cli(["trace", "mart_absorption", "--key", "fiscal_year=2025", "--key", "month=3",
                      "--json"], home, monkeypatch, capsys)
    doc = json.loads(out.out)
    budget = next(r for r in doc["reconciliation"] if r["measure"] == "budget_amount")
    assert isinstance(budget["mart"], str) and budget["mart"] == budget["traced"]  # exact decimals
    assert Decimal(budget["difference"]) == 0


def test_cli_errors_and_warehouse_option(home, monkeypatch, capsys):
    code, out = _cli(["trace", "mart_absorption", "--key", "fiscal_year=2025"], home, monkeypatch,
                     capsys)
    assert code == 2 and "month" in out.err
    code, out = _cli(["trace", "mart_indicator_achievement", "--key", "fiscal_year=2025",
                      "--warehouse", "--json"], home, monkeypatch, capsys)
    doc = json.loads(out.out)
    assert code == 0 and doc["database"].endswith("warehouse.duckdb") and doc["reconciled"]


def test_run_trace_reads_the_published_copy_by_default(home):
    result = run_trace(home, "mart_efficiency", {"fiscal_year": "2025"})
    assert result.published_version and "published" in result.database
    assert all(f["archived_file"] for f in result.files)  # the archived extract is named


def test_too_many_lines_is_refused_not_exhausting_memory(con):
    with pytest.raises(TraceError, match="add keys"):
        trace(con, "mart_absorption", {"fiscal_year": "2025", "month": "12"}, max_lines=1000)
    assert trace(con, "mart_absorption", {"fiscal_year": "2025", "month": "12"}, max_lines=None).reconciled


def test_altered_archive_file_is_not_reconciled(home, tmp_path, monkeypatch, capsys):
    """--verify-source finding an archived file that no longer matches its sha256: exit 1, NOT
    RECONCILED, whatever the figures say (on a copy of the home: other processes read the
    shared one)."""
    home = copy_home(home, tmp_path / "pbk")
    code, out = _cli(["trace", "mart_sakip_score", "--key", "fiscal_year=2025", "--key",
                      "instansi_code=010", "--json", "--verify-source"], home, monkeypatch, capsys)
    archived = Path(json.loads(out.out)["files"][0]["archived_file"])
    assert archived.is_relative_to(home)
    original = archived.read_bytes()
    try:
        archived.write_bytes(original + b"\n")
        code, out = _cli(["trace", "mart_sakip_score", "--key", "fiscal_year=2025", "--key",
                          "instansi_code=010", "--verify-source"], home, monkeypatch, capsys)
        assert code == 1
        assert "NOT RECONCILED" in out.out and "SHA256 MISMATCH" in out.out
    finally:
        archived.write_bytes(original)


def test_a_code_without_its_leading_zero_is_named(con):
    """`--key work_unit_code=10404` when 010404 exists: the message says a leading zero was lost
    (a spreadsheet read the code as a number) and gives the key to use."""
    code = con.execute("SELECT min(work_unit_code) FROM marts.mart_absorption "
                       "WHERE work_unit_code LIKE '0%' AND length(work_unit_code) = 6").fetchone()[0]
    stripped = code.lstrip("0")
    assert code and stripped != code
    with pytest.raises(TraceError) as err:
        trace(con, "mart_absorption", {"fiscal_year": "2025", "work_unit_code": stripped,
                                       "month": "12"})
    assert str(err.value) == (
        f"no row of mart_absorption matches fiscal_year=2025, work_unit_code={stripped}, month=12; "
        f"work_unit_code={code} exists: leading zero(s) lost in '{stripped}' (a spreadsheet reads "
        f"codes as numbers)? try --key work_unit_code={code}")
