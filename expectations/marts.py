"""GX suites on the marts, run after `dbt build`. A failing `error` rule blocks publishing.

Each suite validates the mart's rows (only the columns its rules read, in chunks) with one
expectation per rule; every result goes to ops.dq_results under the build's run id.
"""
from __future__ import annotations

from dataclasses import dataclass

import great_expectations as gx

from .config import DQConfig, load as load_config
from .engine import DQContext, RuleResult, SAMPLE_SIZE, _jsonable, _validate_frame, record_results

E = gx.expectations
GRADES = ["AA", "A", "BB", "B", "CC", "C", "D"]
NKA_CATEGORIES = ["Sangat Baik", "Baik", "Cukup", "Kurang", "Sangat Kurang"]
ACHIEVEMENT_CATEGORIES = ["sangat tinggi", "tinggi", "sedang", "rendah", "sangat rendah"]


@dataclass(frozen=True)
class MartRule:
    label: str
    severity: str          # error (blocks publishing) or warn
    column: str
    message: str
    expectation: object


def has_rule_id(mart: str) -> MartRule:
    return MartRule(f"{mart}.rule_id_present", "error", "rule_id",
                    "mart row without the rule_id it was computed under",
                    E.ExpectColumnValuesToNotBeNull(column="rule_id"))


def mart_suites(cfg: DQConfig) -> dict[str, tuple[str, list[MartRule]]]:
    """suite name -> (frame SQL, rules). Frames select only what the rules read."""
    pct = cfg.max_absorption_pct
    return {
        # A work unit's absorption (ratio of sums over its programs and spending categories):
        # single program x category cells legitimately dip below 0 (refunds) or pass 100.
        "mart_absorption": (
            """SELECT fiscal_year, month, work_unit_code,
                      100 * sum(realized_cumulative) / nullif(sum(budget_amount - coalesce(
                          CASE WHEN deduct_blocked THEN blocked_amount END, 0)), 0)
                          AS unit_absorption_pct,
                      count(*) FILTER (WHERE rule_id IS NULL) AS rows_without_rule_id
               FROM (SELECT a.*, coalesce(r.deduct_blocked, false) AS deduct_blocked
                     FROM marts.mart_absorption a LEFT JOIN core.rule_absorption r USING (rule_id))
               GROUP BY ALL""", [
                MartRule("mart_absorption.unit_absorption_in_range", "error", "unit_absorption_pct",
                         f"a work unit's absorption outside [0, {pct:g}] %: refunds above spending "
                         "or a pagu error",
                         E.ExpectColumnValuesToBeBetween(column="unit_absorption_pct", min_value=0,
                                                         max_value=pct)),
                MartRule("mart_absorption.rule_id_present", "error", "rows_without_rule_id",
                         "mart row without the rule_id it was computed under",
                         E.ExpectColumnValuesToBeBetween(column="rows_without_rule_id",
                                                         min_value=0, max_value=0))]),
        "mart_efficiency": ("SELECT efficiency_score, rule_id FROM marts.mart_efficiency", [
            MartRule("mart_efficiency.efficiency_score_0_100", "error", "efficiency_score",
                     "efficiency score NE outside [0, 100] (E must be clamped to [-20, 20])",
                     E.ExpectColumnValuesToBeBetween(column="efficiency_score", min_value=0,
                                                     max_value=100)),
            has_rule_id("mart_efficiency")]),
        "mart_budget_performance": (
            "SELECT efficiency_score, nka_score, nka_category, rule_id "
            "FROM marts.mart_budget_performance", [
                MartRule("mart_budget_performance.efficiency_score_0_100", "error",
                         "efficiency_score", "efficiency score NE outside [0, 100]",
                         E.ExpectColumnValuesToBeBetween(column="efficiency_score", min_value=0,
                                                         max_value=100)),
                # output achievement is uncapped under PMK 214/2017, so NKA may pass 100: a flag
                MartRule("mart_budget_performance.nka_score_0_100", "warn", "nka_score",
                         "budget performance score (NKA) outside [0, 100]",
                         E.ExpectColumnValuesToBeBetween(column="nka_score", min_value=0,
                                                         max_value=100)),
                MartRule("mart_budget_performance.nka_category_known", "error", "nka_category",
                         "NKA category not one of PMK 2/2021's",
                         E.ExpectColumnValuesToBeInSet(column="nka_category",
                                                       value_set=NKA_CATEGORIES)),
                has_rule_id("mart_budget_performance")]),
        "mart_indicator_achievement": (
            "SELECT achievement_category, rule_id FROM marts.mart_indicator_achievement", [
                MartRule("mart_indicator_achievement.category_known", "error",
                         "achievement_category", "achievement category not one of Permendagri 86/2017's",
                         E.ExpectColumnValuesToBeInSet(column="achievement_category",
                                                       value_set=ACHIEVEMENT_CATEGORIES)),
                has_rule_id("mart_indicator_achievement")]),
        "mart_sakip_score": (
            # the grade a score should carry, from the rule seed's bands; none when incomplete
            """SELECT s.grade, s.rule_id,
                      CASE WHEN NOT s.complete THEN s.grade IS NULL
                           ELSE s.grade IS NOT DISTINCT FROM (
                               SELECT g.grade FROM core.rule_sakip_grade g
                               WHERE g.rule_id = s.rule_id
                                 AND s.total_score > coalesce(g.score_above, -1)
                                 AND s.total_score <= coalesce(g.score_up_to, 100))
                      END AS grade_matches_band
               FROM marts.mart_sakip_score s""", [
                MartRule("mart_sakip_score.grade_known", "error", "grade",
                         "grade not one of AA, A, BB, B, CC, C, D",
                         E.ExpectColumnValuesToBeInSet(column="grade", value_set=GRADES)),
                MartRule("mart_sakip_score.grade_matches_band", "error", "grade",
                         "grade does not match the score's band, or an incomplete evaluation has "
                         "a grade", E.ExpectColumnValuesToBeInSet(column="grade_matches_band",
                                                                  value_set=[True])),
                has_rule_id("mart_sakip_score")]),
        "mart_sakip_component": ("SELECT rule_id FROM marts.mart_sakip_component",
                                 [has_rule_id("mart_sakip_component")]),
        "mart_budget_relevance": (
            "SELECT relevance_pct, rule_id FROM marts.mart_budget_relevance", [
                MartRule("mart_budget_relevance.relevance_pct_0_100", "error", "relevance_pct",
                         "relevant budget share outside [0, 100] %",
                         E.ExpectColumnValuesToBeBetween(column="relevance_pct", min_value=0,
                                                         max_value=100)),
                has_rule_id("mart_budget_relevance")]),
        "mart_rules": (
            # weights of every rule_id must add up to 100 (a new regulation is a seed row)
            """SELECT 'rule_nka' AS seed, rule_id, weight_absorption_pct + weight_consistency_pct
                      + weight_output_achievement_pct + weight_efficiency_pct AS weight_sum
               FROM core.rule_nka
               UNION ALL SELECT 'rule_sakip_component', rule_id, sum(weight)
               FROM core.rule_sakip_component GROUP BY ALL""", [
                MartRule("rules.weights_sum_to_100", "error", "weight_sum",
                         "the weights of a rule_id do not add up to 100",
                         E.ExpectColumnValuesToBeBetween(column="weight_sum", min_value=99.999,
                                                         max_value=100.001))]),
    }


