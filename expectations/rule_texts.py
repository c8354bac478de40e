"""The texts of the rule catalogue (base/rule_catalogue.py) with this configuration's values filled
in: the thresholds of expectations/config.py, the code examples of base/codes.py, the extract
kind. What the GX suites store, the Dagster checks describe and docs/data_quality.md shows."""
from __future__ import annotations

import csv
import dataclasses

from base.rule_catalogue import RuleInfo, rules_of
from base import codes
from base.dbt import PROJECT_DIR

from .config import DQConfig

# jenis belanja codes (BAS codes for central government, Permendagri 90/2019 for regional), from
# the dbt reference seed the models read: one list for the rule and the warehouse
with open(PROJECT_DIR / "seeds" / "reference" / "ref_spending_type.csv", encoding="utf-8") as seed:
    SPENDING_TYPES = tuple(row["spending_type_code"] for row in csv.DictReader(seed))


def code_examples(thing: str) -> str:
    return ", ".join(f"{s.name} {s.example}" for s in codes.shapes_of(thing))


def text_values(cfg: DQConfig, kind: str | None = None, **figures) -> dict:
    """Every value a catalogue text may name; `figures` are a batch's own (for findings)."""
    values = dataclasses.asdict(cfg)
    values.update({f"{thing}_examples": code_examples(thing)
                   for thing in dict.fromkeys(s.thing for s in codes.SHAPES)})
    values["spending_types"] = ", ".join(SPENDING_TYPES)
    values["beyond_tolerance"] = (f" by more than {cfg.realization_over_pagu_tolerance:.0%}"
                                  if cfg.realization_over_pagu_tolerance else "")
    values["kind"] = kind
    return {**values, **figures}


def rendered(rule: RuleInfo, cfg: DQConfig, kind: str | None = None) -> RuleInfo:
    """The rule with its message and expected value in this configuration's words."""
    values = text_values(cfg, kind)
    return dataclasses.replace(
        rule, message=rule.message.format(**values),
        expected=rule.expected.format(**values) if rule.expected else None)


def rendered_rules(stage: str, cfg: DQConfig, applies_to: str | None = None) -> list[RuleInfo]:
    kind = applies_to if stage in ("parse", "row", "batch") else None
    return [rendered(r, cfg, kind) for r in rules_of(stage, applies_to)]
