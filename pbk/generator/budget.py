"""The budget of a work unit: its DIPA/DPA lines (output x account x funding source) with their
revisions, as budget rows, and its monthly plan (rencana penarikan, anggaran kas)."""
from __future__ import annotations

import random
from collections import defaultdict

import numpy as np

from pbk.generator.csv_text import csv_text
from pbk.generator.registry import Instansi, WorkUnit
from pbk.generator.vocabulary import (FUNDING_CENTRAL_PROFILES, FUNDING_REGIONAL, SPENDING_GROUPS,
                                      SPENDING_TYPE_CODES)

# The spending group (index into the arrays below, SPENDING_GROUPS order) of each account group
GROUP_OF_ACCOUNT_GROUP = {"pegawai": 0, "ops": 1, "tek": 1, "modal": 2, "bansos": 3, "hibah": 4}
# Monthly weights: salaries flat with THR (Apr) and 13th salary (Jun); goods slow Q1 then rising
# with a big December; capital back-loaded; social aid in quarterly tranches.
MONTH_WEIGHTS = np.array([
    [8, 8, 8, 11, 8, 11, 8, 8, 8, 8, 7, 7],
    [3, 5, 7, 8, 8, 9, 8, 9, 9, 10, 10, 14],
    [1, 2, 3, 5, 6, 8, 8, 9, 11, 12, 14, 21],
    [2, 4, 10, 6, 6, 14, 6, 6, 14, 8, 8, 16],
    [1, 2, 10, 8, 6, 10, 6, 6, 12, 12, 11, 16],
], dtype=float)
MONTH_WEIGHTS /= MONTH_WEIGHTS.sum(axis=1, keepdims=True)

# Line amounts: lognormal median (Rupiah) and sigma per spending category
AMOUNT_MEDIAN = np.array([450e6, 70e6, 700e6, 2.5e9, 800e6])
AMOUNT_SIGMA = np.array([1.0, 1.1, 1.1, 0.9, 0.9])

# How many accounts an output of each archetype draws from which account groups: (group, lo, hi)
ARCHETYPE_ACCOUNTS = {
    "pegawai": (("pegawai", 8, 12), ("ops", 0, 2)),
    "ops": (("ops", 6, 11),),
    "tek": (("tek", 7, 13),),
    "modal": (("modal", 1, 3), ("tek", 2, 4)),
    "bansos": (("bansos", 1, 2), ("tek", 2, 3)),
    "hibah": (("hibah", 1, 2), ("tek", 1, 2)),
}


class AccountChart:
    """The account chart of one government level, as columns for fast lookup."""

    def __init__(self, gov_level: str, accounts: tuple):
        self.codes = [a[0] for a in accounts]
        self.names = [a[1] for a in accounts]
        self.encoded_names = [csv_text(name) for name in self.names]
        self.category = np.array([GROUP_OF_ACCOUNT_GROUP[a[2]] for a in accounts])
        self.pool = defaultdict(list)
        for i, (_, _, group) in enumerate(accounts):
            self.pool[group].append(i)
        self.type_codes = SPENDING_TYPE_CODES[gov_level]


def funding_chooser(rnd: random.Random, inst: Instansi):
    """Returns f(category) -> funding source for a new line, and the unit's split source."""
    if inst.gov_level == "pusat":
        weights = [p[0] for p in FUNDING_CENTRAL_PROFILES]
        _, secondary, share = rnd.choices(FUNDING_CENTRAL_PROFILES, weights=weights)[0]

        def choose(category: int) -> str:
            if secondary and category != 0 and rnd.random() < share:
                return secondary
            return "RM"
        return choose, secondary
    if inst.blank_funding:
        return (lambda category: ""), None
    sources = [s for s, _ in FUNDING_REGIONAL]
    weights = [w for _, w in FUNDING_REGIONAL]

    def choose_regional(category: int) -> str:
        return "DAU" if category == 0 else rnd.choices(sources, weights=weights)[0]
    return choose_regional, "DAK"


