"""The data-quality rules as code: each rule has a label, a severity, a plain-language message and
the GX expectation that decides it. `docs/data_quality.md` lists them all.

Severities:
  reject     - the whole batch is refused (nothing reaches raw.*; file to archive/rejected/)
  quarantine - the failing rows go to ops.quarantine with the rule's label and message; the rest loads
  warn       - recorded in ops.dq_results; everything loads

Extract rules read a *projection* of the batch: the distinct combinations of a few key columns (SQL
over the parsed batch), each with its row count. GX validates those combinations; failing ones are
joined back to the batch's `_source_row`s. A rule's verdict is the same as on the full rows (a value
fails or passes wherever it occurs) at a fraction of the cost, so validation stays cheap on national
files.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import great_expectations as gx

from ingest import codes
from ingest.contracts import CONTRACTS

from .config import DQConfig

E = gx.expectations
SEVERITIES = ("reject", "quarantine", "warn", "error")  # error: a mart rule that blocks publishing

SPENDING_TYPES = ("51", "52", "53", "54", "55", "56", "57", "58",
                  "5.1.01", "5.1.02", "5.1.03", "5.1.04", "5.1.05", "5.1.06", "5.2", "5.3", "5.4")
# The code columns each kind is checked on (ingest/codes.py holds the shapes)
CODE_FIELDS = {
    "budget": ("work_unit_code", "program_code", "activity_code", "output_code", "account_code"),
    "realization": ("work_unit_code", "program_code", "activity_code", "output_code",
                    "account_code"),
    "budget_plan": ("work_unit_code",),
    "output_volume": ("work_unit_code", "output_code"),
    "indicator": ("work_unit_code",),
}
CODE_LABELS = {"work_unit_code": "work unit", "program_code": "program",
               "activity_code": "activity (kegiatan)", "output_code": "output",
               "account_code": "account"}


def either(*patterns) -> str:
    return "|".join(p.pattern if hasattr(p, "pattern") else p for p in patterns)


@dataclass(frozen=True)
class Rule:
    label: str
    severity: str
    message: str
    expected: str
    field: str                        # the column a quarantine entry names
    keys: tuple[str, ...]             # SQL over the parsed batch: the projection's columns
    # frame columns computed from the projection: name -> SQL using {k0}, {k1}... for the keys
    checks: dict[str, str] = field(default_factory=dict)
    # builds the expectation from the frame column names of keys and checks
    build: Callable[[dict[str, str]], object] = None
    # SQL run before the frame is built (lookup tables the checks read)
    prepare: tuple[str, ...] = ()

    def __post_init__(self):
        assert self.severity in SEVERITIES, self.severity


def regex_rule(label, column, pattern, severity, message, expected) -> Rule:
    return Rule(label, severity, message, expected, column, (f'"{column}"',),
                build=lambda c: E.ExpectColumnValuesToMatchRegex(column=c["k0"], regex=pattern))


def examples(thing: str) -> str:
    return ", ".join(f"{s.name} {s.example}" for s in codes.shapes_of(thing))


def known_shape_rule(field: str, label: str, also_known: str | None = None) -> Rule:
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
    return Rule(
        f"{field}_known", "warn",
        f"{label} code has a shape no code system lists for its fiscal year (a new format, or a "
        f"typo that still looks like a code)",
        f"a catalogued shape: {examples(field)}", field, ('"fiscal_year"', f'"{field}"'),
        checks={"known": f"CASE WHEN {{k1}} IS NOT NULL THEN {known} END"},
        build=lambda c: E.ExpectColumnValuesToBeInSet(column=c["known"], value_set=[True]))


def code_shape_rules(kind: str) -> list[Rule]:
    """Per code column: quarantine what no real system writes, warn on an unknown shape."""
    rules = []
    for field in CODE_FIELDS.get(kind, ()):
        label = CODE_LABELS[field]
        rules.append(regex_rule(
            f"{field}_shape", field, codes.PLAUSIBLE[field], "quarantine",
            f"{label} code has characters no code system uses (a letter in a numeric segment, "
            f"stray punctuation)", f"digits and dots as in {examples(field)}"))
        if field == "work_unit_code":
            rules.append(Rule(
                "work_unit_code_leading_zero_lost", "quarantine",
                "work unit code has 5 digits: a satker code whose leading zero was dropped "
                "(Excel reads 019012 as the number 19012)",
                "the 6-digit satker code as text (e.g. 019012)", field, (f'"{field}"',),
                build=lambda c: E.ExpectColumnValuesToNotMatchRegex(
                    column=c["k0"], regex=codes.SATKER_LOST_ZERO)))
            rules.append(Rule(
                "work_unit_code_without_pemda", "warn",
                "SKPD code without its pemda: SIPD codes are unique only inside one pemda, so "
                "this unit cannot be told apart from the same SKPD of another region",
                "a kode_pemda column beside kode_skpd (the unit becomes 32.73.1.02.0.00.0.00.01.0000)",
                field, (f'"{field}"',),
                build=lambda c: E.ExpectColumnValuesToNotMatchRegex(
                    column=c["k0"], regex=codes.SKPD_WITHOUT_PEMDA)))
        if field == "output_code":
            rules.append(Rule(
                "output_code_without_activity", "quarantine",
                "rincian output without its kegiatan: the same RO (e.g. EBA.994) exists under many "
                "kegiatan of one satker, so the output cannot be identified",
                "the kegiatan in its own column (KDGIAT) or the whole code 4209.EBA.994", field,
                (f'"{field}"',),
                build=lambda c: E.ExpectColumnValuesToNotMatchRegex(
                    column=c["k0"], regex=codes.RO_WITHOUT_ACTIVITY)))
        rules.append(known_shape_rule(field, label, codes.SKPD_WITHOUT_PEMDA
                                      if field == "work_unit_code" else None))
    return rules


def extract_rules(kind: str, cfg: DQConfig) -> list[Rule]:
    columns = set(CONTRACTS[kind].column_names)
    rules = [Rule(
        "fiscal_year_in_window", "quarantine",
        "fiscal year outside the years this warehouse accepts",
        f"a year from {cfg.min_fiscal_year} to {cfg.max_fiscal_year}", "fiscal_year",
        ('"fiscal_year"',),
        build=lambda c: E.ExpectColumnValuesToBeBetween(
            column=c["k0"], min_value=cfg.min_fiscal_year, max_value=cfg.max_fiscal_year))]
    rules += code_shape_rules(kind)
    if "work_unit_code" in columns and kind != "budget":
        rules.append(Rule(
            "work_unit_has_budget", "warn",
            "work unit has no budget (DIPA/DPA) loaded for this fiscal year: a new unit or a typo",
            "a work unit with budget lines in raw.budget", "work_unit_code",
            ('"fiscal_year"', '"work_unit_code"'),
            checks={"has_budget": "CASE WHEN {k1} IS NOT NULL THEN EXISTS (SELECT 1 FROM __budget_units b "
                                  "WHERE b.fiscal_year = {k0} AND b.work_unit_code = {k1}) END"},
            build=lambda c: E.ExpectColumnValuesToBeInSet(column=c["has_budget"], value_set=[True]),
            # the units once: probing raw.budget's half a million lines per frame cost more
            prepare=("CREATE OR REPLACE TEMP TABLE __budget_units AS SELECT DISTINCT fiscal_year, "
                     "work_unit_code FROM raw.budget",)))
    if "instansi_code" in columns:
        rules.append(known_shape_rule("instansi_code", "institution"))
    if kind == "budget":
        rules += [
            Rule("revision_no_not_negative", "quarantine", "revision number is negative",
                 "0 for the original DIPA/DPA, 1, 2... for revisions", "revision_no",
                 ('"revision_no"',),
                 build=lambda c: E.ExpectColumnValuesToBeBetween(column=c["k0"], min_value=0)),
            Rule("budget_amount_not_negative", "warn", "budget line with a negative amount",
                 "an amount of 0 or more", "amount", ("least(\"amount\", 0)",),
                 build=lambda c: E.ExpectColumnValuesToBeBetween(column=c["k0"], min_value=0)),
            Rule("blocked_within_amount", "warn", "blocked amount (blokir) larger than the line's pagu",
                 "blocked_amount <= amount", "blocked_amount",
                 ('CASE WHEN "blocked_amount" IS NOT NULL THEN "amount" END', '"blocked_amount"'),
                 build=lambda c: E.ExpectColumnPairValuesAToBeGreaterThanB(
                     column_A=c["k0"], column_B=c["k1"], or_equal=True,
                     ignore_row_if="either_value_is_missing")),
        ]
    if kind == "realization":
        rules.append(Rule(
            "transaction_date_in_fiscal_year", "quarantine",
            "SP2D date outside its fiscal year (a future or mistyped date)",
            "a date within the row's fiscal year", "transaction_date",
            ('"fiscal_year"', '"transaction_date"'),
            checks={"transaction_year": "year({k1})"},
            build=lambda c: E.ExpectColumnPairValuesToBeEqual(
                column_A=c["k0"], column_B=c["transaction_year"],
                ignore_row_if="either_value_is_missing")))
    if kind == "budget_plan":
        rules.append(Rule(
            "spending_type_known", "quarantine", "spending type (jenis belanja) is not a known code",
            "one of " + ", ".join(SPENDING_TYPES), "spending_type", ('"spending_type"',),
            build=lambda c: E.ExpectColumnValuesToBeInSet(column=c["k0"], value_set=list(SPENDING_TYPES))))
    if kind == "output_volume":
        for col in ("target_volume", "realized_volume"):
            rules.append(Rule(
                f"{col}_not_negative", "quarantine", f"{col.replace('_', ' ')} is negative",
                "a volume of 0 or more", col, (f'"{col}"',),
                build=lambda c: E.ExpectColumnValuesToBeBetween(column=c["k0"], min_value=0)))
    if kind == "indicator":
        rules += [
            Rule("indicator_target_not_zero", "warn",
                 "target is 0: achievement cannot be computed (a data error, not 0%)",
                 "a non-zero target", "target", ('"target"',),
                 build=lambda c: E.ExpectColumnValuesToNotBeInSet(column=c["k0"], value_set=[0])),
            Rule("range_target_has_upper_bound", "quarantine",
                 "polarity 'range' needs target (lower bound) <= target_upper",
                 "target_upper filled and >= target", "target_upper",
                 ('CASE WHEN "polarity" = \'range\' THEN "target" END',
                  'CASE WHEN "polarity" = \'range\' THEN coalesce("target_upper", \'NaN\'::DOUBLE) END'),
                 checks={"range_ok": "CASE WHEN {k0} IS NOT NULL THEN NOT isnan({k1}) AND {k1} >= {k0} END"},
                 build=lambda c: E.ExpectColumnValuesToBeInSet(column=c["range_ok"], value_set=[True])),
        ]
    if kind == "sakip_evaluation":
        weight = ("(SELECT max(w) FROM __sakip_weights s WHERE s.regulation = {k0} AND "
                  "s.component_code = {k1} AND s.sub_component_code IS NOT DISTINCT FROM {k2})")
        rules += [
            Rule("sakip_item_known", "quarantine",
                 "component or sub-component is not part of the regulation's evaluation form",
                 "a component (and sub-component) of the regulation", "component_code",
                 ('"regulation"', '"component_code"', '"sub_component_code"'),
                 checks={"known": f"{weight} IS NOT NULL"},
                 build=lambda c: E.ExpectColumnValuesToBeInSet(column=c["known"], value_set=[True])),
            Rule("sakip_score_within_weight", "quarantine",
                 "score above the item's weight (a component cannot earn more than its weight)",
                 "0 <= score <= the weight of the component or sub-component", "score",
                 ('"regulation"', '"component_code"', '"sub_component_code"', '"score"'),
                 checks={"max_score": weight},
                 build=lambda c: E.ExpectColumnPairValuesAToBeGreaterThanB(
                     column_A=c["max_score"], column_B=c["k3"], or_equal=True,
                     ignore_row_if="either_value_is_missing")),
            Rule("sakip_score_not_negative", "quarantine", "score is negative", "a score of 0 or more",
                 "score", ('"score"',),
                 build=lambda c: E.ExpectColumnValuesToBeBetween(column=c["k0"], min_value=0)),
        ]
    if kind == "cost_standard":
        rules.append(Rule(
            "unit_cost_positive", "quarantine", "cost standard with a unit cost of 0 or less",
            "a unit cost above 0", "unit_cost", ('"unit_cost"',),
            build=lambda c: E.ExpectColumnValuesToBeBetween(column=c["k0"], min_value=0,
                                                            strict_min=True)))
    return rules


# Rules enforced while parsing (ingest/normalise.py), listed with the rest for stewards
PARSE_RULES = {
    "missing_mandatory": "quarantine",
    "unparseable_number": "quarantine",
    "unparseable_date": "quarantine",
    "unparseable_integer": "quarantine",
    "invalid_month": "quarantine",
    "invalid_value": "quarantine",
    "duplicate_key_in_file": "quarantine",
    "malformed_line": "quarantine",
    "underivable_value": "quarantine",
    "missing_column": "reject",
    "unknown_kind": "reject",
}
