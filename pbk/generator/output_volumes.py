"""Output volumes (capaian output): each current output's year target, from its unit or from the
cost standard (SBK) its budget buys, and the cumulative realized volume of every period."""
from __future__ import annotations

from pbk.generator.indicators import CUMULATIVE_SHARE, INDICATOR_PERIODS
from pbk.generator.vocabulary import OUTPUT_UNITS


def volume_rows(rnd, fy, sbk_by_unit, inst, unit, outputs, current_outputs, output_budget):
    rows = []
    for out_i in current_outputs:
        output = outputs[out_i]
        choices = OUTPUT_UNITS[output.archetype]
        if output.archetype == "pegawai":  # central counts a layanan, SIPD counts people-months
            choices = choices[:1] if inst.gov_level == "pusat" else choices[1:]
        out_unit, lo, hi = choices[rnd.randrange(len(choices))]
        target = rnd.randint(lo, hi)
        sbk_code = ""
        candidates = sbk_by_unit.get(out_unit)
        if candidates and rnd.random() < 0.3:
            sbk_code, unit_cost = candidates[rnd.randrange(len(candidates))]
            # a costed output's volume is what its budget buys at the standard cost
            target = max(1, round(float(output_budget[out_i]) / unit_cost * rnd.uniform(0.85, 1.15)))
        draw = rnd.random()
        # an output not delivered at all is rare (and zeroes its unit's geometric-mean CK)
        if draw < 0.002:
            final = 0.0
        elif draw < 0.17:
            final = rnd.uniform(0.4, 0.9)
        elif draw < 0.85:
            final = rnd.uniform(0.9, 1.0)
        else:
            final = rnd.uniform(1.0, 1.3)
        shares = sorted(rnd.uniform(lo_s, hi_s) for lo_s, hi_s in CUMULATIVE_SHARE) + [1.0]
        realized_year = max(1, round(target * final)) if final else 0
        for period, share in zip(INDICATOR_PERIODS, shares):
            rows.append((fy, str(period), unit.code, output.code, out_unit, str(target),
                         str(round(realized_year * share)), sbk_code))
    return rows
