"""The data-quality rule catalogue: one row per rule, for every stage that applies rules.

Each rule is declared here once: label, stage, severity, message, source (the regulation or system
fact it comes from, where there is one), the column its results name and what it applies to. Its
implementation is the one piece of code that decides it, found by label:

  parse  ingest/normalise.py and ingest/loader.py (cells that do not read into the contract)
  row    expectations/rules.py `row_checks` (GX, on the distinct key combinations of a batch)
  batch  expectations/batch_rules.py `BATCH_CHECKS` (GX, on the rows of a batch that would load)
  mart   expectations/marts.py `mart_expectations` (GX, on the marts after `dbt build`)

The loader, the GX suites, the Dagster asset checks and docs/data_quality.md read the rows from
here; tests/base/test_rule_catalogue.py checks that every implementation has a row and every row one
implementation. This module is plain data (it sits below ingest and expectations, which both read
it). Texts may hold `{placeholders}`: the data-quality settings (expectations/config.py) and the
few values of expectations/rule_texts.py, which fills them in.

Severities:
  reject     - the whole batch is refused (nothing reaches raw.*; file to archive/rejected/)
  quarantine - the failing rows go to ops.quarantine with the rule's label and message; the rest loads
  warn       - recorded in ops.dq_results; everything loads
  error      - a mart rule that blocks publishing
"""
from __future__ import annotations

from dataclasses import dataclass

from .dbt import MARTS

STAGE_SEVERITIES = {
    "parse": ("quarantine", "reject"),
    "row": ("quarantine", "warn"),
    "batch": ("reject", "warn"),
    "mart": ("error", "warn"),
}
EVERY_KIND = ("budget", "budget_plan", "realization", "output_volume", "indicator",
              "sakip_evaluation", "cost_standard")


@dataclass(frozen=True)
class RuleInfo:
    label: str
    stage: str                    # parse, row, batch or mart (see STAGE_SEVERITIES)
    severity: str
    message: str                  # plain words, quoted in ops.quarantine and ops.dq_results
    source: str | None            # the regulation or system fact the rule comes from
    applies_to: tuple[str, ...]   # extract kinds; for a mart rule, its suite
    column: str | None = None     # the column its results name (None: whichever cell failed)
    expected: str | None = None   # row rules: what a valid value looks like
    finding: str | None = None    # batch rules: a failing result's message, with the batch's figures
    detail: str | None = None     # batch rules: what the rule compares, for docs/data_quality.md

    def __post_init__(self):
        assert self.severity in STAGE_SEVERITIES[self.stage], (self.label, self.severity)


# ----------------------------------------------------------------------------------------- parse
CONTRACT = "the extract contract (ingest/contracts.py, docs/extracts.md)"


def _parse(label, message, source=CONTRACT, severity="quarantine") -> RuleInfo:
    return RuleInfo(label, "parse", severity, message, source, EVERY_KIND)


PARSE = (
    _parse("missing_mandatory", "mandatory field is empty"),
    _parse("unparseable_number", "not a number in the column's format"),
    _parse("unparseable_date",
           "not a date (expected ISO yyyy-mm-dd, dd/mm/yyyy or '31 Desember 2024')"),
    _parse("unparseable_integer", "not a whole number"),
    _parse("invalid_month", "not a month (1-12 or an Indonesian month name)"),
    _parse("invalid_value", "not one of the allowed values"),
    _parse("duplicate_key_in_file", "natural key repeats an earlier row of the same file"),
    _parse("malformed_line", "wrong number of fields on the line", source=None),
    _parse("underivable_value", "column is absent and cannot be derived from this row"),
    _parse("amount_scientific_notation",
           "amount in scientific notation: precision lost in Excel (the mantissa does not hold "
           "every digit); export the column as a number with all digits",
           source="system fact: Excel shows large numbers as 1.2E+10 and drops the other digits"),
    _parse("amount_too_large",
           "amount has more than 36 digits before the decimal point: it does not fit "
           "DECIMAL(38,2)", source="the raw amount type DECIMAL(38,2)"),
    # file-level: the loader refuses the file whole (ops.load_log names the cause)
    _parse("missing_column", "a mandatory column of the kind is missing from the file",
           severity="reject"),
    _parse("unknown_kind", "the headers match no extract kind", severity="reject"),
    _parse("unreadable_file",
           "the file cannot be read as an extract: not text in a known encoding, no header row, "
           "a damaged workbook or Parquet file, or not a regular file", severity="reject"),
)

# -------------------------------------------------------------------------------------- row rules
CODED_KINDS = ("budget", "budget_plan", "realization", "output_volume", "indicator")
BUDGET_LINE_KINDS = ("budget", "realization")          # full MAK: program, kegiatan, output, akun
OUTPUT_KINDS = ("budget", "realization", "output_volume")
CODE_FORMATS = ("code formats of SAKTI/OM-SPAN and SIPD: base/codes.py, each shape with its "
                "regulation")


