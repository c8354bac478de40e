"""Incremental builds give the same warehouse as a full refresh (the issue's "incremental and full
refresh give identical marts"), a corrected re-send replaces the earlier line, a build without new
loads changes nothing, what the landing sensor runs for one realization file rebuilds only what
that kind feeds, and a failing dbt test fails the run naming the test. Every build is the Dagster
job, in-process (tests/support/dbt_scenario.py: build)."""
from __future__ import annotations

import shutil

import pytest

from tests.support.dbt_scenario import MARTS, build, copy_home, load_raw, next_day_files, query

TABLES = [f"marts.{m}" for m in MARTS] + ["core.fact_realization", "core.fact_budget", "staging.stg_budget",
                                         "staging.stg_realization"]


def _differences(home, snapshot) -> dict[str, int]:
    import duckdb

    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        con.execute(f"ATTACH '{snapshot}' AS snap (READ_ONLY)")
        out = {}
        for t in TABLES:
            out[t] = con.execute(f"""
                SELECT count(*) FROM (
                    (SELECT * FROM {t} EXCEPT ALL SELECT * FROM snap.{t})
                    UNION ALL
                    (SELECT * FROM snap.{t} EXCEPT ALL SELECT * FROM {t}))""").fetchone()[0]
        return out
    finally:
        con.close()


@pytest.fixture(scope="module")
def incremental_home(scenario, tmp_path_factory):
    """A copy of the built scenario, then one more day of realization lines (new lines, a refund
    and a corrected re-send of D007) built incrementally."""
    base, _ = scenario
    home = copy_home(base, tmp_path_factory.mktemp("pbk_incremental") / "home")
    load_raw(home, next_day_files(home.parent / "files"))
    result = build(home)              # incremental (no full refresh)
    assert result.success, result.as_dict()
    assert result.by_name("fact_realization").status == "success"
    return home


def test_incremental_run_applies_new_load_and_resend(incremental_home):
    rows = dict(query(incremental_home, "SELECT document_no, realized_amount FROM core.fact_realization "
                                        "WHERE work_unit_code = '123456'"))
    assert float(rows["D007"]) == 400000          # corrected re-send replaced 450,000
    assert float(rows["D010"]) == 100000 and float(rows["D011"]) == -20000
    assert query(incremental_home, "SELECT count(*) FROM core.fact_realization")[0][0] == 14
    # July is now the as-of month: barang cumulative 700,000 - 50,000 + 100,000 = 750,000 of 1,000,000
    assert query(incremental_home, """
        SELECT realized_cumulative, absorption_pct FROM marts.mart_absorption
        WHERE work_unit_code = '123456' AND spending_category = 'barang' AND month = 7""") == \
        [(750000, 75.0)]


def test_incremental_equals_full_refresh(incremental_home, tmp_path):
    snapshot = tmp_path / "incremental.duckdb"
    shutil.copy(incremental_home / "warehouse.duckdb", snapshot)
    full = copy_home(incremental_home, tmp_path / "full")
    assert build(full, full_refresh=True).success
    assert _differences(full, snapshot) == {t: 0 for t in TABLES}


def test_build_without_new_loads_changes_nothing(incremental_home, tmp_path):
    snapshot = tmp_path / "before.duckdb"
    shutil.copy(incremental_home / "warehouse.duckdb", snapshot)
    again = copy_home(incremental_home, tmp_path / "again")
    assert build(again, select="stg_realization+ fact_budget+").success
    assert _differences(again, snapshot) == {t: 0 for t in TABLES}


def test_a_realization_file_rebuilds_only_what_realization_feeds(incremental_home, scenario,
                                                                 tmp_path_factory):
    """The same day dropped into landing of another copy of the scenario, and the run the landing
    sensor starts for it (its kind's ingest asset and everything downstream): only the nodes
    downstream of raw.realization run, and every mart equals the full-graph build."""
    from dagster import AssetSelection

    from base.settings import paths
    from orchestration.ingest_assets import ingest_key

    base, _ = scenario
    home = copy_home(base, tmp_path_factory.mktemp("pbk_changed") / "home")
    (day,) = next_day_files(home.parent / "files")
    shutil.copy(day, paths(home).ensure().landing / day.name)
    result = build(home, selection=AssetSelection.assets(ingest_key("realization")).downstream())
    loaded = result.outcome.ingest["realization"]
    assert [(r.status, r.rows_loaded) for r in loaded] == [("loaded", 3)]
    built = {n.name for n in result.nodes if n.resource_type == "model"}
    assert {"fact_realization", "mart_absorption", "mart_budget_performance", "dim_program"} <= built
    assert not built & {"fact_budget", "stg_budget", "mart_sakip_score", "fact_indicator_achievement"}
    marts = {t: 0 for t in TABLES if t.startswith("marts.")}
    diffs = _differences(home, incremental_home / "warehouse.duckdb")
    assert {t: n for t, n in diffs.items() if t.startswith("marts.")} == marts


