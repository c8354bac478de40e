"""Which marts can be traced and how: for each, the keys it needs, the source lines behind a row
(one SQL per side, joined to the selected mart rows `m`), the sums that must equal the mart's
columns and the ratios recomputed from them (docs/audit.md):

* `mart_absorption` (keys must include fiscal_year and month): budget side = current-revision
  budget lines of the rows' work unit, program and spending category; realization side = SP2D/LRA
  lines of months 1..month (realized_cumulative) and of the month (realized_amount).
* `mart_efficiency` (fiscal_year): budget lines (PAK), realization lines (RAK) and the volume
  report row (TVK, RVK) of each output; efficiency_pct recomputed.
* `mart_indicator_achievement` (fiscal_year): the indicator row (target, realization);
  achievement_pct recomputed from the polarity.
* `mart_sakip_score`, `mart_sakip_component` (fiscal_year): the LKE rows; a component counts its
  total row when there is one, else its sub-components (each capped at its weight); the component
  is capped at its weight; total_score recomputed.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .ratios import (absorption_checks, efficiency_checks, indicator_checks, sakip_component_checks,
                     sakip_score_checks)


@dataclass(frozen=True)
class Side:
    name: str
    title: str
    sql: str                       # lines joined to CTE `m` (the selected mart rows)
    detail: tuple[str, ...]        # extra columns shown per line


@dataclass(frozen=True)
class Measure:
    mart_column: str               # summed over the selected mart rows
    side: str
    value: str = "counted"         # line column summed
    only: Callable[[dict, dict], bool] | None = None   # (line, mart row) -> counts for this measure
    label: str | None = None
    digits: int | None = None      # compare after rounding the traced sum (float measures)


@dataclass(frozen=True)
class MartSpec:
    table: str
    row_key: str
    required: tuple[str, ...]
    shown: tuple[str, ...]         # mart columns printed for each selected row
    sides: tuple[Side, ...]
    measures: tuple[Measure, ...]
    derived: Callable[..., list[dict]] | None = None   # (con, rows, lines) -> checks
    summable: tuple[str, ...] = ()     # columns added up over the selected rows (the total)
    total: Callable[[dict], dict] | None = None        # ratios of the total, from its sums
    note: str = ""


def _lines_sql(select: str, source: str, join: str, where: str = "") -> str:
    return (f"SELECT m.{{row_key}} AS row_key, {select}, "
            f"x._source_file, x._source_sha256, x._source_row, x._load_id FROM {source} "
            f"JOIN m ON {join}" + (f" WHERE {where}" if where else ""))


_ABSORPTION_JOIN = ("m.fiscal_year = x.fiscal_year AND m.work_unit_code = x.work_unit_code "
                    "AND m.program_code IS NOT DISTINCT FROM x.program_code "
                    "AND m.spending_category = a.spending_category")

ABSORPTION = MartSpec(
    table="mart_absorption",
    row_key="absorption_key",
    required=("fiscal_year", "month"),
    shown=("fiscal_year", "month", "work_unit_code", "program_code", "spending_category",
           "budget_amount", "blocked_amount", "absorption_base_amount", "realized_amount",
           "realized_cumulative", "absorption_pct", "rule_id"),
    sides=(
        Side("budget", "Budget lines (pagu, current revision)",
             _lines_sql("x.budget_amount AS amount, x.budget_amount AS counted, x.blocked_amount, "
                        "x.revision_no, x.program_code, x.activity_code, x.output_code, x.account_code",
                        "core.fact_budget AS x JOIN core.dim_account AS a "
                        "ON a.account_code = x.account_code",
                        _ABSORPTION_JOIN, "x.is_current_revision"),
             ("revision_no", "program_code", "activity_code", "output_code", "account_code",
              "blocked_amount")),
        Side("realization", "Realization lines (SP2D / LRA), months 1..month",
             _lines_sql("x.realized_amount AS amount, x.realized_amount AS counted, x.period_month, "
                        "x.transaction_date, x.document_no, x.output_code, x.account_code, x.is_refund",
                        "core.fact_realization AS x JOIN core.dim_account AS a "
                        "ON a.account_code = x.account_code",
                        _ABSORPTION_JOIN + " AND x.period_month <= m.month"),
             ("document_no", "transaction_date", "period_month", "output_code", "account_code")),
    ),
    measures=(
        Measure("budget_amount", "budget"),
        Measure("blocked_amount", "budget", value="blocked_amount"),
        Measure("realized_cumulative", "realization"),
        Measure("realized_amount", "realization", label="realized_amount (the month)",
                only=lambda line, row: line["period_month"] == row["month"]),
        Measure("refund_amount", "realization", label="refund_amount (the month)",
                only=lambda line, row: line["period_month"] == row["month"] and line["is_refund"]),
    ),
    derived=absorption_checks,
    summable=("budget_amount", "blocked_amount", "absorption_base_amount", "realized_amount",
              "realized_cumulative"),
    total=lambda t: {"absorption_pct": round(float(t["realized_cumulative"]) * 100
                                             / float(t["absorption_base_amount"]), 6)
                     if t.get("absorption_base_amount") else None},
    note="absorption_pct = realized_cumulative / absorption_base_amount x 100 (base = current pagu, "
         "minus blokir when the rule deducts it)",
)

EFFICIENCY = MartSpec(
    table="mart_efficiency",
    row_key="efficiency_key",
    required=("fiscal_year",),
    shown=("fiscal_year", "work_unit_code", "output_code", "budget_amount", "realized_amount",
           "target_volume", "realized_volume", "output_achievement", "efficiency_pct",
           "efficiency_score", "rule_id"),
    sides=(
        Side("budget", "Budget lines of the output (PAK, current revision)",
             _lines_sql("x.budget_amount AS amount, x.budget_amount AS counted, x.revision_no, "
                        "x.program_code, x.activity_code, x.account_code",
                        "core.fact_budget AS x",
                        "m.fiscal_year = x.fiscal_year AND m.work_unit_code = x.work_unit_code "
                        "AND m.output_code = x.output_code", "x.is_current_revision"),
             ("revision_no", "program_code", "activity_code", "account_code")),
        Side("realization", "Realization lines of the output (RAK, SP2D / LRA)",
             _lines_sql("x.realized_amount AS amount, x.realized_amount AS counted, x.transaction_date, "
                        "x.document_no, x.account_code",
                        "core.fact_realization AS x",
                        "m.fiscal_year = x.fiscal_year AND m.work_unit_code = x.work_unit_code "
                        "AND m.output_code = x.output_code"),
             ("document_no", "transaction_date", "account_code")),
        Side("volume", "Output volume report (TVK / RVK, latest month of the year)",
             _lines_sql("x.realized_volume AS amount, x.realized_volume AS counted, x.target_volume, "
                        "x.realized_volume, x.period_month, x.output_unit",
                        "core.fact_output_achievement AS x",
                        "m.fiscal_year = x.fiscal_year AND m.work_unit_code = x.work_unit_code "
                        "AND m.output_code = x.output_code AND m.volume_period_month = x.period_month"),
             ("period_month", "target_volume", "realized_volume", "output_unit")),
    ),
    measures=(
        Measure("budget_amount", "budget", label="budget_amount (PAK)"),
        Measure("realized_amount", "realization", label="realized_amount (RAK)"),
        Measure("target_volume", "volume", value="target_volume", label="target_volume (TVK)", digits=6),
        Measure("realized_volume", "volume", value="realized_volume", label="realized_volume (RVK)",
                digits=6),
    ),
    derived=efficiency_checks,
    summable=("budget_amount", "realized_amount"),
    note="efficiency_pct = (PAK x CK - RAK) / (PAK x CK) x 100, CK = RVK / TVK x 100 (PMK 214/2017)",
)

INDICATOR = MartSpec(
    table="mart_indicator_achievement",
    row_key="indicator_achievement_key",
    required=("fiscal_year",),
    shown=("fiscal_year", "period_month", "instansi_code", "work_unit_code", "indicator_code",
           "polarity", "target", "target_upper", "realization", "achievement_pct",
           "achievement_score", "achievement_category", "rule_id"),
    sides=(
        Side("indicator", "Indicator rows (IKU/IKK, Perjanjian Kinerja)",
             _lines_sql("x.realization AS amount, x.realization AS counted, x.target, x.target_upper, "
                        "x.polarity, x.indicator_code, x.period_month",
                        "core.fact_indicator_achievement AS x",
                        "m.indicator_achievement_key = x.indicator_achievement_key"),
             ("indicator_code", "period_month", "polarity", "target", "target_upper")),
    ),
    measures=(
        Measure("realization", "indicator", digits=6),
        Measure("target", "indicator", value="target", digits=6),
    ),
    derived=indicator_checks,
    note="achievement_pct: max R/T x 100; min (2T - R)/T x 100; range 100 inside [L, U], "
         "R/U above, R/L below",
)

_SAKIP_LINES = """
SELECT m.{row_key} AS row_key, x.score AS amount, x.component_code, x.sub_component_code,
       x.is_component_total, s.weight AS sub_component_weight,
       CASE
           WHEN c.component_code IS NULL THEN 0                  -- component unknown to the rule
           WHEN x.is_component_total THEN x.score
           WHEN bool_or(x.is_component_total) OVER (
                    PARTITION BY m.{row_key}, x.component_code) THEN 0   -- the total row counts
           WHEN s.weight IS NOT NULL AND x.score > s.weight THEN s.weight
           ELSE x.score
       END AS counted,
       CASE
           WHEN c.component_code IS NULL THEN 'not counted: component unknown to ' || m.regulation
           WHEN x.is_component_total THEN 'component total'
           WHEN bool_or(x.is_component_total) OVER (
                    PARTITION BY m.{row_key}, x.component_code) THEN 'detail (the total row counts)'
           WHEN s.weight IS NOT NULL AND x.score > s.weight
               THEN 'sub-component capped at its weight ' || s.weight
           ELSE 'sub-component'
       END AS role,
       c.weight AS component_weight,
       x._source_file, x._source_sha256, x._source_row, x._load_id