def _shape(label, thing, field, kinds) -> RuleInfo:
    return RuleInfo(
        label, "row", "quarantine",
        f"{thing} code has characters no code system uses (a letter in a numeric segment, stray "
        f"punctuation)", CODE_FORMATS, kinds, field,
        expected=f"digits and dots as in {{{field}_examples}}")


def _known(label, thing, field, kinds) -> RuleInfo:
    return RuleInfo(
        label, "row", "warn",
        f"{thing} code has a shape no code system lists for its fiscal year (a new format, or a "
        f"typo that still looks like a code)", CODE_FORMATS, kinds, field,
        expected=f"a catalogued shape: {{{field}_examples}}")


SAKIP_FORMS = ("PermenPANRB 12/2015 and 88/2021 evaluation forms (dbt seeds rule_sakip_component, "
               "rule_sakip_subcomponent)")

# In the order each kind's suite runs them (a kind's rules are a subsequence of this list)
ROW = (
    RuleInfo("fiscal_year_in_window", "row", "quarantine",
             "fiscal year outside the years this warehouse accepts",
             "warehouse setting (min_fiscal_year, max_fiscal_year): the first PBK-era DIPA data "
             "in these systems to next year's budget", EVERY_KIND, "fiscal_year",
             expected="a year from {min_fiscal_year} to {max_fiscal_year}"),
    _shape("work_unit_code_shape", "work unit", "work_unit_code", CODED_KINDS),
    RuleInfo("work_unit_code_leading_zero_lost", "row", "quarantine",
             "work unit code has 5 digits: a satker code whose leading zero was dropped (Excel "
             "reads 019012 as the number 19012)",
             "DJPb satker register: satker codes have 6 digits", CODED_KINDS, "work_unit_code",
             expected="the 6-digit satker code as text (e.g. 019012)"),
    RuleInfo("work_unit_code_without_pemda", "row", "warn",
             "SKPD code without its pemda: SIPD codes are unique only inside one pemda, so this "
             "unit cannot be told apart from the same SKPD of another region",
             "SIPD (Permendagri 70/2019): an SKPD code is numbered within its pemda",
             CODED_KINDS, "work_unit_code",
             expected="a kode_pemda column beside kode_skpd (the unit becomes "
                      "32.73.1.02.0.00.0.00.01.0000)"),
    _known("work_unit_code_known", "work unit", "work_unit_code", CODED_KINDS),
    _shape("program_code_shape", "program", "program_code", BUDGET_LINE_KINDS),
    _known("program_code_known", "program", "program_code", BUDGET_LINE_KINDS),
    _shape("activity_code_shape", "activity (kegiatan)", "activity_code", BUDGET_LINE_KINDS),
    _known("activity_code_known", "activity (kegiatan)", "activity_code", BUDGET_LINE_KINDS),
    _shape("output_code_shape", "output", "output_code", OUTPUT_KINDS),
    RuleInfo("output_code_without_activity", "row", "quarantine",
             "rincian output without its kegiatan: the same RO (e.g. EBA.994) exists under many "
             "kegiatan of one satker, so the output cannot be identified",
             "Redesain sistem perencanaan dan penganggaran (RKA-K/L from FY 2021): an RO is "
             "numbered within its kegiatan and KRO", OUTPUT_KINDS, "output_code",
             expected="the kegiatan in its own column (KDGIAT) or the whole code 4209.EBA.994"),
    _known("output_code_known", "output", "output_code", OUTPUT_KINDS),
    _shape("account_code_shape", "account", "account_code", BUDGET_LINE_KINDS),
    _known("account_code_known", "account", "account_code", BUDGET_LINE_KINDS),
    RuleInfo("work_unit_has_budget", "row", "warn",
             "work unit has no budget (DIPA/DPA) loaded for this fiscal year: a new unit or a typo",
             "system fact: a unit spends and reports against its DIPA/DPA of the year",
             ("budget_plan", "realization", "output_volume", "indicator"), "work_unit_code",
             expected="a work unit with budget lines in raw.budget"),
    _known("instansi_code_known", "institution", "instansi_code",
           ("budget", "budget_plan", "realization", "output_volume", "indicator",
            "sakip_evaluation")),
    RuleInfo("revision_no_not_negative", "row", "quarantine", "revision number is negative",
             "system fact: DIPA/DPA revisions are numbered from 0 (the original document)",
             ("budget",), "revision_no",
             expected="0 for the original DIPA/DPA, 1, 2... for revisions"),
    RuleInfo("budget_amount_not_negative", "row", "warn", "budget line with a negative amount",
             None, ("budget",), "amount", expected="an amount of 0 or more"),
    RuleInfo("blocked_within_amount", "row", "warn",
             "blocked amount (blokir) larger than the line's pagu",
             "system fact: a blokir holds back part of the line's own pagu", ("budget",),
             "blocked_amount", expected="blocked_amount <= amount"),
    RuleInfo("transaction_date_in_fiscal_year", "row", "quarantine",
             "SP2D date outside its fiscal year (a future or mistyped date)",
             "UU 17/2003: the fiscal year runs from 1 January to 31 December", ("realization",),
             "transaction_date", expected="a date within the row's fiscal year"),
    RuleInfo("spending_type_known", "row", "quarantine",
             "spending type (jenis belanja) is not a known code",
             "Bagan Akun Standar (PMK 214/PMK.05/2013) and Permendagri 90/2019: jenis belanja",
             ("budget_plan",), "spending_type", expected="one of {spending_types}"),
    RuleInfo("target_volume_not_negative", "row", "quarantine", "target volume is negative",
             None, ("output_volume",), "target_volume", expected="a volume of 0 or more"),
    RuleInfo("realized_volume_not_negative", "row", "quarantine", "realized volume is negative",
             None, ("output_volume",), "realized_volume", expected="a volume of 0 or more"),
    RuleInfo("indicator_target_not_zero", "row", "warn",
             "target is 0: achievement cannot be computed (a data error, not 0%)",
             "achievement = realization / target (Permendagri 86/2017)", ("indicator",), "target",
             expected="a non-zero target"),
    RuleInfo("range_target_has_upper_bound", "row", "quarantine",
             "polarity 'range' needs target (lower bound) <= target_upper", None, ("indicator",),
             "target_upper", expected="target_upper filled and >= target"),
    RuleInfo("sakip_item_known", "row", "quarantine",
             "component or sub-component is not part of the regulation's evaluation form",
             SAKIP_FORMS, ("sakip_evaluation",), "component_code",
             expected="a component (and sub-component) of the regulation"),
    RuleInfo("sakip_score_within_weight", "row", "quarantine",
             "score above the item's weight (a component cannot earn more than its weight)",
             SAKIP_FORMS, ("sakip_evaluation",), "score",
             expected="0 <= score <= the weight of the component or sub-component"),
    RuleInfo("sakip_score_not_negative", "row", "quarantine", "score is negative", SAKIP_FORMS,
             ("sakip_evaluation",), "score", expected="a score of 0 or more"),
    RuleInfo("unit_cost_positive", "row", "quarantine",
             "cost standard with a unit cost of 0 or less", None, ("cost_standard",), "unit_cost",
             expected="a unit cost above 0"),
)