def test_failing_test_fails_the_run_with_the_failing_node(incremental_home, tmp_path):
    import duckdb

    home = copy_home(incremental_home, tmp_path / "broken")
    con = duckdb.connect(str(home / "warehouse.duckdb"))
    # a line whose date lies before the calendar spine of dim_date (2000-01-01)
    con.execute("""INSERT INTO raw.realization SELECT 1999, DATE '1999-12-31', 'OLD1', work_unit_code,
                   program_code, activity_code, output_code, account_code, funding_source, amount,
                   description, NULL, NULL, 'manual-load', 'manual.csv', 'x', 1, now()
                   FROM raw.realization LIMIT 1""")
    con.close()
    result = build(home, select="stg_realization fact_realization dim_date")
    assert not result.success and result.outcome.exit_code == 1
    failed = [n.name for n in result.failures]
    assert any("relationships_fact_realization_transaction_date" in n for n in failed), failed
    assert "relationships_fact_realization_transaction_date" in " ".join(result.outcome.errors)


def test_pbk_run_builds_only_what_the_new_files_change(incremental_home, scenario, tmp_path_factory):
    """`pbk run` (run_all without a selection): the first run builds the whole graph (nothing
    published yet); with a day of SP2D lines in landing the next builds
    realization's side only, and its marts equal the incremental build's; a kind loaded but not
    published since, or a changed dbt project, widens the next run's scope (run_scope.py)."""
    from dagster import AssetSelection

    from base.settings import paths
    from orchestration.definitions import build_definitions, downstream_by_kind
    from orchestration.ingest_assets import ingest_key
    from orchestration.instance import instance_for
    from orchestration.run import run_all
    from orchestration.run_scope import run_scope, whole_build_stamp

    base, _ = scenario
    home = copy_home(base, tmp_path_factory.mktemp("pbk_run_scope") / "home")
    p = paths(home).ensure()
    first = run_all(home)
    assert first.success and first.published, (first.errors, first.failed_checks)
    # the scenario's build (every dbt model) recorded the project's fingerprint; nothing was
    # published from it yet
    assert first.scope == "the whole graph (nothing published yet)"
    assert whole_build_stamp(p).exists()

    (day,) = next_day_files(home.parent / "files")
    shutil.copy(day, p.landing / day.name)
    defs = build_definitions(home)
    expected = {k.to_user_string() for k in downstream_by_kind(defs.assets, defs.asset_checks)["realization"]}
    # the daemon's nightly schedule asks for the same selection as `pbk run`
    from dagster import build_schedule_context

    with instance_for(p) as instance:
        [request] = defs.resolve_schedule_def("pbk_nightly_schedule").evaluate_tick(
            build_schedule_context(instance=instance)).run_requests
    assert {k.to_user_string() for k in request.asset_selection} == expected
    assert request.tags["pbk/scope"] == ("realization and what depends on it (new file(s) in "
                                         "landing: realization)")
    night = run_all(home)
    assert night.success and night.published, (night.errors, night.failed_checks)
    assert night.scope == "realization and what depends on it (new file(s) in landing: realization)"
    assert {a for a, s in night.assets.items() if s == "materialized"} == expected
    assert night.assets["staging/stg_budget"] == night.assets["core/fact_budget"] == "unchanged"
    marts = {t: 0 for t in TABLES if t.startswith("marts.")}
    diffs = _differences(home, incremental_home / "warehouse.duckdb")
    assert {t: n for t, n in diffs.items() if t.startswith("marts.")} == marts

    # budget loaded by a run that stopped before publishing: the next run includes its side
    stopped = run_all(home, selection=AssetSelection.assets(ingest_key("budget")))
    assert stopped.success and not stopped.published
    with instance_for(p) as instance:
        scope = run_scope(p, instance)
        assert (scope.kinds, scope.reason) == (["budget"], "loaded but not published since: budget")
        whole_build_stamp(p).write_text("a dbt project of another release\n")
        assert run_scope(p, instance).describe() == (
            "the whole graph (the dbt project changed since the last whole build, or there was none)")
    # the whole build that follows (its dbt asset built every model) records the project as it is
    from base.dbt import project_fingerprint

    rebuilt = run_all(home)
    assert rebuilt.success and rebuilt.published, (rebuilt.errors, rebuilt.failed_checks)
    assert whole_build_stamp(p).read_text().strip() == project_fingerprint()
