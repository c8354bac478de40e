"""`generate()`: the extract files of one fiscal year, dirt.csv and manifest.json in a folder.

The registry is built first; then every work unit's rows are written as they are made, into
clean files that the dirt pass turns into the final ones. A shape other than canonical is written
from canonical files made beside it (export_shapes.py)."""
from __future__ import annotations

import csv
import json
import math
import os
import shutil
import tempfile
from collections import defaultdict
from pathlib import Path

from pbk.generator.budget import AccountChart
from pbk.generator.canonical import (ALL_KINDS, CANONICAL_COLUMNS, DIRT_FILE, FILE_NAMES,
                                     GENERATOR_VERSION, MANIFEST_FILE, STREAMED_KINDS)
from pbk.generator.cost_standards import cost_standard_rows
from pbk.generator.dirt import DIRT_COLUMNS, DIRT_TYPES, inject_dirt
from pbk.generator.export_shapes import CANONICAL, SHAPES, SPLIT_KINDS, write_layout_files
from pbk.generator.fiscal_calendar import FiscalCalendar
from pbk.generator.registry import build_registry
from pbk.generator.sakip import sakip_rows
from pbk.generator.vocabulary import CENTRAL_ACCOUNTS, REGIONAL_ACCOUNTS
from pbk.generator.work_unit import PRE_ENCODED_KINDS, UnitGenerator


def _open_csv(path: Path, kind: str):
    handle = open(path, "w", encoding="utf-8", newline="", buffering=1 << 20)
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(CANONICAL_COLUMNS[kind])
    return handle, writer


def generate(out_dir: Path, scale: float, seed: int = 42, dirty_fraction: float = 0.0,
             fiscal_year: int = 2025, shape: str = CANONICAL) -> dict:
    """Write the synthetic extracts for one fiscal year into out_dir; return the manifest.

    shape: 'canonical' (one file per kind in the canonical layout) or a real export shape of
    export_shapes.py (budget, budget_plan, realization and output_volume each as a _pusat
    and a _daerah file in that shape's layouts; the other kinds canonical)."""
    if not scale > 0 or not math.isfinite(scale):
        raise ValueError(f"scale must be a positive number, got {scale!r}")
    if not 0.0 <= dirty_fraction <= 0.5:
        raise ValueError(f"dirty_fraction must be within [0, 0.5], got {dirty_fraction!r}")
    if seed < 0:
        raise ValueError(f"seed must be non-negative, got {seed!r}")
    if shape not in SHAPES:
        raise ValueError(f"shape must be one of {', '.join(SHAPES)}, got {shape!r}")
    if shape != CANONICAL and dirty_fraction:
        # dirt.csv points at rows and fields of canonical files; layouts would move and reformat them
        raise ValueError(f"shape {shape!r} is written clean only: dirt is injected into canonical "
                         f"files; use dirty_fraction 0 (got {dirty_fraction!r}) or shape "
                         f"{CANONICAL!r}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if shape == CANONICAL:
        files, totals = _write_canonical(out_dir, scale, seed, dirty_fraction, fiscal_year)
    else:
        # the canonical files are made beside the layout files (same file system: moves are renames)
        staging = Path(tempfile.mkdtemp(prefix=".canonical-", dir=out_dir))
        try:
            canonical, totals = _write_canonical(staging, scale, seed, 0.0, fiscal_year)
            files = {}
            for stem, entry in write_layout_files(staging, out_dir, shape).items():
                files[stem] = {**entry, "clean_rows": entry["rows"], "base_rows": entry["rows"],
                               "dirt": {dirt: 0 for dirt in DIRT_TYPES[entry["kind"]]}}
            for kind in ALL_KINDS:
                if kind not in SPLIT_KINDS:
                    os.replace(staging / FILE_NAMES[kind], out_dir / FILE_NAMES[kind])
                    files[kind] = canonical[kind]
            os.replace(staging / DIRT_FILE, out_dir / DIRT_FILE)  # header only: clean data
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "scale": scale,
        "seed": seed,
        "dirty_fraction": dirty_fraction,
        "fiscal_year": fiscal_year,
        "shape": shape,
        "dirt_file": DIRT_FILE,
        "files": files,
        "totals": totals,
    }
    with open(out_dir / MANIFEST_FILE, "w", encoding="utf-8", newline="\n") as handle:
        json.dump(manifest, handle, indent=2, sort_keys=True)
        handle.write("\n")
    return manifest


