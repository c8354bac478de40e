"""GX suites on the marts, run after `dbt build`. A failing `error` rule blocks publishing.

One implementation per mart rule of the catalogue (base/rule_catalogue.py holds its label, suite,
severity, column, message and source): the expectation in `mart_expectations`, on the frame of its
suite in `MART_FRAMES`. Each suite validates the mart's rows (only the columns its rules read, in
chunks); every result goes to ops.dq_results under the build's run id.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from base.rule_catalogue import MART_SUITES, rules_of

from .config import DQConfig, load as load_config
from .rule_texts import rendered

if TYPE_CHECKING:
    from .gx_context import DQContext
    from .validation import RuleResult

# GX itself (3-4 s to import) is imported by the functions that build or run expectations, not by
# this module: the Dagster definitions read the rules (mart_suites(..., with_expectations=False))
# to declare the asset checks, and a run's startup should not pay for GX before a step needs it.
GRADES = ["AA", "A", "BB", "B", "CC", "C", "D"]
NKA_CATEGORIES = ["Sangat Baik", "Baik", "Cukup", "Kurang", "Sangat Kurang"]
ACHIEVEMENT_CATEGORIES = ["sangat tinggi", "tinggi", "sedang", "rendah", "sangat rendah"]

# suite -> the frame its rules read
MART_FRAMES = {
    # A work unit's absorption (ratio of sums over its programs and spending categories):
    # single program x category cells legitimately dip below 0 (refunds) or pass 100.
    "mart_absorption": """SELECT fiscal_year, month, work_unit_code,
                      100 * sum(realized_cumulative) / nullif(sum(budget_amount - coalesce(
                          CASE WHEN deduct_blocked THEN blocked_amount END, 0)), 0)
                          AS unit_absorption_pct,
                      count(*) FILTER (WHERE rule_id IS NULL) AS rows_without_rule_id
               FROM (SELECT a.*, coalesce(r.deduct_blocked, false) AS deduct_blocked
                     FROM marts.mart_absorption a LEFT JOIN core.rule_absorption r USING (rule_id))
               GROUP BY ALL""",
    "mart_efficiency": "SELECT efficiency_score, rule_id FROM marts.mart_efficiency",
    # NKA is a weighted mean of P, K, CK (capped as the rule says) and NE, weights adding to 100:
    # it lies between the least and the greatest of them (1e-6: the scores are rounded to 6
    # decimals). It may pass 100 where CK does (CK is uncapped under PMK 214/PMK.02/2017).
    "mart_budget_performance": """SELECT b.efficiency_score, b.nka_category, b.rule_id,
                      CASE WHEN b.nka_score IS NULL THEN true ELSE
                          b.nka_score BETWEEN least(b.absorption_score, b.consistency_score, ck.score,
                                                    b.efficiency_score) - 1e-6
                                      AND greatest(b.absorption_score, b.consistency_score, ck.score,
                                                   b.efficiency_score) + 1e-6
                      END AS nka_within_components
               FROM marts.mart_budget_performance b
               LEFT JOIN core.rule_nka n USING (rule_id),
               LATERAL (SELECT CASE WHEN n.output_achievement_score_cap_pct < b.output_achievement_score
                                    THEN n.output_achievement_score_cap_pct
                                    ELSE b.output_achievement_score END AS score) AS ck""",
    "mart_indicator_achievement": ("SELECT achievement_category, rule_id "
                                   "FROM marts.mart_indicator_achievement"),
    # the grade a score should carry, from the rule seed's bands; none when incomplete
    "mart_sakip_score": """SELECT s.grade, s.rule_id,
                      CASE WHEN NOT s.complete THEN s.grade IS NULL
                           ELSE s.grade IS NOT DISTINCT FROM (
                               SELECT g.grade FROM core.rule_sakip_grade g
                               WHERE g.rule_id = s.rule_id
                                 AND s.total_score > coalesce(g.score_above, -1)
                                 AND s.total_score <= coalesce(g.score_up_to, 100))
                      END AS grade_matches_band
               FROM marts.mart_sakip_score s""",
    "mart_sakip_component": "SELECT rule_id FROM marts.mart_sakip_component",
    "mart_budget_relevance": "SELECT relevance_pct, rule_id FROM marts.mart_budget_relevance",
    # weights of every rule_id must add up to 100 (a new regulation is a seed row)
    "mart_rules": """SELECT 'rule_nka' AS seed, rule_id, weight_absorption_pct + weight_consistency_pct
                      + weight_output_achievement_pct + weight_efficiency_pct AS weight_sum
               FROM core.rule_nka
               UNION ALL SELECT 'rule_sakip_component', rule_id, sum(weight)
               FROM core.rule_sakip_component GROUP BY ALL""",
}
assert set(MART_FRAMES) == set(MART_SUITES), "a mart without its frame, or a frame without its mart"


def mart_expectations(cfg: DQConfig) -> dict[str, object]:
    """label -> the expectation deciding it, for every mart rule of the catalogue (new objects on
    every call: an expectation belongs to one suite run)."""
    from .gx_context import gx  # as imported there, with analytics off

    E = gx.expectations

    def between(column: str, low, high):
        return E.ExpectColumnValuesToBeBetween(column=column, min_value=low, max_value=high)

    expectations = {
        "mart_absorption.unit_absorption_in_range": between("unit_absorption_pct", 0,
                                                            cfg.max_absorption_pct),
        "mart_absorption.rule_id_present": between("rows_without_rule_id", 0, 0),
        "mart_efficiency.efficiency_score_0_100": between("efficiency_score", 0, 100),
        "mart_budget_performance.efficiency_score_0_100": between("efficiency_score", 0, 100),
        "mart_budget_performance.nka_within_components": E.ExpectColumnValuesToBeInSet(
            column="nka_within_components", value_set=[True]),
        "mart_budget_performance.nka_category_known": E.ExpectColumnValuesToBeInSet(
            column="nka_category", value_set=NKA_CATEGORIES),
        "mart_indicator_achievement.category_known": E.ExpectColumnValuesToBeInSet(
            column="achievement_category", value_set=ACHIEVEMENT_CATEGORIES),
        "mart_sakip_score.grade_known": E.ExpectColumnValuesToBeInSet(column="grade",
                                                                       value_set=GRADES),
        "mart_sakip_score.grade_matches_band": E.ExpectColumnValuesToBeInSet(
            column="grade_matches_band", value_set=[True]),
        "mart_budget_relevance.relevance_pct_0_100": between("relevance_pct", 0, 100),
        "rules.weights_sum_to_100": between("weight_sum", 99.999, 100.001),
    }
    for suite in ("mart_efficiency", "mart_budget_performance", "mart_indicator_achievement",
                  "mart_sakip_score", "mart_sakip_component", "mart_budget_relevance"):
        expectations[f"{suite}.rule_id_present"] = E.ExpectColumnValuesToNotBeNull(
            column="rule_id")
    return expectations


@dataclass(frozen=True)
class MartRule:
    label: str
    severity: str          # error (blocks publishing) or warn
    column: str
    message: str
    expectation: object = None     # the GX expectation (None when built without them)


def mart_suites(cfg: DQConfig, with_expectations: bool = True
                ) -> dict[str, tuple[str, list[MartRule]]]:
    """suite name -> (frame SQL, rules in catalogue order). Frames select only what the rules
    read. with_expectations=False: the rules alone (labels, severities, messages), without
    importing GX."""
    expectations = mart_expectations(cfg) if with_expectations else {}
    suites = {}
    for suite, sql in MART_FRAMES.items():
        rules = [rendered(r, cfg) for r in rules_of("mart", suite)]
        suites[suite] = (sql, [MartRule(r.label, r.severity, r.column, r.message,
                                        expectations.get(r.label)) for r in rules])
    return suites


def validate_marts(con, dq: DQContext, run_id: str, cfg: DQConfig | None = None,
                   suites: list[str] | None = None) -> list[tuple[str, RuleResult]]:
    """Validate the marts; record every rule's result in ops.dq_results under run_id."""
    from .results import record_results
    from .validation import SAMPLE_SIZE, RuleResult, jsonable, validate_frame, with_meta

    cfg = cfg or load_config()
    out = []
    for suite, (sql, rules) in mart_suites(cfg).items():
        if suites is not None and suite not in suites:
            continue
        expectations = {rule.label: with_meta(rule.expectation, label=rule.label,
                                              severity=rule.severity, message=rule.message)
                        for rule in rules}
        con.execute(f"CREATE OR REPLACE TEMP TABLE __martframe AS SELECT row_number() OVER () "
                    f"AS __pid, * FROM ({sql})")
        outcome = validate_frame(dq, suite, expectations, "SELECT * FROM __martframe", con, run_id,
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
                                      jsonable(sample), rule.message))
        record_results(con, None, run_id, suite, results, None)
        out += [(suite, r) for r in results]
    con.execute("DROP TABLE IF EXISTS __martframe")
    return out
