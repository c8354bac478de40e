"""The row rules' implementations: for each row rule of the catalogue (base/rule_catalogue.py,
which holds its label, severity, message and source), the columns it reads and the GX expectation
that decides it.

Row rules read a *projection* of the batch: the distinct combinations of a few key columns (SQL
over the parsed batch), each with its row count. GX validates those combinations; failing ones are
joined back to the batch's `_source_row`s. A rule's verdict is the same as on the full rows (a value
fails or passes wherever it occurs) at a fraction of the cost, so validation stays cheap on national
files.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from base.rule_catalogue import rules_of
from base.sql import sql_literal
from base import codes
from base.dbt import PROJECT_DIR

from .config import DQConfig
from .gx_context import gx  # as imported there, with analytics off
from .rule_texts import SPENDING_TYPES, rendered

E = gx.expectations
# The regulation's item weights come from the dbt rule seeds: the one source of those numbers
SAKIP_WEIGHT_SEEDS = (PROJECT_DIR / "seeds" / "rules" / "rule_sakip_component.csv",
                      PROJECT_DIR / "seeds" / "rules" / "rule_sakip_subcomponent.csv")


@dataclass(frozen=True)
class RowCheck:
    """How one row rule is decided."""
    keys: tuple[str, ...]             # SQL over the parsed batch: the projection's columns
    # builds the expectation from the frame column names of keys and checks
    build: Callable[[dict[str, str]], object]
    # frame columns computed from the projection: name -> SQL using {k0}, {k1}... for the keys
    checks: dict[str, str] = field(default_factory=dict)
    # SQL run before the frame is built (lookup tables the checks read)
    prepare: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    """A row rule as a suite runs it: its catalogue row (texts filled in) and its check."""
    label: str
    severity: str
    message: str
    expected: str
    field: str                        # the column a quarantine entry names
    keys: tuple[str, ...]
    checks: dict[str, str]
    build: Callable[[dict[str, str]], object]
    prepare: tuple[str, ...]


def matches(column: str, pattern: str) -> RowCheck:
    return RowCheck((f'"{column}"',),
                    lambda c: E.ExpectColumnValuesToMatchRegex(column=c["k0"], regex=pattern))


def does_not_match(column: str, pattern: str) -> RowCheck:
    return RowCheck((f'"{column}"',),
                    lambda c: E.ExpectColumnValuesToNotMatchRegex(column=c["k0"], regex=pattern))


def at_least_zero(key: str) -> RowCheck:
    return RowCheck((key,), lambda c: E.ExpectColumnValuesToBeBetween(column=c["k0"], min_value=0))


def known_shape(field: str, also_known: str | None = None) -> RowCheck:
    """Warn on a plausible code whose shape the catalogue does not list for the row's fiscal year
    (codes another rule quarantines are left to that rule)."""
    known = codes.known_shape_sql(field, "__code__", "__year__")
    if also_known:
        known = f"({known} OR regexp_full_match(__code__, '{also_known[1:-1]}'))"
    judged_elsewhere = [codes.PLAUSIBLE.get(field), *codes.QUARANTINED_SHAPES.get(field, ())]
    if judged_elsewhere[0]:
        known = (f"CASE WHEN NOT regexp_full_match(__code__, '{judged_elsewhere[0]}') "
                 + "".join(f"OR regexp_full_match(__code__, '{p}') " for p in judged_elsewhere[1:])
                 + f"THEN NULL ELSE {known} END")
    # checks are str.format templates: the regexes' braces are escaped, then the keys put in
    known = (known.replace("{", "{{").replace("}", "}}")
             .replace("__code__", "{k1}").replace("__year__", "{k0}"))
    return RowCheck(('"fiscal_year"', f'"{field}"'),
                    lambda c: E.ExpectColumnValuesToBeInSet(column=c["known"], value_set=[True]),
                    checks={"known": f"CASE WHEN {{k1}} IS NOT NULL THEN {known} END"})


def row_checks(cfg: DQConfig) -> dict[str, RowCheck]:
    """label -> check, for every row rule of the catalogue."""
    checks = {"fiscal_year_in_window": RowCheck(
        ('"fiscal_year"',), lambda c: E.ExpectColumnValuesToBeBetween(
            column=c["k0"], min_value=cfg.min_fiscal_year, max_value=cfg.max_fiscal_year))}
    for field in codes.PLAUSIBLE:
        checks[f"{field}_shape"] = matches(field, codes.PLAUSIBLE[field])
        checks[f"{field}_known"] = known_shape(
            field, codes.SKPD_WITHOUT_PEMDA if field == "work_unit_code" else None)
    checks["instansi_code_known"] = known_shape("instansi_code")
    checks["work_unit_code_leading_zero_lost"] = does_not_match("work_unit_code",
                                                                codes.SATKER_LOST_ZERO)
    checks["work_unit_code_without_pemda"] = does_not_match("work_unit_code",
                                                            codes.SKPD_WITHOUT_PEMDA)
    checks["output_code_without_activity"] = does_not_match("output_code",
                                                            codes.RO_WITHOUT_ACTIVITY)
    checks["work_unit_has_budget"] = RowCheck(
        ('"fiscal_year"', '"work_unit_code"'),
        lambda c: E.ExpectColumnValuesToBeInSet(column=c["has_budget"], value_set=[True]),
        checks={"has_budget": "CASE WHEN {k1} IS NOT NULL THEN EXISTS (SELECT 1 FROM __budget_units b "
                              "WHERE b.fiscal_year = {k0} AND b.work_unit_code = {k1}) END"},
        # the units once: probing raw.budget's half a million lines per frame cost more
        prepare=("CREATE OR REPLACE TEMP TABLE __budget_units AS SELECT DISTINCT fiscal_year, "
                 "work_unit_code FROM raw.budget",))
    checks["revision_no_not_negative"] = at_least_zero('"revision_no"')
    checks["budget_amount_not_negative"] = at_least_zero('least("amount", 0)')
    checks["blocked_within_amount"] = RowCheck(
        ('CASE WHEN "blocked_amount" IS NOT NULL THEN "amount" END', '"blocked_amount"'),
        lambda c: E.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A=c["k0"], column_B=c["k1"], or_equal=True,
            ignore_row_if="either_value_is_missing"))
    checks["transaction_date_in_fiscal_year"] = RowCheck(
        ('"fiscal_year"', '"transaction_date"'),
        lambda c: E.ExpectColumnPairValuesToBeEqual(
            column_A=c["k0"], column_B=c["transaction_year"],
            ignore_row_if="either_value_is_missing"),
        checks={"transaction_year": "year({k1})"})
    checks["spending_type_known"] = RowCheck(
        ('"spending_type"',),
        lambda c: E.ExpectColumnValuesToBeInSet(column=c["k0"], value_set=list(SPENDING_TYPES)))
    checks["target_volume_not_negative"] = at_least_zero('"target_volume"')
    checks["realized_volume_not_negative"] = at_least_zero('"realized_volume"')
    checks["indicator_target_not_zero"] = RowCheck(
        ('"target"',), lambda c: E.ExpectColumnValuesToNotBeInSet(column=c["k0"], value_set=[0]))
    checks["range_target_has_upper_bound"] = RowCheck(
        ('CASE WHEN "polarity" = \'range\' THEN "target" END',
         'CASE WHEN "polarity" = \'range\' THEN coalesce("target_upper", \'NaN\'::DOUBLE) END'),
        lambda c: E.ExpectColumnValuesToBeInSet(column=c["range_ok"], value_set=[True]),
        checks={"range_ok": "CASE WHEN {k0} IS NOT NULL THEN NOT isnan({k1}) AND {k1} >= {k0} END"})
    component, sub_component = (sql_literal(str(path)) for path in SAKIP_WEIGHT_SEEDS)
    load_weights = (
        "CREATE OR REPLACE TEMP TABLE __sakip_weights AS "
        "SELECT regulation, component_code, NULL::VARCHAR AS sub_component_code, weight::DOUBLE AS w "
        f"FROM read_csv({component}, header = true, all_varchar = true) UNION ALL "
        "SELECT regulation, component_code, sub_component_code, weight::DOUBLE "
        f"FROM read_csv({sub_component}, header = true, all_varchar = true)")
    # the item's weight in the regulation's form
    weight = ("(SELECT max(w) FROM __sakip_weights s WHERE s.regulation = {k0} AND "
              "s.component_code = {k1} AND s.sub_component_code IS NOT DISTINCT FROM {k2})")
    checks["sakip_item_known"] = RowCheck(
        ('"regulation"', '"component_code"', '"sub_component_code"'),
        lambda c: E.ExpectColumnValuesToBeInSet(column=c["known"], value_set=[True]),
        checks={"known": f"{weight} IS NOT NULL"}, prepare=(load_weights,))
    checks["sakip_score_within_weight"] = RowCheck(
        ('"regulation"', '"component_code"', '"sub_component_code"', '"score"'),
        lambda c: E.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A=c["max_score"], column_B=c["k3"], or_equal=True,
            ignore_row_if="either_value_is_missing"),
        checks={"max_score": weight}, prepare=(load_weights,))
    checks["sakip_score_not_negative"] = at_least_zero('"score"')
    checks["unit_cost_positive"] = RowCheck(
        ('"unit_cost"',), lambda c: E.ExpectColumnValuesToBeBetween(column=c["k0"], min_value=0,
                                                                    strict_min=True))
    return checks


def extract_rules(kind: str, cfg: DQConfig) -> list[Rule]:
    """The row rules of a kind's suite, in catalogue order."""
    checks = row_checks(cfg)
    rules = []
    for info in rules_of("row", kind):
        info, check = rendered(info, cfg, kind), checks[info.label]
        rules.append(Rule(info.label, info.severity, info.message, info.expected, info.column,
                          check.keys, check.checks, check.build, check.prepare))
    return rules
