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

from ingest.contracts import (CENTRAL_ACCOUNT, CENTRAL_WORK_UNIT, CONTRACTS, REGIONAL_ACCOUNT,
                              REGIONAL_SUB_ACTIVITY, REGIONAL_WORK_UNIT)

from .config import DQConfig

E = gx.expectations
SEVERITIES = ("reject", "quarantine", "warn", "error")  # error: a mart rule that blocks publishing

CENTRAL_OUTPUT = r"^[A-Z]{3}\.\d{3}$"          # rincian output (RO) 'EBA.994'
CENTRAL_PROGRAM = r"^\d{3}\.\d{2}\.[A-Z]{2}$"   # '054.01.WA'
CENTRAL_ACTIVITY = r"^\d{4}$"
REGIONAL_PROGRAM = r"^\d\.\d{2}\.\d{2}$"        # urusan.bidang.program '1.02.02'
REGIONAL_ACTIVITY = r"^\d\.\d{2}\.\d{2}\.\d\.\d{2}$"
INSTANSI = r"^\d{3}$|^\d{4}$"                   # BA (K/L) or pemda code
SPENDING_TYPES = ("51", "52", "53", "54", "55", "56", "57", "58",
                  "5.1.01", "5.1.02", "5.1.03", "5.1.04", "5.1.05", "5.1.06", "5.2", "5.3", "5.4")


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


def extract_rules(kind: str, cfg: DQConfig) -> list[Rule]:
    columns = set(CONTRACTS[kind].column_names)
    rules = [Rule(
        "fiscal_year_in_window", "quarantine",
        "fiscal year outside the years this warehouse accepts",
        f"a year from {cfg.min_fiscal_year} to {cfg.max_fiscal_year}", "fiscal_year",
        ('"fiscal_year"',),
        build=lambda c: E.ExpectColumnValuesToBeBetween(
            column=c["k0"], min_value=cfg.min_fiscal_year, max_value=cfg.max_fiscal_year))]
    if "work_unit_code" in columns:
        rules.append(regex_rule(
            "work_unit_code_shape", "work_unit_code", either(CENTRAL_WORK_UNIT, REGIONAL_WORK_UNIT),
            "quarantine", "work unit code is neither a satker code nor a SIPD SKPD code",
            "6 digits (satker, e.g. 019012) or pp.kk.u.bb.nn (SKPD, e.g. 32.04.1.02.01)"))
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
        rules.append(regex_rule(
            "instansi_code_shape", "instansi_code", INSTANSI, "warn",
            "institution code is neither a bagian anggaran nor a pemda code",
            "3 digits (BA, e.g. 019) or 4 digits (pemda, e.g. 3204)"))
    if kind in ("budget", "realization"):
        rules += [
            regex_rule("account_code_shape", "account_code", either(CENTRAL_ACCOUNT, REGIONAL_ACCOUNT),
                       "quarantine", "account code is neither a 6-digit akun nor a SIPD kode rekening",
                       "akun 5xxxxx (e.g. 521211) or kode rekening 5.x.xx.xx.xx.xxxx"),
            regex_rule("program_code_shape", "program_code", either(CENTRAL_PROGRAM, REGIONAL_PROGRAM),
                       "warn", "program code has an unexpected shape",
                       "BA.eselon.XX (e.g. 019.01.WA) or urusan.bidang.program (e.g. 1.02.02)"),
            regex_rule("activity_code_shape", "activity_code",
                       either(CENTRAL_ACTIVITY, REGIONAL_ACTIVITY), "warn",
                       "activity (kegiatan) code has an unexpected shape",
                       "4 digits (e.g. 4209) or SIPD kegiatan (e.g. 1.02.02.2.02)"),
        ]
    if kind in ("budget", "realization", "output_volume"):
        rules.append(regex_rule(
            "output_code_shape", "output_code", either(CENTRAL_OUTPUT, REGIONAL_SUB_ACTIVITY),
            "quarantine", "output code is neither a rincian output nor a SIPD sub-kegiatan",
            "RO XXX.999 (e.g. EBA.994) or sub-kegiatan 1.02.02.2.02.0001"))
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
