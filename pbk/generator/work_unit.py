"""Every extract row of one work unit, from the unit's own random streams: seeded by (seed, unit
serial), so a unit's data never depend on how much randomness earlier units consumed."""
from __future__ import annotations

import random

import numpy as np

from pbk.generator.budget import (AccountChart, budget_rows, funding_chooser, original_lines,
                                  plan_rows, revise)
from pbk.generator.fiscal_calendar import FiscalCalendar
from pbk.generator.indicators import Indicators
from pbk.generator.output_volumes import volume_rows
from pbk.generator.outputs import central_outputs, regional_outputs
from pbk.generator.realization import Realization
from pbk.generator.registry import Instansi, WorkUnit

# Kinds whose rows come as CSV text lines (assembled by hand: csv.writer is the bottleneck at SF 1)
PRE_ENCODED_KINDS = frozenset({"budget", "realization"})


class UnitGenerator:
    """Generates every extract row of one work unit from its own random streams."""

    def __init__(self, seed: int, fiscal_year: int, calendar: FiscalCalendar,
                 accounts: dict[str, AccountChart], sbk_by_unit: dict):
        self.seed = seed
        self.fy = str(fiscal_year)
        self.calendar = calendar
        self.accounts = accounts
        self.sbk_by_unit = sbk_by_unit
        self.realization = Realization(fiscal_year, calendar)
        self.indicators = Indicators(seed, fiscal_year)

    def unit_rows(self, inst: Instansi, unit: WorkUnit) -> dict[str, list]:
        """Rows per kind: CSV text lines for PRE_ENCODED_KINDS, value tuples for the others."""
        rnd = random.Random(f"{self.seed}:unit:{unit.serial}")
        nrng = np.random.default_rng([self.seed, 1, unit.serial])
        accounts = self.accounts[inst.gov_level]
        if inst.gov_level == "pusat":
            outputs = central_outputs(rnd, inst)
        else:
            outputs = regional_outputs(rnd, inst, unit)
        choose_funding, split_source = funding_chooser(rnd, inst)
        revisions = [original_lines(rnd, nrng, outputs, accounts, choose_funding, split_source)]
        if rnd.random() < 0.3:
            revisions.append(revise(rnd, revisions[0], outputs, accounts, choose_funding))
            if rnd.random() < 0.35:
                revisions.append(revise(rnd, revisions[1], outputs, accounts, choose_funding))
        # revision 1 in Mar-Jun, revision 2 in Jul-Oct; the original DIPA/DPA has no date
        revision_dates = ["", self.calendar.random_date(rnd, 3, 6),
                          self.calendar.random_date(rnd, 7, 10)]
        current = revisions[-1]
        current_no = len(revisions) - 1
        budget = budget_rows(self.fy, inst, unit, outputs, revisions, revision_dates, accounts)

        amounts = np.array([ln[3] for ln in current], dtype=np.float64)
        categories = accounts.category[[ln[1] for ln in current]]
        current_outputs = sorted({ln[0] for ln in current})
        output_budget = np.bincount([ln[0] for ln in current], weights=amounts,
                                    minlength=len(outputs))
        # the order of the calls is the order of the draws from rnd and nrng: keep it
        return {
            "budget": budget,
            "budget_plan": plan_rows(nrng, self.fy, unit, amounts, categories, accounts,
                                     current_no),
            "realization": self.realization.rows(nrng, inst, unit, outputs, current, amounts,
                                                 categories, accounts),
            "output_volume": volume_rows(rnd, self.fy, self.sbk_by_unit, inst, unit, outputs,
                                         current_outputs, output_budget),
            "indicator": self.indicators.unit_rows(rnd, inst, unit, outputs, current_outputs),
            "_meta": (current_no, len(current), len(current_outputs)),
        }