# ------------------------------------------------------------------------------------ batch rules
QUARANTINE_GATE = ("more than {max_quarantine_share:.0%} of its rows and more than "
                   "{max_quarantine_rows:,} rows")
BATCH = (
    RuleInfo("quarantine_share", "batch", "reject",
             f"the batch lost {QUARANTINE_GATE} to quarantine: something systematic is wrong",
             "warehouse setting (max_quarantine_share, max_quarantine_rows)", EVERY_KIND, "*",
             finding="{rows_quarantined:,} of {rows_read:,} rows ({quarantined_share:.1%}) "
                     f"quarantined, {QUARANTINE_GATE}: something systematic is wrong",
             detail="quarantined rows (parse and row rules together) pass both "
                    "`max_quarantine_share` of the batch and `max_quarantine_rows` rows: something "
                    "systematic is wrong, the whole file is refused (a 7-row file with 2 bad rows "
                    "loads the other 5)"),
    RuleInfo("row_count_drop", "batch", "warn",
             "batch has over {max_row_count_drop:.0%} fewer rows than the previous batch of "
             "{kind} for the same fiscal year(s) and a similar coverage",
             "warehouse setting (max_row_count_drop, row_count_drop_coverage_factor)", EVERY_KIND,
             "rows_read",
             finding="batch has over {max_row_count_drop:.0%} fewer rows than the previous batch "
                     "of {kind} for fiscal year(s) {scope} and a similar coverage",
             detail="the batch has over `max_row_count_drop` fewer rows than the latest earlier "
                    "loaded batch of the same kind and fiscal years whose coverage (distinct "
                    "combinations of the kind's coverage columns, e.g. work unit x SP2D date for "
                    "realization: `ops.load_log.coverage_cells`) is within "
                    "`row_count_drop_coverage_factor` of this batch's; so a nightly file of one "
                    "day is compared with the previous nightly, not with the full-year file"),
    RuleInfo("realization_within_pagu", "batch", "warn",
             "cumulative realization of a work unit passes its current pagu{beyond_tolerance}",
             "system fact: the pagu of the unit's current DIPA/DPA revision is the ceiling of its "
             "spending", ("realization",), "work_unit_code",
             detail="per work unit and fiscal year, realization (this batch plus earlier loads, "
                    "latest per natural key) above the current pagu (highest revision) by more "
                    "than `realization_over_pagu_tolerance`; the units are listed in "
                    "`ops.dq_results.sample` for auditors"),
)

