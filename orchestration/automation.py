"""Jobs, the nightly schedule and the landing sensor.

* ``pbk_nightly``: the whole graph (ingest everything in landing, dbt build, checks, report), every
  night at 01:00 Asia/Jakarta (WIB) by the schedule ``pbk_nightly_schedule``. The schedule's run
  builds what `pbk run` would (run_scope.py): the kinds with new files and what depends on them, or
  the whole graph when a narrower build could miss something.
* ``pbk_ingest_and_build``: started by the sensor ``pbk_landing_sensor`` for each new file in
  $PBK_HOME/landing: it loads that file and rebuilds what depends on its kind (the ingest asset of
  the kind and everything downstream of it, with their checks). The sensor's cursor remembers the
  files (name, size, mtime) it has started a run for, so one file starts one run; a file still
  being written (modified in the last PBK_SENSOR_SETTLE_SECONDS, default 10) waits for the next
  tick. A file whose kind cannot be told from its headers starts the whole graph (the loader
  rejects it with the reason).

Both jobs carry the tag pbk/warehouse=write (one such run in progress; see instance.py).
"""
import json
import os
import time
from collections.abc import Mapping, Sequence

from dagster import (AssetKey, AssetSelection, DefaultScheduleStatus, DefaultSensorStatus,
                     RunRequest, ScheduleDefinition, ScheduleEvaluationContext,
                     SensorEvaluationContext, SensorResult, SkipReason, define_asset_job,
                     schedule, sensor)

from base import local_time
from base.settings import Paths

from .ingest_assets import INGEST_OP_NAME
from .instance import WAREHOUSE_TAG, WAREHOUSE_TAG_VALUE
from .landing import LandingFile, scan_landing

NIGHTLY_JOB = "pbk_nightly"
INGEST_AND_BUILD_JOB = "pbk_ingest_and_build"
NIGHTLY_CRON = "0 1 * * *"
TIMEZONE = local_time.TIMEZONE
SENSOR_NAME = "pbk_landing_sensor"
SENSOR_INTERVAL_SECONDS = 30
JOB_TAGS = {WAREHOUSE_TAG: WAREHOUSE_TAG_VALUE}
SCOPE_TAG = "pbk/scope"   # what a scheduled run builds and why (RunScope.describe)


def settle_seconds() -> float:
    """The sensor's settle interval: PBK_SENSOR_SETTLE_SECONDS, else the loader's (ingest.intake)."""
    from ingest.intake import settle_seconds as loader_settle

    return float(os.environ.get("PBK_SENSOR_SETTLE_SECONDS", loader_settle()))


def make_jobs():
    nightly = define_asset_job(
        NIGHTLY_JOB, selection=AssetSelection.all(), tags=JOB_TAGS,
        description="The whole graph: ingest what waits in landing, dbt build (staging, core, "
                    "marts, dbt tests), GX mart suites, data-quality report.")
    ingest_and_build = define_asset_job(
        INGEST_AND_BUILD_JOB, selection=AssetSelection.all(), tags=JOB_TAGS,
        description="Started by the landing sensor for one new file: its kind's ingest asset "
                    "and everything downstream.")
    return nightly, ingest_and_build


def make_schedule(job, p: Paths, downstream: Mapping[str, Sequence[AssetKey]]
                  ) -> ScheduleDefinition:
    @schedule(name="pbk_nightly_schedule", job=job, cron_schedule=NIGHTLY_CRON,
              execution_timezone=TIMEZONE, default_status=DefaultScheduleStatus.RUNNING,
              description="Every night at 01:00 WIB (Asia/Jakarta): what new data changes (the "
                          "kinds with files in landing and what depends on them), or the whole "
                          "graph when a narrower build could miss something (run_scope.py).")
    def pbk_nightly_schedule(context: ScheduleEvaluationContext):
        from .run_scope import run_scope

        scope = run_scope(p, context.instance)
        return RunRequest(asset_selection=scope.asset_keys(downstream),
                          tags={**JOB_TAGS, SCOPE_TAG: scope.describe()[:250]})

    return pbk_nightly_schedule


def landing_requests(p: Paths, cursor: str | None, downstream: Mapping[str, Sequence[AssetKey]],
                     now: float | None = None, settle: float | None = None
                     ) -> tuple[list[RunRequest], str, list[str]]:
    """(run requests, new cursor, files deferred as still being written). Pure apart from reading
    landing: what the sensor does, testable without a Dagster instance."""
    now = time.time() if now is None else now
    settle = settle_seconds() if settle is None else settle
    seen: dict[str, str] = json.loads(cursor) if cursor else {}
    files: list[LandingFile] = scan_landing(p, wait=False)   # deferred below, not waited for
    requests, remembered, deferred = [], {}, []
    for f in files:
        if seen.get(f.name) == f.signature:
            remembered[f.name] = f.signature
            continue
        if now - f.mtime_ns / 1e9 < settle:
            deferred.append(f.name)
            continue
        remembered[f.name] = f.signature
        selection = list(downstream[f.kind]) if f.kind in downstream else None
        requests.append(RunRequest(
            run_key=f"{f.name}@{f.signature}",
            asset_selection=selection,
            run_config={"ops": {INGEST_OP_NAME: {"config": {"files": [f.name]}}}},
            tags={**JOB_TAGS, "pbk/landing_file": f.name, "pbk/kind": f.kind or "unrecognised"}))
    # files that left landing are forgotten: the same name dropped again is a new file
    return requests, json.dumps(remembered, sort_keys=True), deferred


def make_landing_sensor(p: Paths, job, downstream: Mapping[str, Sequence[AssetKey]]):
    @sensor(name=SENSOR_NAME, job=job, minimum_interval_seconds=SENSOR_INTERVAL_SECONDS,
            default_status=DefaultSensorStatus.RUNNING,
            description=f"A run of {INGEST_AND_BUILD_JOB} for each new file in {p.landing}.")
    def pbk_landing_sensor(context: SensorEvaluationContext):
        requests, cursor, deferred = landing_requests(p, context.cursor, downstream)
        if deferred:
            context.log.info(f"still being written, next tick: {deferred}")
        if not requests:
            return SensorResult(skip_reason=SkipReason(
                "no new file in landing" + (f" ({len(deferred)} still being written)"
                                            if deferred else "")), cursor=cursor)
        return SensorResult(run_requests=requests, cursor=cursor)

    return pbk_landing_sensor