def _write_canonical(out_dir: Path, scale: float, seed: int, dirty_fraction: float,
                     fiscal_year: int) -> tuple[dict, dict]:
    """The canonical files and dirt.csv; returns the manifest's files and totals entries."""
    registry = build_registry(seed, scale)
    cost_rows, sbk_by_unit = cost_standard_rows(seed, fiscal_year)
    accounts = {"pusat": AccountChart("pusat", CENTRAL_ACCOUNTS),
                "daerah": AccountChart("daerah", REGIONAL_ACCOUNTS)}
    units = UnitGenerator(seed, fiscal_year, FiscalCalendar(fiscal_year), accounts, sbk_by_unit)
    indicators = units.indicators

    base_rows = dict.fromkeys(ALL_KINDS, 0)
    totals = defaultdict(int)
    clean_paths = {kind: out_dir / f".{FILE_NAMES[kind]}.clean" for kind in STREAMED_KINDS}
    handles = {kind: _open_csv(clean_paths[kind], kind) for kind in STREAMED_KINDS}
    try:
        for inst in registry:
            rows, indicators.sasaran_codes[inst.code] = indicators.instansi_rows(inst)
            handles["indicator"][1].writerows(rows)
            base_rows["indicator"] += len(rows)
            for unit in inst.units:
                produced = units.unit_rows(inst, unit)
                current_no, current_lines, current_outputs = produced.pop("_meta")
                for kind, rows in produced.items():
                    if kind in PRE_ENCODED_KINDS:
                        handles[kind][0].write("".join(rows))
                    else:
                        handles[kind][1].writerows(rows)
                    base_rows[kind] += len(rows)
                totals["work_units_revised"] += current_no > 0
                totals["budget_lines_current"] += current_lines
                totals["outputs_current"] += current_outputs
    finally:
        for handle, _ in handles.values():
            handle.close()

    sakip_file_rows, sakip_totals = sakip_rows(seed, fiscal_year, registry)
    for kind, rows in (("sakip_evaluation", sakip_file_rows), ("cost_standard", cost_rows)):
        clean_paths[kind] = out_dir / f".{FILE_NAMES[kind]}.clean"
        handle, writer = _open_csv(clean_paths[kind], kind)
        with handle:
            writer.writerows(rows)
        base_rows[kind] = len(rows)

    files, dirt_records = {}, []
    for kind in ALL_KINDS:
        records, counts = inject_dirt(kind, clean_paths[kind], out_dir / FILE_NAMES[kind],
                                      base_rows[kind], dirty_fraction, seed, fiscal_year)
        dirt_records += records
        rows = base_rows[kind] + counts.get("duplicate_line", 0)
        files[kind] = {"file": FILE_NAMES[kind], "rows": rows, "clean_rows": rows - sum(counts.values()),
                       "base_rows": base_rows[kind], "dirt": counts}
    with open(out_dir / DIRT_FILE, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(DIRT_COLUMNS)
        writer.writerows(dirt_records)

    central = [inst for inst in registry if inst.gov_level == "pusat"]
    regional = [inst for inst in registry if inst.gov_level == "daerah"]
    totals.update({
        "instansi": len(registry),
        "instansi_central": len(central),
        "instansi_regional": len(regional),
        "work_units": sum(len(inst.units) for inst in registry),
        "work_units_central": sum(len(inst.units) for inst in central),
        "work_units_regional": sum(len(inst.units) for inst in regional),
        "cost_standards_sbm": sum(1 for row in cost_rows if row[1] == "SBM"),
        "cost_standards_sbk": sum(1 for row in cost_rows if row[1] == "SBK"),
        **sakip_totals,
    })
    return files, dict(totals)
