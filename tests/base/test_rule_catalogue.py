"""The rule catalogue (base/rule_catalogue.py): every rule the loader, the GX suites and the Dagster
checks can report is declared there exactly once, has exactly one implementation, and is listed in
docs/data_quality.md."""
import re
from collections import Counter
from dataclasses import fields
from pathlib import Path

from base.rule_catalogue import (BATCH, CATALOGUE, MART, PARSE, PARSE_QUARANTINE_MESSAGES, ROW,
                                 STAGE_SEVERITIES, rules_of)
from expectations.batch_rules import BATCH_CHECKS
from expectations.config import DQConfig
from expectations.marts import MART_FRAMES, mart_expectations, mart_suites
from expectations.rules import extract_rules, row_checks
from ingest import normalise as N
from ingest.contracts import CONTRACTS, KINDS

REPO = Path(__file__).resolve().parents[2]
CFG = DQConfig(max_fiscal_year=2099)
# parse 11 quarantine + 3 reject; row 29; batch 3; mart 17
COUNTS = {"parse": 14, "row": 29, "batch": 3, "mart": 17}


def test_every_rule_is_declared_once_with_label_severity_message():
    declared = PARSE + ROW + BATCH + MART
    assert Counter(r.label for r in declared).most_common(1)[0][1] == 1
    assert len(CATALOGUE) == len(declared) == sum(COUNTS.values()) == 63
    assert Counter(r.stage for r in CATALOGUE.values()) == COUNTS
    for rule in CATALOGUE.values():
        assert rule.severity in STAGE_SEVERITIES[rule.stage] and rule.message, rule.label
        assert rule.applies_to, rule.label
    assert all(r.expected and r.column for r in ROW)
    assert all(r.detail for r in BATCH)
    assert len(PARSE_QUARANTINE_MESSAGES) == 11


def test_row_rules_name_columns_of_the_kinds_they_apply_to():
    for rule in ROW:
        for kind in rule.applies_to:
            assert rule.column in CONTRACTS[kind].column_names, (rule.label, kind)


def parse_labels_emitted_by_ingest() -> set[str]:
    """Every rule label the parse stage can write to ops.quarantine: what the normalise builders
    return, and every snake_case SQL literal in ingest/ (where the loader names its own rules)."""
    cell = '"c"'
    enum = next(c for k in CONTRACTS.values() for c in k.columns if c.type == "enum")
    outputs = [N.number_sql(cell, style, sql_type)[1] for style in ("id", "en")
               for sql_type in ("DECIMAL(38,2)", "DOUBLE")]
    outputs += [N.date_sql(cell)[1], N.integer_sql(cell)[1], N.month_sql(cell)[1],
                N.enum_sql(cell, enum)[1]]
    outputs.append(N.error_sql(cell, '"v"', "unparseable_number", mandatory=True))
    labels = {o for o in outputs if re.fullmatch(r"[a-z]+(_[a-z]+)+", o)}
    sources = [p.read_text(encoding="utf-8") for p in (REPO / "ingest").glob("*.py")]
    literals = set()
    for text in outputs + sources:
        literals |= set(re.findall(r"'([a-z]+(?:_[a-z]+)+)'", text))
    # the field a duplicate-key entry names, not a rule
    return labels | (literals - {"natural_key"})


def test_every_implementation_has_one_catalogue_row_and_every_row_one_implementation():
    assert parse_labels_emitted_by_ingest() == set(PARSE_QUARANTINE_MESSAGES)
    assert set(row_checks(CFG)) == {r.label for r in ROW}
    assert list(BATCH_CHECKS) == ["row_count_drop", "realization_within_pagu", "quarantine_share"]
    assert set(BATCH_CHECKS) == {r.label for r in BATCH}
    assert set(mart_expectations(CFG)) == {r.label for r in MART}
    assert set(MART_FRAMES) == {suite for r in MART for suite in r.applies_to}


def test_suites_and_dagster_checks_report_each_catalogued_rule_once():
    from orchestration.ingest_assets import check_name, ingest_specs, rules_of as dagster_rules
    from orchestration.quality import mart_check_specs

    per_kind = {"budget": 18, "budget_plan": 8, "realization": 17, "output_volume": 12,
                "indicator": 9, "sakip_evaluation": 5, "cost_standard": 2}
    for kind in KINDS:
        labels = [r.label for r in extract_rules(kind, CFG)]
        assert labels == [r.label for r in rules_of("row", kind)] and len(labels) == per_kind[kind]
        batch = [r.label for r in rules_of("batch", kind)]
        assert len(batch) == (3 if kind == "realization" else 2)
        assert [label for label, _, _ in dagster_rules(kind)] == labels + batch
    _, checks = ingest_specs()
    names = Counter((c.asset_key.path[-1], c.name) for c in checks)
    assert max(names.values()) == 1
    # one check per rule and kind, and batch_accepted on each kind
    assert len(checks) == sum(per_kind.values()) + 2 * 7 + 1 + 7 == 93
    gx_checks = {name for _, name in names if name != "batch_accepted"}
    assert gx_checks == {check_name(r.label) for r in ROW + BATCH}
    marts = mart_check_specs()
    assert list(marts) == [r.label for r in MART] and len(marts) == 17
    assert [r.label for _, rules in mart_suites(CFG).values() for r in rules] == list(marts)


def test_docs_list_every_rule():
    """Each rule in its stage's table (a row rule once per kind) and once in the catalogue table."""
    text = (REPO / "docs" / "data_quality.md").read_text(encoding="utf-8")
    settings = {f.name for f in fields(DQConfig)}   # the thresholds table
    first_label = re.findall(r"^\| (?:`mart_\w+` \| )?`([\w.]+)` \|", text, re.M)
    in_tables = Counter(label for label in first_label if label not in settings)
    expected = {r.label: (len(r.applies_to) if r.stage == "row" else 1) + 1
                for r in CATALOGUE.values()}
    assert in_tables == expected
    assert sum(in_tables.values()) == 71 + 29 + 2 * (14 + 3 + 17) == 168
