"""The realization of a work unit: SP2D lines over the fiscal year, each budget line absorbed to
its own degree, dated on working days along its spending group's monthly curve."""
from __future__ import annotations

from collections import defaultdict

import numpy as np

from ingest.contracts import INDONESIAN_MONTHS
from pbk.generator.budget import MONTH_WEIGHTS
from pbk.generator.csv_text import csv_text
from pbk.generator.fiscal_calendar import FiscalCalendar
from pbk.generator.vocabulary import DESCRIPTIONS, REFUND_DESCRIPTIONS

MONTH_CDF = np.cumsum(MONTH_WEIGHTS, axis=1)
MONTH_CDF[:, -1] = 1.0
MONTH_NAMES = tuple(m.capitalize() for m in INDONESIAN_MONTHS)
# descriptions as CSV text, per spending group, month and variant
ENCODED_DESCRIPTIONS = tuple(tuple(tuple(csv_text(d.format(m=month)) for d in variants)
                                   for month in MONTH_NAMES) for variants in DESCRIPTIONS)
ENCODED_REFUND_DESCRIPTIONS = tuple(csv_text(d) for d in REFUND_DESCRIPTIONS)


class Realization:
    """Realization rows of work units in turn; SP2D numbers of a pemda run on over its SKPD."""

    def __init__(self, fiscal_year: int, calendar: FiscalCalendar):
        self.fy = str(fiscal_year)
        self.calendar = calendar
        self.regional_doc_counter: dict[str, int] = defaultdict(int)

    def rows(self, nrng, inst, unit, outputs, lines, amounts, categories, accounts):
        n_lines = len(lines)
        # Each line is absorbed to its own degree; rescale so the unit lands on its year-end ratio.
        target_ratio = nrng.uniform(0.86, 0.97)
        ratio = np.clip(target_ratio + nrng.normal(0.0, 0.07, n_lines), 0.35, 1.0)
        goal = target_ratio * amounts.sum()
        for _ in range(6):
            ratio = np.minimum(ratio * goal / (ratio * amounts).sum(), 1.0)
        realized = ratio * amounts
        # ~1000 transactions per unit, more on bigger lines, at least one per line
        n_target = int(nrng.integers(850, 1151))
        weights = np.sqrt(amounts)
        per_line = 1 + nrng.multinomial(max(n_target - n_lines, 0), weights / weights.sum())
        line_of = np.repeat(np.arange(n_lines), per_line)
        n = line_of.size
        refund = (nrng.random(n) < 0.02) & (per_line[line_of] > 1)
        positives = np.bincount(line_of, weights=~refund, minlength=n_lines)
        refund &= positives[line_of] > 0
        refund_size = np.maximum(np.round(realized[line_of] / per_line[line_of]
                                          * nrng.uniform(0.02, 0.3, n)), 1000) * refund
        gross = realized + np.bincount(line_of, weights=refund_size, minlength=n_lines)
        share = nrng.gamma(3.0, size=n) * ~refund
        share_sum = np.bincount(line_of, weights=share, minlength=n_lines)
        spent = np.maximum(np.round(gross[line_of] * share / share_sum[line_of]), 1000)
        amount = np.where(refund, -refund_size, spent).astype(np.int64)
        # Dates follow the spending category's monthly curve, on working days
        category = categories[line_of]
        month = (nrng.random(n)[:, None] >= MONTH_CDF[category]).sum(axis=1)
        day = (self.calendar.month_start[month]
               + (nrng.random(n) * self.calendar.month_count[month]).astype(np.int64))
        # Group same-day lines into documents (SP2D); one document never repeats output+akun
        key = np.array([ln[0] * 1000 + ln[1] for ln in lines])[line_of]
        order = np.lexsort((nrng.random(n), key, day))
        day, key, line_of, amount, month, category, refund = (
            day[order], key[order], line_of[order], amount[order], month[order], category[order],
            refund[order])
        new_doc = np.ones(n, dtype=bool)
        new_doc[1:] = (day[1:] != day[:-1]) | (key[1:] == key[:-1]) | (nrng.random(n - 1) < 0.55)
        doc_seq = np.cumsum(new_doc)
        if inst.gov_level == "pusat":
            prefix = f"{self.fy[2:]}{unit.code}"
            doc_numbers = [f"{prefix}{s:07d}" for s in doc_seq.tolist()]
        else:  # SP2D numbers run per pemda (issued by its BUD), not per SKPD
            start = self.regional_doc_counter[inst.legacy_code]
            self.regional_doc_counter[inst.legacy_code] = start + int(doc_seq[-1])
            prefix = f"SP2D/{inst.legacy_code}/{self.fy}/"  # the BPS-style number of version 1
            doc_numbers = [f"{prefix}{start + s:06d}" for s in doc_seq.tolist()]
        variant = nrng.integers(0, 3, n)
        descriptions = [ENCODED_REFUND_DESCRIPTIONS[v % 2] if r else ENCODED_DESCRIPTIONS[c][m][v]
                        for r, c, v, m in zip(refund.tolist(), category.tolist(), variant.tolist(),
                                              month.tolist())]
        line_pieces = [f"{unit.code},{outputs[o].program_code},{outputs[o].activity_code},"
                       f"{outputs[o].code},{accounts.codes[a]},{f}" for o, a, f, _amt, _blk in lines]
        dates = self.calendar.working_iso
        fy = self.fy
        return [f"{fy},{dates[d]},{doc},{line_pieces[j]},{a},{desc}\n"
                for d, doc, j, a, desc in zip(day.tolist(), doc_numbers, line_of.tolist(),
                                              amount.tolist(), descriptions)]