# ------------------------------------------------------------------------------------- mart rules
MART_SUITES = MARTS + ("mart_rules",)   # mart_rules: the rule seeds themselves
EFFICIENCY = "PMK 214/PMK.02/2017: NE = 50 + (E / 20) x 50 with E clamped to [-20, 20]"


def _mart(label, severity, column, message, source) -> RuleInfo:
    return RuleInfo(label, "mart", severity, message, source, (label.split(".")[0],), column)


def _has_rule_id(suite, column="rule_id") -> RuleInfo:
    return _mart(f"{suite}.rule_id_present", "error", column,
                 "mart row without the rule_id it was computed under",
                 "warehouse design: every mart row carries the rule_id of the rule seed "
                 "(regulation) it was computed under")


MART = (
    _mart("mart_absorption.unit_absorption_in_range", "error", "unit_absorption_pct",
          "a work unit's absorption outside [0, {max_absorption_pct:g}] %: refunds above spending "
          "or a pagu error", "warehouse setting (max_absorption_pct)"),
    _has_rule_id("mart_absorption", "rows_without_rule_id"),
    _mart("mart_efficiency.efficiency_score_0_100", "error", "efficiency_score",
          "efficiency score NE outside [0, 100] (E must be clamped to [-20, 20])", EFFICIENCY),
    _has_rule_id("mart_efficiency"),
    _mart("mart_budget_performance.efficiency_score_0_100", "error", "efficiency_score",
          "efficiency score NE outside [0, 100]", EFFICIENCY),
    # not [0, 100]: CK is uncapped under PMK 214/2017 (rule_nka), so NKA may pass 100 with it
    _mart("mart_budget_performance.nka_within_components", "error", "nka_within_components",
          "NKA outside the range of its four scores P, K, CK and NE (a weighted mean cannot be)",
          "PMK 249/PMK.02/2011 (NKA = 9.7 P + 18.2 K + 43.5 CK + 28.6 NE, dbt seed rule_nka)"),
    _mart("mart_budget_performance.nka_category_known", "error", "nka_category",
          "NKA category not one of PMK 2/2021's", "PMK 2/PMK.02/2021 (dbt seed rule_nka_category)"),
    _has_rule_id("mart_budget_performance"),
    _mart("mart_indicator_achievement.category_known", "error", "achievement_category",
          "achievement category not one of Permendagri 86/2017's",
          "Permendagri 86/2017 (dbt seed rule_achievement_category)"),
    _has_rule_id("mart_indicator_achievement"),
    _mart("mart_sakip_score.grade_known", "error", "grade",
          "grade not one of AA, A, BB, B, CC, C, D",
          "PermenPANRB 12/2015 and 88/2021 (dbt seed rule_sakip_grade)"),
    _mart("mart_sakip_score.grade_matches_band", "error", "grade",
          "grade does not match the score's band, or an incomplete evaluation has a grade",
          "PermenPANRB 12/2015 and 88/2021 (dbt seed rule_sakip_grade)"),
    _has_rule_id("mart_sakip_score"),
    _has_rule_id("mart_sakip_component"),
    _mart("mart_budget_relevance.relevance_pct_0_100", "error", "relevance_pct",
          "relevant budget share outside [0, 100] %", None),
    _has_rule_id("mart_budget_relevance"),
    RuleInfo("rules.weights_sum_to_100", "mart", "error",
             "the weights of a rule_id do not add up to 100",
             "the regulations' weight tables (dbt seeds rule_nka, rule_sakip_component)",
             ("mart_rules",), "weight_sum"),
)

CATALOGUE: dict[str, RuleInfo] = {r.label: r for r in PARSE + ROW + BATCH + MART}
assert len(CATALOGUE) == len(PARSE + ROW + BATCH + MART), "a rule label is declared twice"

# What a quarantine entry of the parse stage can name: label -> message
PARSE_QUARANTINE_MESSAGES = {r.label: r.message for r in PARSE if r.severity == "quarantine"}


def rules_of(stage: str, applies_to: str | None = None) -> list[RuleInfo]:
    """The rules of a stage, in catalogue order; only those applying to a kind (or mart suite)
    when one is given."""
    return [r for r in CATALOGUE.values()
            if r.stage == stage and (applies_to is None or applies_to in r.applies_to)]
