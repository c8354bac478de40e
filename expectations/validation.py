"""Validating a frame with GX, and what a rule's validation yields.

GX validates pandas frames (its SQL path to DuckDB does not work here). Frames stay small: row
rules see the distinct key combinations of a batch (see rules.py), handed to GX in chunks of
`chunk_rows`; chunk results are merged into one verdict per rule.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .gx_context import DQContext, gx  # gx as imported there, with analytics off

if TYPE_CHECKING:
    from .rules import Rule

SAMPLE_SIZE = 5
# stored results: counts and up to 20 example values per expectation, which Data Docs show
RESULT_FORMAT = {"result_format": "BASIC"}


@dataclass
class RuleResult:
    rule: Rule | None
    label: str
    severity: str
    column: str
    success: bool
    unexpected_count: int          # rows of the batch (or units, for per-unit rules)
    sample: list
    message: str


@dataclass
class BatchVerdict:
    results: list[RuleResult] = field(default_factory=list)
    failed_pids: dict[str, list[int]] = field(default_factory=dict)

    @property
    def rejecting(self) -> list[RuleResult]:
        return [r for r in self.results if r.severity == "reject" and not r.success]


def jsonable(values):
    return json.loads(json.dumps(values, default=str))


def with_meta(expectation, **meta):
    """The expectation carrying its rule's texts: results are read back by label, Data Docs show
    the message, and the meta is part of the suite's fingerprint."""
    expectation.meta = meta
    return expectation


def validate_frame(dq: DQContext, suite_name: str, expectations: dict[str, object], frame_sql,
                   con, run_name: str, chunk_rows: int) -> dict[str, dict]:
    """Validate a DuckDB query result with GX in chunks; merge per expectation label:
    {label: {success, unexpected_pids}}. Failing expectations are re-run with the COMPLETE result
    format on their chunk to get the failing rows' __pid (SUMMARY keeps the stored results small)."""
    vd, suite = dq.validation(suite_name, list(expectations.values()))
    by_label = {label: {"success": True, "pids": []} for label in expectations}
    total = con.execute(f"SELECT count(*) FROM ({frame_sql})").fetchone()[0]
    for offset in range(0, max(total, 1), chunk_rows):
        df = con.execute(f"SELECT * FROM ({frame_sql}) WHERE __pid > {offset} AND "
                         f"__pid <= {offset + chunk_rows} ORDER BY __pid").df()
        result = vd.run(batch_parameters={"dataframe": df}, result_format=RESULT_FORMAT,
                        run_id=gx.RunIdentifier(run_name=run_name))
        failed = []
        for r in result.results:
            label = r.expectation_config.meta["label"]
            if not r.success:
                by_label[label]["success"] = False
                failed.append(label)
        if failed:
            batch = dq.batch_definition.get_batch(batch_parameters={"dataframe": df})
            rerun = gx.ExpectationSuite(name=f"{suite_name}_failed", expectations=[
                expectations[label].copy(update={"id": None}) for label in failed])
            detail = batch.validate(rerun, result_format={
                "result_format": "COMPLETE", "unexpected_index_column_names": ["__pid"],
                "return_unexpected_index_query": False})
            for r in detail.results:
                label = r.expectation_config.meta["label"]
                by_label[label]["pids"] += [int(i["__pid"]) for i in r.result.get(
                    "unexpected_index_list") or []]
    return by_label
