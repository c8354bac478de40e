"""The hand-made fiscal year of test_dbt_figures.py built on Apache Spark (dbt-spark, `session`
mode, through the same Dagster job with engine=spark): the same exact figures, the dbt unit tests
and data tests passing, and every mart equal to the DuckDB build of the same files. The figure
tests are test_dbt_figures.py's own, run here against the Spark build (the marts the warehouse
file shows after a Spark build are the Spark build's Parquet, orchestration/engines.py)."""
from __future__ import annotations

import duckdb
import pytest

from serving.engine_comparison import compare_mart
from tests.dbt_project import test_dbt_figures as figures
from tests.support.dbt_scenario import MARTS, built_scenario

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:dagster_dbt.*")


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    return built_scenario(tmp_path_factory, engine="spark")


@pytest.fixture(scope="module")
def home(scenario):
    return scenario[0]


# the figures, exactly as asserted for the DuckDB build
test_build_passes_every_test_including_unit_tests = figures.test_build_passes_every_test_including_unit_tests
test_monthly_marts_carry_the_month_end_date = figures.test_monthly_marts_carry_the_month_end_date
test_absorption_refunds_blokir_and_mid_year_revision = figures.test_absorption_refunds_blokir_and_mid_year_revision
test_budget_performance_nka = figures.test_budget_performance_nka
test_efficiency_per_output = figures.test_efficiency_per_output
test_indicator_achievement = figures.test_indicator_achievement
test_sakip_scores_and_grades = figures.test_sakip_scores_and_grades
test_budget_relevance = figures.test_budget_relevance
test_every_mart_row_carries_its_rule = figures.test_every_mart_row_carries_its_rule
test_fact_rows_keep_lineage = figures.test_fact_rows_keep_lineage
test_dimensions_conform_both_systems = figures.test_dimensions_conform_both_systems


def test_the_build_ran_on_spark(home):
    import json

    args = json.loads((home / "dbt" / "target" / "run_results.json").read_text())["args"]
    assert (args["which"], args["target"]) == ("build", "spark")


@pytest.mark.parametrize("mart", MARTS)
def test_every_mart_equals_the_duckdb_build(home, tmp_path_factory, mart):
    duck_home, _ = built_scenario(tmp_path_factory)
    con = duckdb.connect()
    con.execute(f"ATTACH '{duck_home / 'warehouse.duckdb'}' AS duck (READ_ONLY)")
    con.execute(f"ATTACH '{home / 'warehouse.duckdb'}' AS spark (READ_ONLY)")
    diff = compare_mart(con, mart, f"duck.marts.{mart}", f"spark.marts.{mart}")
    assert diff.rows_left == diff.rows_right > 0
    assert diff.equal, diff
