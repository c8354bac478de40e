"""Data-quality thresholds. Defaults here; each can be overridden by an environment variable of the
same name prefixed PBK_DQ_ (e.g. PBK_DQ_MAX_QUARANTINE_SHARE=0.02)."""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class DQConfig:
    # A batch is rejected whole when its quarantined rows pass BOTH thresholds: more than this
    # share of its rows and more than this many rows (something systematic is wrong). A small file
    # with a few bad rows loads the rest: 2 bad of 7 is 29%, but only 2 rows.
    max_quarantine_share: float = 0.05
    max_quarantine_rows: int = 20
    # Warn when a batch has this much fewer rows than the previous batch of the same kind and scope
    # whose coverage (Contract.coverage cells) is within this factor of the batch's, either way.
    max_row_count_drop: float = 0.5
    row_count_drop_coverage_factor: float = 2.0
    # Warn when a unit's realization passes its current pagu by more than this share.
    realization_over_pagu_tolerance: float = 0.0
    # Sane fiscal years: from the first PBK-era DIPA data in these systems to next year's budget.
    min_fiscal_year: int = 2010
    max_fiscal_year: int = dt.date.today().year + 1
    # Absorption above this (percent) in a mart is an error, not an overspend to report.
    max_absorption_pct: float = 150.0
    # Rows per chunk handed to GX (bounded memory whatever the batch size).
    chunk_rows: int = 200_000


def load() -> DQConfig:
    values = {}
    for f in fields(DQConfig):
        raw = os.environ.get(f"PBK_DQ_{f.name.upper()}")
        if raw is not None:
            values[f.name] = type(f.default)(raw)
    return DQConfig(**values)
