"""Dirt: the second, streaming pass over a clean file that makes exactly round(fraction x rows)
of its rows dirty as real exports are (bad numbers, empty mandatory fields, duplicate lines,
unknown codes, future dates), and records each in dirt.csv."""
from __future__ import annotations

import csv
import os
from collections import defaultdict
from itertools import islice
from pathlib import Path

import numpy as np

from base.codes import CENTRAL_WORK_UNIT
from pbk.generator.canonical import ALL_KINDS, CANONICAL_COLUMNS, FILE_NAMES

DIRT_COLUMNS = ("kind", "file", "source_row", "dirt", "field", "value")
# Which dirt types apply to which kind, and which fields each type may touch
DIRT_TYPES = {
    "budget": ("bad_number", "empty_mandatory", "duplicate_line"),
    "budget_plan": ("bad_number", "empty_mandatory", "duplicate_line"),
    "realization": ("bad_number", "empty_mandatory", "duplicate_line", "unknown_code",
                    "future_date"),
    "output_volume": ("bad_number", "empty_mandatory", "duplicate_line"),
    "indicator": ("bad_number", "empty_mandatory", "duplicate_line"),
    "sakip_evaluation": (),
    "cost_standard": (),
}
NUMBER_FIELDS = {
    "budget": ("amount",),
    "budget_plan": ("planned_amount",),
    "realization": ("amount",),
    "output_volume": ("target_volume", "realized_volume"),
    "indicator": ("target", "realization"),
}
# Mandatory fields the loader cannot derive (never fiscal_year of realization, never gov_level).
EMPTIABLE_FIELDS = {
    "budget": ("work_unit_code", "account_code", "amount", "output_code", "program_code",
               "activity_code"),
    "budget_plan": ("work_unit_code", "spending_type", "planned_amount", "month"),
    "realization": ("document_no", "work_unit_code", "account_code", "amount", "output_code",
                    "transaction_date"),
    "output_volume": ("work_unit_code", "output_code", "target_volume", "output_unit",
                      "realized_volume"),
    "indicator": ("indicator_code", "instansi_code", "target", "indicator_name", "realization",
                  "polarity"),
}
# Values a spreadsheet export really produces; None = the true value with a letter O for a zero.
BAD_NUMBER_VALUES = ("#VALUE!", None, "n/a", "1.2.3,4,5", "#N/A")


def letter_o(value: str) -> str:
    """'1200000' -> '1.2O0.000': a typed number with a letter O for a zero."""
    try:
        typed = f"{int(value):,}".replace(",", ".")
    except ValueError:
        typed = value
    return typed.replace("0", "O", 1) if "0" in typed else "#VALUE!"


def inject_dirt(kind: str, clean_path: Path, final_path: Path, base_rows: int, fraction: float,
                 seed: int, fiscal_year: int) -> tuple[list[tuple], dict]:
    """Stream clean_path into final_path with exactly round(fraction * base_rows) dirty rows.

    Rows are picked in a seeded shuffled order and given the kind's dirt types round-robin. A
    duplicate_line row copies a clean row (the picked one, which stays clean) and is inserted at a
    random later position. Returns the dirt.csv records (output row numbers) and counts by type.
    """
    types = DIRT_TYPES[kind]
    counts = {dirt: 0 for dirt in types}
    n_dirty = round(fraction * base_rows) if types else 0
    if n_dirty == 0:
        os.replace(clean_path, final_path)
        return [], counts
    rng = np.random.default_rng([seed, 2, ALL_KINDS.index(kind)])
    picked = rng.choice(base_rows, size=n_dirty, replace=False).tolist()
    changes: dict[int, tuple[str, str, int]] = {}
    duplicate_sources: set[int] = set()
    insert_after: dict[int, list[int]] = defaultdict(list)
    for i, row in enumerate(picked):
        dirt, turn = types[i % len(types)], i // len(types)
        counts[dirt] += 1
        if dirt == "duplicate_line":
            duplicate_sources.add(row)
            insert_after[int(rng.integers(row, base_rows))].append(row)
        elif dirt == "bad_number":
            fields = NUMBER_FIELDS[kind]
            changes[row] = (dirt, fields[turn % len(fields)], turn)
        elif dirt == "empty_mandatory":
            fields = EMPTIABLE_FIELDS[kind]
            changes[row] = (dirt, fields[turn % len(fields)], turn)
        elif dirt == "unknown_code":
            changes[row] = (dirt, "work_unit_code", turn)
        else:
            changes[row] = (dirt, "transaction_date", turn)
    columns = CANONICAL_COLUMNS[kind]
    file_name = FILE_NAMES[kind]
    records = []
    saved: dict[int, tuple[str, int]] = {}
    with open(clean_path, encoding="utf-8", newline="") as src, \
            open(final_path, "w", encoding="utf-8", newline="", buffering=1 << 20) as dst:
        writer = csv.writer(dst, lineterminator="\n")
        dst.write(src.readline())
        out_row = position = 0
        for row in sorted(set(changes) | duplicate_sources | set(insert_after)):
            dst.writelines(islice(src, row - position))  # untouched rows, copied as they are
            out_row += row - position
            line = next(src)
            position = row + 1
            out_row += 1
            if row in changes:
                dirt, field_name, turn = changes[row]
                values = next(csv.reader([line]))
                col = columns.index(field_name)
                values[col] = dirty_value(dirt, values[col], turn, fiscal_year)
                writer.writerow(values)
                records.append((kind, file_name, out_row, dirt, field_name, values[col]))
            else:
                dst.write(line)
            if row in duplicate_sources:
                saved[row] = (line, out_row)
            for source in sorted(insert_after.get(row, ())):
                copy, source_row = saved.pop(source)
                dst.write(copy)
                out_row += 1
                records.append((kind, file_name, out_row, "duplicate_line", "", str(source_row)))
        for line in src:  # the rest of the file
            dst.write(line)
    clean_path.unlink()
    return records, counts


def dirty_value(dirt: str, value: str, turn: int, fiscal_year: int) -> str:
    if dirt == "bad_number":
        bad = BAD_NUMBER_VALUES[turn % len(BAD_NUMBER_VALUES)]
        return letter_o(value) if bad is None else bad
    if dirt == "empty_mandatory":
        return ""
    if dirt == "unknown_code":  # BA 999 / province 99 exist nowhere in the budget
        return "999" + value[3:] if CENTRAL_WORK_UNIT.match(value) else "99" + value[2:]
    # future_date: after the end of the fiscal year
    return f"{fiscal_year + 1}-{1 + turn % 3:02d}-{1 + (turn * 7) % 28:02d}"
