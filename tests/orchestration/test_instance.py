"""orchestration/instance.py: the Dagster instance of a PBK_HOME: telemetry off, one writing run at a
time, the in-process runs recorded where the UI reads them.
"""


def test_instance_config_telemetry_off_and_one_writer(home, first_run):
    import yaml
    from dagster import DagsterInstance

    doc = yaml.safe_load((home / "dagster" / "dagster.yaml").read_text())
    assert doc["telemetry"] == {"enabled": False}
    instance = DagsterInstance.from_config(str(home / "dagster"))
    assert instance.nux_enabled is False          # the UI opens without the e-mail form
    config = instance.get_concurrency_config()
    assert config.pool_config.default_pool_limit == 1
    assert config.pool_config.pool_granularity.value == "run"
    assert {"key": "pbk/warehouse", "value": "write", "limit": 1} in \
        config.run_queue_config.tag_concurrency_limits
    assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
    # the in-process run is recorded in the instance the UI reads
    assert instance.get_run_by_id(first_run.run_id) is not None
