"""The benchmark's floor (scripts/floor_marts.sql, run by scripts/bench_pipeline.py) computes the
same figures as marts.mart_absorption and marts.mart_budget_performance: on a clean sample at the
demo scale, built by the production path (the Dagster job, as `pbk run` runs it), every row of
both marts equals the floor's (money, counts and text exactly, ratios within 1e-9). Without that
the benchmark's ratios would compare unlike work; and the floor is an independent hand-written
implementation of the formulas, so a mart that drifts from it fails here."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[2]


def bench_pipeline():
    spec = importlib.util.spec_from_file_location("bench_pipeline",
                                                  REPO / "scripts" / "bench_pipeline.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module     # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_floor_matches_both_marts_on_every_row(tmp_path):
    from base.settings import paths
    from orchestration.run import run_all

    bench = bench_pipeline()
    extracts, home, floor_db = tmp_path / "extracts", tmp_path / "home", tmp_path / "floor.duckdb"
    generated = bench.generate_sample(extracts, scale=0.001, seed=42)
    bench.drop_into_landing([Path(f) for f in generated["files"]], home)
    outcome = run_all(home)
    assert outcome.success, (outcome.errors, outcome.failed_checks)

    con = duckdb.connect(str(floor_db))
    bench.run_floor_sections(con, ["load", "marts"], extracts)
    con.close()

    result = bench.compare_with_marts(paths(home).warehouse, floor_db)
    assert set(result) == {"mart_absorption", "mart_budget_performance"}
    for mart, m in result.items():
        assert m["mart_rows"] > 0 and m["columns_compared"] >= 15, (mart, m)
        assert (m["matching_rows"], m["floor_rows"]) == (m["mart_rows"], m["mart_rows"]), (mart, m)