def original_lines(rnd, nrng, outputs, accounts: AccountChart, choose_funding, split_source):
    """Revision-0 lines: [output index, account index, funding source, amount, blocked]."""
    keys = []
    for out_i, output in enumerate(outputs):
        for group, lo, hi in ARCHETYPE_ACCOUNTS[output.archetype]:
            pool = accounts.pool[group]
            for acc_i in rnd.sample(pool, min(len(pool), rnd.randint(lo, hi))):
                fund = choose_funding(accounts.category[acc_i])
                keys.append((out_i, acc_i, fund))
                if split_source and split_source != fund and rnd.random() < 0.04:
                    keys.append((out_i, acc_i, split_source))  # same akun split over two sources
    category = accounts.category[[k[1] for k in keys]]
    unit_size = nrng.lognormal(0.0, 0.5)
    noise = np.exp(AMOUNT_SIGMA[category] * nrng.standard_normal(len(keys)))
    raw = AMOUNT_MEDIAN[category] * unit_size * noise
    amounts = (np.clip(np.round(raw / 1000.0), 5_000, 80_000_000) * 1000).astype(np.int64).tolist()
    lines = [[o, a, f, amt, None] for (o, a, f), amt in zip(keys, amounts)]
    if rnd.random() < 0.25:  # a quarter of units have a few blocked (diblokir) lines
        for line in rnd.sample(lines, min(len(lines), rnd.randint(1, 5))):
            line[4] = max(1000, int(round(line[3] * rnd.uniform(0.05, 0.5), -3)))
    return sorted(lines, key=lambda ln: (ln[0], ln[1], ln[2]))


def revise(rnd, lines, outputs, accounts: AccountChart, choose_funding):
    """A whole restated budget: some amounts changed, a few lines removed, a few added."""
    revised = [list(line) for line in lines]
    for line in revised:
        if rnd.random() < 0.15:
            line[3] = max(1000, int(round(line[3] * rnd.uniform(0.7, 1.3), -3)))
        if line[4] is not None and (rnd.random() < 0.5 or line[4] >= line[3]):
            line[4] = None  # blokir lifted by the revision
    per_output = defaultdict(int)
    for line in revised:
        per_output[line[0]] += 1
    for _ in range(rnd.randint(1, 4)):  # remove lines, never an output's last one
        removable = [i for i, ln in enumerate(revised) if per_output[ln[0]] > 1]
        if not removable:
            break
        removed = revised.pop(rnd.choice(removable))
        per_output[removed[0]] -= 1
    existing = {(ln[0], ln[1], ln[2]) for ln in revised}
    for _ in range(rnd.randint(1, 4)):
        out_i = rnd.randrange(len(outputs))
        group = ARCHETYPE_ACCOUNTS[outputs[out_i].archetype][-1][0]
        acc_i = rnd.choice(accounts.pool[group])
        fund = choose_funding(accounts.category[acc_i])
        if (out_i, acc_i, fund) in existing or per_output[out_i] == 0:
            continue
        existing.add((out_i, acc_i, fund))
        amount = round(AMOUNT_MEDIAN[accounts.category[acc_i]] * rnd.lognormvariate(0, 0.8), -3)
        revised.append([out_i, acc_i, fund, max(5_000_000, int(amount)), None])
    return sorted(revised, key=lambda ln: (ln[0], ln[1], ln[2]))


def budget_rows(fy: str, inst: Instansi, unit: WorkUnit, outputs, revisions, revision_dates,
                accounts: AccountChart) -> list[str]:
    """Every line of every revision, as CSV text lines in the canonical budget layout."""
    # Budget lines are the biggest file after realization: build them as CSV text from pieces
    # encoded once (names through the csv module; codes and numbers never need quoting).
    prefixes = [",".join((fy, inst.gov_level, inst.code, csv_text(inst.name), unit.code,
                          csv_text(unit.name), o.program_code, csv_text(o.program_name),
                          o.activity_code, csv_text(o.activity_name), o.code, csv_text(o.name)))
                for o in outputs]
    budget = []
    for rev_no, lines in enumerate(revisions):
        tail = f",{rev_no},{revision_dates[rev_no]},"
        budget += [f"{prefixes[o]},{accounts.codes[a]},{accounts.encoded_names[a]},{f},{amt}{tail}"
                   f"{'' if blocked is None else blocked}\n"
                   for o, a, f, amt, blocked in lines]
    return budget


def plan_rows(nrng, fy, unit, amounts, categories, accounts, revision_no):
    rows = []
    totals = np.bincount(categories, weights=amounts, minlength=len(SPENDING_GROUPS))
    for category in np.flatnonzero(totals).tolist():
        total = int(round(totals[category]))
        weights = MONTH_WEIGHTS[category] * nrng.uniform(0.85, 1.15, 12)
        monthly = (np.round(total * weights / weights.sum() / 1000.0) * 1000).astype(np.int64)
        monthly[-1] = total - monthly[:-1].sum()  # the plan adds up to the current budget
        type_code = accounts.type_codes[category]
        rows += [(fy, unit.code, type_code, str(m + 1), str(v), str(revision_no))
                 for m, v in enumerate(monthly.tolist())]
    return rows