FROM core.fact_sakip_evaluation AS x
JOIN m ON m.fiscal_year = x.fiscal_year AND m.instansi_code = x.instansi_code
    AND m.regulation = x.regulation {component_join}
LEFT JOIN core.rule_sakip_component AS c
    ON c.regulation = x.regulation AND c.component_code = x.component_code
    AND x.fiscal_year BETWEEN c.fiscal_year_from AND c.fiscal_year_to
LEFT JOIN core.rule_sakip_subcomponent AS s
    ON s.regulation = x.regulation AND s.component_code = x.component_code
    AND s.sub_component_code = x.sub_component_code
    AND x.fiscal_year BETWEEN s.fiscal_year_from AND s.fiscal_year_to
"""


def _sakip_side(component: bool) -> Side:
    return Side("evaluation", "LKE evaluation rows (SAKIP)",
                _SAKIP_LINES.replace("{component_join}",
                                     "AND m.component_code = x.component_code" if component else ""),
                ("component_code", "sub_component_code", "role"))


SAKIP_SCORE = MartSpec(
    table="mart_sakip_score",
    row_key="sakip_score_key",
    required=("fiscal_year",),
    shown=("fiscal_year", "instansi_code", "regulation", "total_score", "complete", "grade",
           "grade_label", "rule_id"),
    sides=(_sakip_side(False),),
    measures=(),
    derived=sakip_score_checks,
    note="a component counts its total row when the LKE has one, else its sub-components (each "
         "capped at its weight); a component is capped at its weight; total = sum of components",
)

SAKIP_COMPONENT = MartSpec(
    table="mart_sakip_component",
    row_key="sakip_component_key",
    required=("fiscal_year",),
    shown=("fiscal_year", "instansi_code", "regulation", "component_code", "weight", "raw_score",
           "score", "rule_id"),
    sides=(_sakip_side(True),),
    measures=(Measure("raw_score", "evaluation", digits=6),),
    derived=sakip_component_checks,
    note=SAKIP_SCORE.note,
)


MARTS: dict[str, MartSpec] = {s.table: s for s in (ABSORPTION, EFFICIENCY, INDICATOR, SAKIP_SCORE,
                                                    SAKIP_COMPONENT)}