def validate_marts(con, dq: DQContext, run_id: str, cfg: DQConfig | None = None,
                   suites: list[str] | None = None) -> list[tuple[str, RuleResult]]:
    """Validate the marts; record every rule's result in ops.dq_results under run_id."""
    cfg = cfg or load_config()
    out = []
    for suite, (sql, rules) in mart_suites(cfg).items():
        if suites is not None and suite not in suites:
            continue
        expectations = {}
        for rule in rules:
            rule.expectation.meta = {"label": rule.label, "severity": rule.severity,
                                     "message": rule.message}
            expectations[rule.label] = rule.expectation
        con.execute(f"CREATE OR REPLACE TEMP TABLE __martframe AS SELECT row_number() OVER () "
                    f"AS __pid, * FROM ({sql})")
        outcome = _validate_frame(dq, suite, expectations, "SELECT * FROM __martframe", con, run_id,
                                  cfg.chunk_rows)
        results = []
        for rule in rules:
            pids = outcome[rule.label]["pids"]
            sample = []
            if pids:
                sample = [r[0] for r in con.execute(
                    f"SELECT CAST({rule.column} AS VARCHAR) FROM __martframe WHERE __pid IN "
                    f"({', '.join(map(str, pids[:1000]))}) LIMIT {SAMPLE_SIZE}").fetchall()]
            results.append(RuleResult(None, rule.label, rule.severity, rule.column,
                                      outcome[rule.label]["success"], len(pids),
                                      _jsonable(sample), rule.message))
        record_results(con, None, run_id, suite, results, None)
        out += [(suite, r) for r in results]
    con.execute("DROP TABLE IF EXISTS __martframe")
    return out
