"""`pbk run --engine spark` (orchestration/engines.py, docs/spark.md): the demo sample built on
Apache Spark through dbt-spark materialises every asset the DuckDB build does, with the same checks,
publishes, and every mart equals the DuckDB build's row by row (money, counts, codes, categories and
grades exactly; ratios within 1e-9)."""
from __future__ import annotations

import json

import duckdb
import pytest

from base.dbt import MARTS, run_results
from base.settings import paths
from serving.engine_comparison import TOLERANCE, compare_mart
from tests.support.pristine import spark_demo_home

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:dagster_dbt.*")


@pytest.fixture(scope="module")
def spark_demo(tmp_path_factory):
    return spark_demo_home(tmp_path_factory)


def published_parquet(home, schema, table):
    return f"read_parquet('{home}/published/parquet/{schema}/{table}.parquet')"


def test_spark_run_materialises_every_asset_with_the_same_checks_and_publishes(spark_demo, pristine):
    spark, duck = spark_demo["outcome"], pristine["outcome"]
    assert spark.success and spark.errors == []
    assert spark.assets == duck.assets                      # same keys, all materialized
    assert set(spark.assets.values()) == {"materialized"}
    assert spark.checks_total == duck.checks_total
    assert spark.checks_by_source == duck.checks_by_source
    assert sorted(c.label for c in spark.failed_checks) == sorted(c.label for c in duck.failed_checks)
    assert spark.published["tables"] == duck.published["tables"]   # same tables, same row counts
    # the build really ran on Spark: dbt's run results name the target it built
    target = paths(spark_demo["home"]).dbt_target
    nodes = run_results(target)
    assert len(nodes) == len(run_results(paths(pristine["home"]).dbt_target))
    assert not [n.unique_id for n in nodes if n.failed]
    args = json.loads((target / "run_results.json").read_text())["args"]
    assert (args["which"], args["target"]) == ("build", "spark")


@pytest.mark.parametrize("mart", MARTS)
def test_every_mart_equals_the_duckdb_build_row_by_row(spark_demo, pristine, mart):
    con = duckdb.connect()
    diff = compare_mart(con, mart, published_parquet(pristine["home"], "marts", mart),
                        published_parquet(spark_demo["home"], "marts", mart))
    assert diff.rows_left == diff.rows_right == pristine["outcome"].published["tables"][f"marts.{mart}"]
    assert diff.columns_mismatched == []              # same columns, same types
    assert (diff.only_left, diff.only_right) == (0, 0)  # every exact column equal on every row
    assert diff.columns_differing == {}               # every DOUBLE within the tolerance
    assert diff.max_relative_difference <= TOLERANCE


def test_the_comparison_sees_a_changed_figure(pristine):
    """The comparison itself fails on one changed Rupiah and one ratio off by more than 1e-9."""
    con = duckdb.connect()
    src = published_parquet(pristine["home"], "marts", "mart_budget_performance")
    con.execute(f"CREATE TABLE changed AS SELECT * FROM {src}")
    con.execute("UPDATE changed SET nka_score = nka_score + 1e-6 WHERE work_unit_code = "
                "(SELECT min(work_unit_code) FROM changed)")
    diff = compare_mart(con, "mart_budget_performance", src, "changed")
    assert (diff.only_left, diff.only_right, diff.columns_differing) == (0, 0, {"nka_score": 1})
    con.execute("UPDATE changed SET budget_amount = budget_amount + 1 WHERE work_unit_code = "
                "(SELECT max(work_unit_code) FROM changed)")
    diff = compare_mart(con, "mart_budget_performance", src, "changed")
    assert (diff.only_left, diff.only_right) == (1, 1) and not diff.equal


def test_spark_read_the_raw_batches_from_the_lake(spark_demo):
    p = paths(spark_demo["home"])
    con = duckdb.connect(str(p.warehouse), read_only=True)
    try:
        loaded = con.execute("SELECT kind, load_id FROM ops.load_log WHERE status = 'loaded' "
                             "ORDER BY kind").fetchall()
        raw_rows = {k: con.execute(f"SELECT count(*) FROM raw.{k}").fetchone()[0] for k, _ in loaded}
        # the marts the checks and the publish read are the Spark build's files
        [(definition,)] = con.execute(
            "SELECT sql FROM duckdb_views() WHERE schema_name = 'marts' "
            "AND view_name = 'mart_absorption'").fetchall()
    finally:
        con.close()
    assert str(p.spark / "built" / "marts" / "mart_absorption") in definition
    for kind, load_id in loaded:
        files = sorted(f.name for f in (p.lake / "raw" / kind).iterdir())
        assert files == [f"{load_id}.parquet"]
        [(rows,)] = duckdb.sql(f"SELECT count(*) FROM read_parquet('{p.lake}/raw/{kind}/*.parquet')"
                               ).fetchall()
        assert rows == raw_rows[kind]


def test_an_unknown_engine_is_refused_by_name():
    from orchestration.engines import check_engine

    with pytest.raises(ValueError, match="unknown engine 'postgres': choose one of duckdb, spark"):
        check_engine("postgres")


def test_the_engine_is_chosen_by_the_command_line_or_pbk_engine(monkeypatch, capsys):
    from orchestration.engines import default_engine
    from pbk.cli import main

    monkeypatch.delenv("PBK_ENGINE", raising=False)
    assert default_engine() == "duckdb"
    monkeypatch.setenv("PBK_ENGINE", "spark")
    assert default_engine() == "spark"
    monkeypatch.setenv("PBK_ENGINE", "sparkk")
    with pytest.raises(ValueError, match="unknown engine 'sparkk'"):
        default_engine()
    with pytest.raises(SystemExit) as exit_:
        main(["run", "--engine", "postgres"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "argument --engine: invalid choice: 'postgres'" in err and "spark" in err
