"""SAKIP evaluations: the scores of every institution's evaluation in the fiscal year (PermenPANRB
88/2021) and in an earlier year (PermenPANRB 12/2015), some of them incomplete."""
from __future__ import annotations

import random

from pbk.generator.csv_text import fmt_number
from pbk.generator.registry import Instansi
from pbk.generator.vocabulary import EVALUATORS, SAKIP_COMPONENTS, SAKIP_SUBCOMPONENTS

# The regulations, as named in the rule seeds (dbt_project/seeds/rules/rule_sakip_component.csv)
SAKIP_2021 = "PermenPANRB-88-2021"
SAKIP_2015 = "PermenPANRB-12-2015"
SAKIP_OLD_YEAR = 2020  # the earlier evaluation's year (the year before the fiscal year if earlier)


def sakip_rows(seed: int, fiscal_year: int, registry: list[Instansi]) -> tuple[list[tuple], dict]:
    rnd = random.Random(f"{seed}:sakip")
    old_year = SAKIP_OLD_YEAR if fiscal_year > SAKIP_OLD_YEAR else fiscal_year - 1
    evaluations = [(inst, year, regulation) for inst in registry
                   for year, regulation in ((fiscal_year, SAKIP_2021), (old_year, SAKIP_2015))]
    n_incomplete = max(1, round(0.1 * len(evaluations)))
    incomplete = set(rnd.sample(range(len(evaluations)), n_incomplete))
    rows = []
    for i, (inst, year, regulation) in enumerate(evaluations):
        # Quality spread over the whole 0-100 scale so every grade band (D..AA) occurs
        quality = rnd.uniform(0.15, 0.97) - (0.05 if regulation == SAKIP_2015 else 0.0)
        components = SAKIP_COMPONENTS[regulation]
        skipped = components[rnd.randrange(len(components))][0] if i in incomplete else None
        evaluator = EVALUATORS[0] if inst.gov_level == "pusat" else rnd.choice(EVALUATORS)
        head = (str(year), inst.code, inst.name, regulation)
        for component, weight in components:
            if component == skipped:
                continue
            if regulation == SAKIP_2021:
                subs = [(sub, round(weight * share * min(1.0, max(0.0, rnd.gauss(quality, 0.08))), 2))
                        for sub, share in SAKIP_SUBCOMPONENTS]
                total = round(sum(score for _, score in subs), 2)
                rows.append(head + (component, "", fmt_number(total), evaluator))
                rows += [head + (component, sub, fmt_number(score), evaluator) for sub, score in subs]
            else:
                score = round(weight * min(1.0, max(0.0, rnd.gauss(quality, 0.08))), 2)
                rows.append(head + (component, "", fmt_number(score), evaluator))
    return rows, {"sakip_evaluations": len(evaluations), "sakip_incomplete_evaluations": n_incomplete}
