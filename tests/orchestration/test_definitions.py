"""orchestration/definitions.py: the one Definitions object: groups, lineage from landing to the
marts, checks (blocking or not), freshness, one writer.
"""
import datetime as dt

import pytest

from tests.support.orchestration import MARTS

# dagster-dbt 0.29 calls a deprecated Dagster API internally
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:dagster_dbt.*")


def test_graph_groups_lineage_checks_and_freshness(defs):
    from dagster import AssetKey

    graph = defs.resolve_asset_graph()
    groups = {}
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        if node.is_materializable:
            groups.setdefault(node.group_name, set()).add(key.to_user_string())
    assert set(groups) == {"ingest", "staging", "intermediate", "core", "marts", "quality",
                           "serving"}
    assert groups["intermediate"] == {"intermediate/int_work_unit_output",
                                      "intermediate/int_sakip_component_score",
                                      "intermediate/int_budget_revision"}
    assert groups["serving"] == {"published/pbk"}
    published_parents = graph.get(AssetKey(["published", "pbk"])).parent_keys
    assert {AssetKey(["marts", m]) for m in MARTS} <= published_parents
    assert groups["ingest"] == {f"raw/{k}" for k in (
        "budget", "budget_plan", "realization", "output_volume", "indicator",
        "sakip_evaluation", "cost_standard")}
    assert {f"marts/{m}" for m in MARTS} == groups["marts"]
    # dbt sources are the ingest assets: landing -> raw -> staging -> core -> marts
    assert AssetKey(["raw", "budget"]) in graph.get(AssetKey(["staging", "stg_budget"])).parent_keys
    upstream = graph.get(AssetKey(["marts", "mart_absorption"]))
    assert upstream.parent_keys and all(graph.get(k).description for k in graph.get_all_asset_keys()
                                        if graph.get(k).is_materializable)
    # dbt tests and GX suites are checks; error severity blocks
    checks = {(c.asset_key.to_user_string(), c.name): graph.get_check_spec(c)
              for c in graph.asset_check_keys}
    assert checks[("marts/mart_absorption", "gx_unit_absorption_in_range")].blocking
    assert checks[("marts/mart_budget_performance", "gx_nka_within_components")].blocking
    assert not checks[("raw/realization", "gx_row_count_drop")].blocking
    assert ("raw/realization", "gx_realization_within_pagu") in checks
    assert ("raw/budget", "batch_accepted") in checks
    assert any(a == "core/fact_realization" and n.startswith("relationships") for a, n in checks)
    assert ("core/fact_realization", "assert_realization_reconciles_to_raw") in checks
    # marts warn after 26 hours without a materialisation
    policy = graph.get(AssetKey(["marts", "mart_absorption"])).freshness_policy
    assert policy.warn_window.to_timedelta() == dt.timedelta(hours=26)
    # one writer: every op in the warehouse pool, in-process executor
    job = defs.resolve_job_def("pbk_nightly")
    assert job.executor_def.name == "in_process"
    assert {n.definition.pool for n in job.graph.nodes} == {"pbk_warehouse"}
