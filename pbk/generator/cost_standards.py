"""Cost standards: standar biaya masukan (SBM, national and per province) and standar biaya
keluaran (SBK, per level) of the fiscal year."""
from __future__ import annotations

import random
from collections import defaultdict

from pbk.generator.vocabulary import (PROVINCES, SBK_LEVELS, SBK_TEMPLATES, SBM_NATIONAL,
                                      SBM_PER_PROVINCE)


def cost_standard_rows(seed: int, fiscal_year: int) -> tuple[list[tuple], dict]:
    rnd = random.Random(f"{seed}:cost_standard")
    fy = str(fiscal_year)
    rows = [(fy, "SBM", code, desc, unit, "", str(cost)) for code, desc, unit, cost in SBM_NATIONAL]
    for province, _name in PROVINCES:
        factor = rnd.uniform(0.85, 1.35)  # price level of the province
        for code, desc, unit, base in SBM_PER_PROVINCE:
            cost = int(round(base * factor * rnd.uniform(0.95, 1.05), -3))
            rows.append((fy, "SBM", code, desc, unit, province, str(cost)))
    sbk_by_unit = defaultdict(list)
    number = 0
    for desc, unit, base in SBK_TEMPLATES:
        for level, factor in SBK_LEVELS:
            number += 1
            code = f"SBK.{number:03d}"
            cost = int(round(base * factor * rnd.uniform(0.9, 1.1), -3))
            rows.append((fy, "SBK", code, f"{desc} {level}", unit, "", str(cost)))
            sbk_by_unit[unit].append((code, cost))
    return rows, dict(sbk_by_unit)
