"""orchestration/automation.py and landing.py: the landing sensor starts one run per new file, for
that file's kind and what depends on it (on a copy of the built warehouse).
"""
import json
import os
import shutil
import time

import pytest

from tests.support.orchestration import drop_sample

# dagster-dbt 0.29 calls a deprecated Dagster API internally
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:dagster_dbt.*")


def test_landing_sensor_one_run_per_new_file(home_copy, tmp_path, monkeypatch):
    from dagster import AssetKey, build_sensor_context

    from orchestration.definitions import build_definitions

    home = home_copy
    defs = build_definitions(home)

    monkeypatch.setenv("PBK_SENSOR_SETTLE_SECONDS", "10")   # the tests' loader waits for nothing

    sensor = defs.resolve_sensor_def("pbk_landing_sensor")
    landing = home / "landing"
    assert list(landing.iterdir()) == []
    # empty landing: no run
    data = sensor.evaluate_tick(build_sensor_context(cursor=None, definitions=defs))
    assert not data.run_requests and data.skip_message

    old = time.time() - 3600
    try:
        drop_sample(tmp_path / "gen", seed=7)
        gen_landing = tmp_path / "gen" / "landing"
        for name in ("budget.csv", "realization.csv"):
            shutil.copy(gen_landing / name, landing / name)
            os.utime(landing / name, (old, old))
        (landing / "notes.txt").write_text("hello\n")        # no kind: the whole graph
        os.utime(landing / "notes.txt", (old, old))
        (landing / "upload.csv.part").write_text("x")          # in progress: ignored
        data = sensor.evaluate_tick(build_sensor_context(cursor=None, definitions=defs))
        by_file = {r.tags["pbk/landing_file"]: r for r in data.run_requests}
        assert set(by_file) == {"budget.csv", "realization.csv", "notes.txt"}
        real = by_file["realization.csv"]
        assert real.run_config["ops"]["ingest_landing"]["config"]["files"] == ["realization.csv"]
        assert AssetKey(["raw", "realization"]) in real.asset_selection
        assert AssetKey(["marts", "mart_absorption"]) in real.asset_selection
        assert AssetKey(["raw", "budget"]) not in real.asset_selection
        assert by_file["notes.txt"].asset_selection is None
        assert len({r.run_key for r in data.run_requests}) == 3
        cursor = data.cursor
        # same files, next tick: nothing new
        again = sensor.evaluate_tick(build_sensor_context(cursor=cursor, definitions=defs))
        assert not again.run_requests
        # one more file: exactly one run, for it
        shutil.copy(gen_landing / "indicator.csv", landing / "indicator.csv")
        os.utime(landing / "indicator.csv", (old, old))
        third = sensor.evaluate_tick(build_sensor_context(cursor=again.cursor, definitions=defs))
        assert [r.tags["pbk/landing_file"] for r in third.run_requests] == ["indicator.csv"]
        assert third.run_requests[0].tags["pbk/kind"] == "indicator"
        # a file still being written waits for the next tick
        shutil.copy(gen_landing / "cost_standard.csv", landing / "cost_standard.csv")
        fresh = sensor.evaluate_tick(build_sensor_context(cursor=third.cursor, definitions=defs))
        assert not fresh.run_requests
        assert "cost_standard.csv" not in json.loads(fresh.cursor)
    finally:
        for f in landing.iterdir():
            f.unlink()
