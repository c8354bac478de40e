"""Mart GX suites: every rule passes on the demo sample's marts and fails, with the exact count, on a
copy of the warehouse where one figure was broken the way a faulty model or seed would."""
from __future__ import annotations

import shutil

import duckdb
import pytest

from expectations.gx_context import DQContext
from expectations.marts import validate_marts
from base.settings import paths


@pytest.fixture(scope="module")
def built(pristine):
    """The demo sample built by the job, whose GX mart suites ran as asset checks (the shared
    `pristine` warehouse: read only; the tests below break figures in copies)."""
    return paths(pristine["home"]), pristine["outcome"]


def test_every_mart_rule_passes_on_the_sample(built):
    from orchestration.quality import mart_check_specs

    home, outcome = built
    # (the sample's dirty rows fail some warn-level batch rules on raw.*: not a mart's concern)
    on_marts = [c for c in outcome.failed_checks if c.asset.startswith(("marts/", "core/rule_"))]
    assert outcome.success and on_marts == [], on_marts
    recorded = duckdb.connect(str(home.warehouse), read_only=True).execute(
        "SELECT suite, success FROM ops.dq_results WHERE run_id = ?", [outcome.run_id]).fetchall()
    assert len(recorded) == len(mart_check_specs()) and all(ok for _, ok in recorded)
    assert {suite for suite, _ in recorded} == {
        "mart_absorption", "mart_efficiency", "mart_budget_performance",
        "mart_indicator_achievement", "mart_sakip_component", "mart_sakip_score",
        "mart_budget_relevance", "mart_rules"}


BREAKS = {
    # rule: (suite, SQL that breaks exactly one row or unit, expected count)
    "mart_absorption.unit_absorption_in_range": (
        "mart_absorption",
        "UPDATE marts.mart_absorption SET realized_cumulative = realized_cumulative * 3 "
        "WHERE (work_unit_code, month) IN (SELECT (work_unit_code, max(month)) FROM "
        "marts.mart_absorption GROUP BY work_unit_code ORDER BY 1 LIMIT 1)", 1),
    "mart_efficiency.efficiency_score_0_100": (
        "mart_efficiency",
        "UPDATE marts.mart_efficiency SET efficiency_score = 100.5 WHERE rowid = "
        "(SELECT min(rowid) FROM marts.mart_efficiency WHERE efficiency_score IS NOT NULL)", 1),
    "mart_budget_performance.nka_category_known": (
        "mart_budget_performance",
        "UPDATE marts.mart_budget_performance SET nka_category = 'Luar Biasa' WHERE rowid = "
        "(SELECT min(rowid) FROM marts.mart_budget_performance WHERE nka_category IS NOT NULL)", 1),
    # 104 is a possible NKA (CK above 100), but not above all four of the unit's scores
    "mart_budget_performance.nka_within_components": (
        "mart_budget_performance",
        "UPDATE marts.mart_budget_performance SET nka_score = greatest(absorption_score, "
        "consistency_score, output_achievement_score, efficiency_score) + 4 WHERE rowid = "
        "(SELECT min(rowid) FROM marts.mart_budget_performance WHERE nka_score IS NOT NULL)", 1),
    "mart_indicator_achievement.category_known": (
        "mart_indicator_achievement",
        "UPDATE marts.mart_indicator_achievement SET achievement_category = 'istimewa' "
        "WHERE rowid IN (SELECT rowid FROM marts.mart_indicator_achievement "
        "WHERE achievement_category IS NOT NULL LIMIT 2)", 2),
    "mart_sakip_score.grade_matches_band": (
        "mart_sakip_score",
        "UPDATE marts.mart_sakip_score SET grade = 'AA' WHERE rowid = (SELECT min(rowid) FROM "
        "marts.mart_sakip_score WHERE complete AND total_score <= 90)", 1),
    "mart_budget_relevance.relevance_pct_0_100": (
        "mart_budget_relevance",
        "UPDATE marts.mart_budget_relevance SET relevance_pct = 120 WHERE rowid = "
        "(SELECT min(rowid) FROM marts.mart_budget_relevance)", 1),
    "rules.weights_sum_to_100": (
        "mart_rules", "UPDATE core.rule_nka SET weight_efficiency_pct = 30", 1),
}


@pytest.mark.parametrize("rule", sorted(BREAKS))
def test_mart_rule_fails_on_a_broken_figure(built, tmp_path, rule):
    home, _ = built
    suite, sql, count = BREAKS[rule]
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(home.warehouse, copy)
    con = duckdb.connect(str(copy))
    try:
        con.execute(sql)
        results = dict((r.label, r) for _, r in validate_marts(
            con, DQContext(tmp_path / "docs"), "run-test", suites=[suite]))
        stored = con.execute("SELECT rule, success, unexpected_count FROM ops.dq_results "
                             "WHERE run_id = 'run-test' AND NOT success").fetchall()
    finally:
        con.close()
    failing = {label: r.unexpected_count for label, r in results.items() if not r.success}
    assert failing == {rule: count}
    assert stored == [(rule, False, count)]
    assert results[rule].severity == "error"


def test_grade_of_an_incomplete_evaluation_is_an_error(built, tmp_path):
    home, _ = built
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(home.warehouse, copy)
    con = duckdb.connect(str(copy))
    try:
        assert con.execute("SELECT count(*) FROM marts.mart_sakip_score WHERE NOT complete "
                           "AND grade IS NULL").fetchone()[0] >= 1
        con.execute("UPDATE marts.mart_sakip_score SET grade = 'C' WHERE NOT complete")
        results = {r.label: r for _, r in validate_marts(con, DQContext(tmp_path / "docs"),
                                                          "run-x", suites=["mart_sakip_score"])}
    finally:
        con.close()
    assert not results["mart_sakip_score.grade_matches_band"].success
    assert results["mart_sakip_score.grade_known"].success
