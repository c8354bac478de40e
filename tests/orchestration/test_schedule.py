"""orchestration/automation.py: the nightly schedule (01:00 WIB; the whole graph on a home that has
not had a whole build with this dbt project; what new data changes afterwards: see
tests/dbt_project/test_dbt_incremental.py).
"""
import datetime as dt

import pytest

# dagster-dbt 0.29 calls a deprecated Dagster API internally
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:dagster_dbt.*")


def test_nightly_schedule_at_one_wib(defs, home):
    from dagster import build_schedule_context

    schedule = defs.resolve_schedule_def("pbk_nightly_schedule")
    assert schedule.cron_schedule == "0 1 * * *"
    assert schedule.execution_timezone == "Asia/Jakarta"
    assert schedule.job_name == "pbk_nightly"
    # the whole graph
    job = defs.resolve_job_def("pbk_nightly")
    assert len(job.asset_layer.executable_asset_keys) == len(
        [k for k in defs.resolve_asset_graph().get_all_asset_keys()
         if defs.resolve_asset_graph().get(k).is_materializable])
    tick = dt.datetime(2025, 3, 3, 1, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    from base.settings import paths
    from orchestration.instance import instance_for

    with instance_for(paths(home)) as instance:   # built and published, landing empty
        data = schedule.evaluate_tick(build_schedule_context(instance=instance,
                                                             scheduled_execution_time=tick))
    [request] = data.run_requests
    assert request.asset_selection is None          # no new file: a rebuild of the whole graph
    assert request.tags["pbk/scope"] == "the whole graph (no new file in landing)"
    # next ticks: 01:00 WIB = 18:00 UTC the day before
    from dagster._utils.schedules import cron_string_iterator

    it = cron_string_iterator(dt.datetime(2025, 3, 3, 12, tzinfo=dt.timezone.utc).timestamp(),
                              "0 1 * * *", "Asia/Jakarta")
    first = next(it)
    assert first.astimezone(dt.timezone.utc) == dt.datetime(2025, 3, 3, 18, tzinfo=dt.timezone.utc)
