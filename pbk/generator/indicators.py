"""Performance indicators (SAKIP cascade): tujuan and sasaran strategis of an institution, then
program, kegiatan and output indicators of each work unit, with a target and the cumulative
realization of every reporting period."""
from __future__ import annotations

import random

from pbk.generator.csv_text import fmt_number
from pbk.generator.registry import Instansi
from pbk.generator.vocabulary import (COUNT_UNITS, INDICATOR_TEMPLATES, SASARAN_INDICATORS,
                                      TUJUAN_INDICATORS)

# Reporting periods (the month a quarter ends) and the share of the year reached by each
INDICATOR_PERIODS = (3, 6, 9, 12)
CUMULATIVE_SHARE = ((0.10, 0.30), (0.35, 0.60), (0.60, 0.85))  # by end of Mar/Jun/Sep


class Indicators:
    """Indicator rows; an institution's rows come before its units', whose program indicators
    point to its sasaran strategis."""

    def __init__(self, seed: int, fiscal_year: int):
        self.seed = seed
        self.fy = str(fiscal_year)
        self.sasaran_codes: dict[str, list[str]] = {}  # filled per instansi before its units

    def _indicator_series(self, rnd, polarity: str, unit: str, lo: float, hi: float):
        """Year target (and upper bound) and the cumulative realization for each period."""
        integral = unit in COUNT_UNITS
        target = rnd.randint(int(lo), int(hi)) if integral else round(rnd.uniform(lo, hi), 2)
        upper = None
        draw = rnd.random()
        achievement = (rnd.choice((rnd.uniform(0.2, 0.6), rnd.uniform(1.3, 1.8))) if draw < 0.05
                       else min(1.2, max(0.7, rnd.gauss(1.0, 0.1))))
        if polarity == "max":
            final = target * achievement
        elif polarity == "min":
            final = target * max(0.0, 2.0 - achievement)
        else:
            upper = round(target * rnd.uniform(1.1, 1.4), 2)
            if draw < 0.7:
                final = rnd.uniform(target, upper)
            elif draw < 0.85:
                final = target * rnd.uniform(0.7, 0.99)
            else:
                final = upper * rnd.uniform(1.01, 1.3)
        values = []
        cumulative = integral and polarity == "max"
        for i, _period in enumerate(INDICATOR_PERIODS[:-1]):
            share = rnd.uniform(*CUMULATIVE_SHARE[i]) if cumulative else rnd.uniform(0.92, 1.06)
            values.append(final * share)
        values.append(final)
        if cumulative:
            values = sorted(values)
        if integral:
            values = [round(v) for v in values]
        if unit == "Persen":  # a percentage of something done cannot pass 100
            values = [min(v, 100.0) for v in values]
        return target, upper, values

    def _indicator_rows(self, rnd, inst, work_unit_code, code, name, level, parent, program_code,
                        activity_code, output_code, unit, polarity, lo, hi):
        target, upper, values = self._indicator_series(rnd, polarity, unit, lo, hi)
        target_s, upper_s = fmt_number(target), "" if upper is None else fmt_number(upper)
        return [(self.fy, str(period), inst.code, work_unit_code, code, name, level, parent,
                 program_code, activity_code, output_code, unit, polarity, target_s, upper_s,
                 fmt_number(value)) for period, value in zip(INDICATOR_PERIODS, values)]

    def _template(self, rnd, topic: str):
        draw = rnd.random()
        polarity = "max" if draw < 0.8 else ("min" if draw < 0.95 else "range")
        template, unit, lo, hi = rnd.choice(INDICATOR_TEMPLATES[polarity])
        return template.format(t=topic.lower()), unit, polarity, lo, hi

    def instansi_rows(self, inst: Instansi) -> tuple[list[tuple], list[str]]:
        """Tujuan and sasaran strategis indicators; returns rows and the sasaran codes."""
        rnd = random.Random(f"{self.seed}:instansi:{inst.legacy_code}")
        rows, tujuan_codes, sasaran_codes = [], [], []
        pool = TUJUAN_INDICATORS[inst.gov_level]
        for n, (name, unit, polarity, lo, hi) in enumerate(rnd.sample(pool, rnd.randint(1, 2)), 1):
            code = f"IKT.{inst.legacy_code}.{n:02d}"
            tujuan_codes.append(code)
            rows += self._indicator_rows(rnd, inst, "", code, name, "tujuan", "", "", "", "", unit,
                                         polarity, lo, hi)
        for n, (name, unit, polarity, lo, hi) in enumerate(
                rnd.sample(SASARAN_INDICATORS, rnd.randint(2, 4)), 1):
            code = f"IKU.{inst.legacy_code}.{n:02d}"
            sasaran_codes.append(code)
            rows += self._indicator_rows(rnd, inst, "", code, name, "sasaran_strategis",
                                         rnd.choice(tujuan_codes), "", "", "", unit, polarity, lo, hi)
        return rows, sasaran_codes

    def unit_rows(self, rnd, inst, unit, outputs, current_outputs):
        rows = []
        sasaran = self.sasaran_codes[inst.code]
        program_indicator, activity_indicator = {}, {}
        counter = 0
        live = [outputs[i] for i in current_outputs]
        for output in live:  # one indicator per program, then per activity
            if output.program_code not in program_indicator:
                counter += 1
                code = f"IKP.{unit.legacy_code}.{counter:03d}"
                program_indicator[output.program_code] = code
                topic = output.program_name.removeprefix("Program ")
                name, unit_name, polarity, lo, hi = self._template(rnd, topic)
                rows += self._indicator_rows(rnd, inst, unit.code, code, name, "program",
                                             rnd.choice(sasaran), output.program_code, "", "",
                                             unit_name, polarity, lo, hi)
        for output in live:
            if output.activity_code not in activity_indicator:
                counter += 1
                code = f"IKK.{unit.legacy_code}.{counter:03d}"
                activity_indicator[output.activity_code] = code
                name, unit_name, polarity, lo, hi = self._template(rnd, output.activity_name)
                rows += self._indicator_rows(rnd, inst, unit.code, code, name, "kegiatan",
                                             program_indicator[output.program_code],
                                             output.program_code, output.activity_code, "", unit_name,
                                             polarity, lo, hi)
        for output in rnd.sample(live, min(len(live), rnd.randint(2, 5))):
            counter += 1
            code = f"IKO.{unit.legacy_code}.{counter:03d}"
            # ~10% of output indicators are not linked to any kegiatan indicator (broken cascade)
            parent = "" if rnd.random() < 0.1 else activity_indicator[output.activity_code]
            name, unit_name, polarity, lo, hi = self._template(rnd, output.name)
            rows += self._indicator_rows(rnd, inst, unit.code, code, name, "output", parent,
                                         output.program_code, output.activity_code, output.code,
                                         unit_name, polarity, lo, hi)
        return rows
