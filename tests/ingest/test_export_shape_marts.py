"""The generator's real layouts (OM-SPAN, SAKTI MAK listings, SIPD-RI) of whole fiscal years load
with nothing quarantined, and the marts the nightly job builds from them equal, figure for figure,
the marts of the same data as canonical files."""
from __future__ import annotations

from pathlib import Path

import duckdb

from base.dbt import MARTS
from base.settings import paths

# One fiscal year per real layout, so that two builds compare all three: the canonical files of
# 2023-2025 in one warehouse, 2023 as OM-SPAN, 2024 as SAKTI MAK listings, 2025 as SIPD-RI in the
# other (each year's data is the same sample but for its dates).
SHAPE_SCALE, SHAPE_SEED = 0.001, 7
SHAPE_OF_YEAR = {2023: "omspan", 2024: "sakti-mak", 2025: "sipd-ri"}
MART_TABLES = MARTS


def build_years(root: Path, shapes: dict[int, str]):
    """The generated sample of each fiscal year written in its shape, dropped into landing and
    built by the nightly job."""
    from pbk.generator.extracts import generate
    from orchestration.run import run_all

    home = root / "home"
    landing = paths(home).ensure().landing
    for year, shape in shapes.items():
        sample = root / f"sample_{year}"
        generate(sample, scale=SHAPE_SCALE, seed=SHAPE_SEED, fiscal_year=year, shape=shape)
        for f in sorted(sample.glob("*.csv")):
            if f.name != "dirt.csv":
                f.rename(landing / f"{f.stem}_{year}.csv")
    return run_all(home), home


def test_marts_from_each_real_layout_equal_the_canonical_ones(tmp_path):
    canonical, canonical_home = build_years(tmp_path / "canonical",
                                            {year: "canonical" for year in SHAPE_OF_YEAR})
    layouts, home = build_years(tmp_path / "layouts", SHAPE_OF_YEAR)
    assert canonical.exit_code == 0 and layouts.exit_code == 0, layouts.as_dict()
    # every line of every layout file loads: nothing quarantined, rows as in the canonical files
    assert {f.status for f in layouts.files} == {"loaded"}
    assert [(f.file, f.rows_quarantined) for f in layouts.files if f.rows_quarantined] == []
    assert sum(f.rows_loaded for f in layouts.files) == sum(f.rows_loaded for f in canonical.files)
    assert sum(f.amount_loaded or 0 for f in layouts.files) == \
        sum(f.amount_loaded or 0 for f in canonical.files)
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{canonical_home / 'warehouse.duckdb'}' AS c (READ_ONLY)")
        con.execute(f"ATTACH '{home / 'warehouse.duckdb'}' AS s (READ_ONLY)")
        # no code-shape rule (nor any quarantine rule) fails on a real layout
        assert con.execute("SELECT DISTINCT rule FROM s.ops.dq_results WHERE NOT success AND "
                           "(rule LIKE '%code%' OR severity IN ('quarantine', 'reject'))"
                           ).fetchall() == []
        for mart in MART_TABLES:
            years = con.execute(f"SELECT count(DISTINCT fiscal_year) FROM c.marts.{mart} "
                                f"WHERE fiscal_year IN {tuple(SHAPE_OF_YEAR)}").fetchone()
            assert years == (3,), mart   # (SAKIP evaluations also cover an earlier year)
            count = con.execute(f"SELECT count(*) FROM c.marts.{mart}").fetchone()[0]
            assert con.execute(f"SELECT count(*) FROM s.marts.{mart}").fetchone()[0] == count, mart
            # figure for figure: no row of one warehouse's mart is missing from the other's
            for a, b in (("c", "s"), ("s", "c")):
                assert con.execute(f"SELECT count(*) FROM (SELECT * FROM {a}.marts.{mart} EXCEPT ALL "
                                   f"SELECT * FROM {b}.marts.{mart})").fetchone()[0] == 0, mart
    finally:
        con.close()
