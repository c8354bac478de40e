"""OpenLineage run events for every nightly run, written as files under `$PBK_HOME/lineage/`.

Each run gets a folder `$PBK_HOME/lineage/<run_id>/` with one JSON event per file, named in emission
order (`00001-pbk.nightly-START-<timestamp>.json`, ...), written by openlineage-python's client
with its FileTransport (no network). Marquez, DataHub or any OpenLineage consumer can load them by
POSTing each file in name order (docs/audit.md).

Jobs (namespace `pbk-warehouse`, or $PBK_LINEAGE_NAMESPACE):

* `pbk.nightly`: the parent run (START first, COMPLETE or FAIL last); every job below carries a
  parent run facet pointing at it.
* `pbk.ingest.<kind>`: one run per loaded file: input = the archived file (namespace `file`),
  output = `raw.<kind>` with its row count.
* `pbk.dbt.<model>`: one run per model or seed dbt built (from dbt's manifest.json and
  run_results.json under $PBK_HOME/dbt/target): inputs = the sources, models and seeds it selects
  from, output = its table, with the columns, types and descriptions (schema facet), its
  description and compiled SQL; FAIL with the error message when it failed.
* `pbk.mart_checks`: the GX mart suites: inputs = the marts with a data-quality assertions facet
  (rule, column, severity, success).
* `pbk.publish`: inputs = core and marts in the warehouse, outputs = the same tables in the
  published copy and the Parquet files.

Datasets: warehouse tables in namespace `duckdb://<absolute path of warehouse.duckdb>`, published
tables in `duckdb://<$PBK_HOME/published/pbk.duckdb>`, named `schema.table`; files in namespace
`file` named by their absolute path (OpenLineage naming conventions).

Run ids are UUIDs derived from the pipeline run id and the job name (uuid5), so emitting the same
run twice produces the same ids.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from pathlib import Path
from typing import Iterable

from base.settings import paths  # (importing base.settings first turns telemetry off)
from base.sql import sql_literal

NAMESPACE = "pbk-warehouse"
NIGHTLY_JOB = "pbk.nightly"
PRODUCER = "https://github.com/pbk-warehouse/pbk-warehouse"
_UUID_NS = uuid.UUID("6f1b6c1e-2d0b-4f8e-9a53-7c1f3f0e9b10")


def job_namespace() -> str:
    return os.environ.get("PBK_LINEAGE_NAMESPACE") or NAMESPACE


def lineage_dir(home) -> Path:
    return paths(home).lineage


def warehouse_namespace(home) -> str:
    return f"duckdb://{paths(home).warehouse}"


def published_namespace(home) -> str:
    return f"duckdb://{paths(home).published / 'pbk.duckdb'}"


def run_uuid(run_id: str, job_name: str) -> str:
    """Deterministic OpenLineage runId (a UUID) of `job_name` within pipeline run `run_id`."""
    return str(uuid.uuid5(_UUID_NS, f"{run_id}/{job_name}"))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _iso(t: dt.datetime | str | None) -> str:
    if t is None:
        t = _now()
    if isinstance(t, str):
        return t if t.endswith("Z") or "+" in t[10:] else t + "Z"
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.timezone.utc)
    return t.isoformat()


class LineageWriter:
    """Writes OpenLineage events of one pipeline run into $PBK_HOME/lineage/<run_id>/."""

    def __init__(self, home, run_id: str):
        from openlineage.client import OpenLineageClient
        from openlineage.client.event_v2 import set_producer
        from openlineage.client.transport.file import FileConfig, FileTransport

        set_producer(PRODUCER)
        self.home = Path(home).resolve()
        self.run_id = run_id
        self.dir = lineage_dir(self.home) / _safe(run_id)
        self.dir.mkdir(parents=True, exist_ok=True)
        self._seq = len(list(self.dir.glob("*.json")))
        self._transport = FileTransport(FileConfig(log_file_path=str(self.dir / "event")))
        # no git lookups or other environment discovery: the events say what we put in them
        self.client = OpenLineageClient(transport=self._transport, config={
            "transport": {"type": "file", "log_file_path": str(self.dir / "event")},
            "facets": {"source_code_location": {"disabled": True},
                       "environment_variables": []}})
        self.written: list[Path] = []

    # -- datasets ---------------------------------------------------------------------------

    def dataset(self, ref, *, facets: dict | None = None, output: bool = False,
                output_facets: dict | None = None, input_facets: dict | None = None):
        """ref: 'schema.table' (a warehouse table), (namespace, name), or a Dataset."""
        from openlineage.client.event_v2 import InputDataset, OutputDataset

        if isinstance(ref, (InputDataset, OutputDataset)):
            return ref
        namespace, name = (warehouse_namespace(self.home), ref) if isinstance(ref, str) else ref
        if output:
            return OutputDataset(namespace=namespace, name=name, facets=facets or {},
                                 outputFacets=output_facets or {})
        return InputDataset(namespace=namespace, name=name, facets=facets or {},
                            inputFacets=input_facets or {})

    # -- events -----------------------------------------------------------------------------

    def emit(self, job_name: str, state: str, *, inputs: Iterable = (), outputs: Iterable = (),
             event_time=None, job_facets: dict | None = None, run_facets: dict | None = None,
             parent: bool = True, error: str | None = None) -> Path:
        from openlineage.client.event_v2 import Job, Run, RunEvent, RunState
        from openlineage.client.facet_v2 import error_message_run, parent_run

        run_facets = dict(run_facets or {})
        if parent and job_name != NIGHTLY_JOB:
            run_facets["parent"] = parent_run.ParentRunFacet(
                run=parent_run.Run(runId=run_uuid(self.run_id, NIGHTLY_JOB)),
                job=parent_run.Job(namespace=job_namespace(), name=NIGHTLY_JOB),
                root=parent_run.Root(run=parent_run.RootRun(runId=run_uuid(self.run_id, NIGHTLY_JOB)),
                                     job=parent_run.RootJob(namespace=job_namespace(),
                                                            name=NIGHTLY_JOB)))
        if error:
            run_facets["errorMessage"] = error_message_run.ErrorMessageRunFacet(
                message=error[:10000], programmingLanguage="python")
        event = RunEvent(
            eventType=getattr(RunState, state.upper()),
            eventTime=_iso(event_time),
            run=Run(runId=run_uuid(self.run_id, job_name), facets=run_facets),
            job=Job(namespace=job_namespace(), name=job_name, facets=job_facets or {}),
            inputs=[self.dataset(d) for d in inputs],
            outputs=[self.dataset(d, output=True) for d in outputs],
        )
        self._seq += 1
        prefix = self.dir / f"{self._seq:05d}-{_safe(job_name)}-{state.upper()}"
        self._transport.config.log_file_path = str(prefix)
        self.client.emit(event)
        written = sorted(self.dir.glob(prefix.name + "-*.json"))
        path = written[-1] if written else prefix
        self.written.append(path)
        return path


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in str(text))


# ------------------------------------------------------------------------------------------------
# the generic entry point


def emit_run_events(home, run_id: str, job_name: str, inputs: Iterable = (), outputs: Iterable = (),
                    state: str = "COMPLETE", *, started_at=None, finished_at=None,
                    error: str | None = None, job_facets: dict | None = None) -> list[Path]:
    """Emit START and `state` (COMPLETE, FAIL or ABORT) events of one job of pipeline run
    `run_id`. inputs/outputs: 'schema.table' names (warehouse tables), (namespace, name) pairs or
    openlineage Dataset objects. state 'START' emits only the START event, 'RUNNING' one event."""
    w = LineageWriter(home, run_id)
    paths = []
    if state.upper() in ("START", "COMPLETE", "FAIL", "ABORT"):
        paths.append(w.emit(job_name, "START", inputs=inputs, outputs=outputs,
                            event_time=started_at, job_facets=job_facets))
    if state.upper() != "START":
        paths.append(w.emit(job_name, state, inputs=inputs, outputs=outputs,
                            event_time=finished_at, job_facets=job_facets, error=error))
    return paths


# ------------------------------------------------------------------------------------------------
# dbt: models and seeds from the manifest and run results


def _relation(node: dict) -> str:
    return f"{node['schema']}.{node.get('alias') or node.get('identifier') or node['name']}"


def _schema_facet(node: dict, catalog_node: dict | None = None):
    from openlineage.client.facet_v2 import schema_dataset

    fields = []
    columns = node.get("columns") or {}
    cat_cols = (catalog_node or {}).get("columns") or {}
    names = list(columns) or sorted(cat_cols, key=lambda c: cat_cols[c].get("index", 0))
    for i, name in enumerate(names, start=1):
        col = columns.get(name, {})
        fields.append(schema_dataset.SchemaDatasetFacetFields(
            name=name, type=col.get("data_type") or (cat_cols.get(name) or {}).get("type"),
            description=col.get("description") or None, ordinal_position=i))
    return schema_dataset.SchemaDatasetFacet(fields=fields) if fields else None


def _dataset_facets(node: dict, catalog_node: dict | None = None) -> dict:
    from openlineage.client.facet_v2 import documentation_dataset

    facets = {}
    schema = _schema_facet(node, catalog_node)
    if schema is not None:
        facets["schema"] = schema
    if node.get("description"):
        facets["documentation"] = documentation_dataset.DocumentationDatasetFacet(
            description=node["description"])
    return facets


def _load_json(path: Path) -> dict | None:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None


def emit_dbt_events(home, run_id: str, *, target_dir: Path | None = None,
                    writer: LineageWriter | None = None) -> list[Path]:
    """START and COMPLETE/FAIL per model, seed or snapshot of the last dbt invocation
    ($PBK_HOME/dbt/target/run_results.json), with input and output datasets from the manifest.
    Returns the event files written (none when there are no dbt artifacts)."""
    from openlineage.client.event_v2 import InputDataset, OutputDataset
    from openlineage.client.facet_v2 import (job_type_job, output_statistics_output_dataset,
                                             processing_engine_run, sql_job)
    from openlineage.client.facet_v2 import documentation_job

    home = Path(home).resolve()
    target = Path(target_dir) if target_dir else paths(home).dbt_target
    manifest = _load_json(target / "manifest.json")
    results = _load_json(target / "run_results.json")
    if not manifest or not results:
        return []
    catalog = _load_json(paths(home).dbt_docs / "catalog.json") or {}
    cat_nodes = {**(catalog.get("nodes") or {}), **(catalog.get("sources") or {})}
    w = writer or LineageWriter(home, run_id)
    ns = warehouse_namespace(home)
    nodes = {**manifest.get("nodes", {}), **manifest.get("sources", {})}
    dbt_version = results.get("metadata", {}).get("dbt_version") or "unknown"
    start = len(w.written)
    for res in results.get("results", []):
        uid = res.get("unique_id", "")
        node = nodes.get(uid)
        if node is None or node.get("resource_type") not in ("model", "seed", "snapshot"):
            continue
        status = res.get("status")
        if status in ("skipped", "no-op"):
            continue
        state = "COMPLETE" if status in ("success", "pass", "warn", "OK") else "FAIL"
        timing = {t.get("name"): t for t in res.get("timing") or []}
        span = timing.get("execute") or timing.get("compile") or {}
        started = span.get("started_at") or results["metadata"].get("generated_at")
        finished = span.get("completed_at") or results["metadata"].get("generated_at")
        inputs = []
        for dep in (node.get("depends_on") or {}).get("nodes", []):
            up = nodes.get(dep)
            if up and up.get("resource_type") in ("model", "seed", "snapshot", "source"):
                inputs.append(InputDataset(namespace=ns, name=_relation(up),
                                           facets=_dataset_facets(up, cat_nodes.get(dep))))
        out_facets = {}
        rows = (res.get("adapter_response") or {}).get("rows_affected")
        if isinstance(rows, int) and rows >= 0:
            out_facets["outputStatistics"] = \
                output_statistics_output_dataset.OutputStatisticsOutputDatasetFacet(rowCount=rows)
        outputs = [OutputDataset(namespace=ns, name=_relation(node),
                                 facets=_dataset_facets(node, cat_nodes.get(uid)),
                                 outputFacets=out_facets)]
        job_facets = {"jobType": job_type_job.JobTypeJobFacet(
            processingType="BATCH", integration="DBT", jobType=node["resource_type"].upper())}
        code = res.get("compiled_code") or node.get("compiled_code")
        if code:
            job_facets["sql"] = sql_job.SQLJobFacet(query=code, dialect="duckdb")
        if node.get("description"):
            job_facets["documentation"] = documentation_job.DocumentationJobFacet(
                description=node["description"])
        run_facets = {"processing_engine": processing_engine_run.ProcessingEngineRunFacet(
            version=dbt_version, name="dbt")}
        job = f"pbk.dbt.{node['name']}"
        w.emit(job, "START", inputs=inputs, outputs=outputs, event_time=started,
               job_facets=job_facets, run_facets=run_facets)
        w.emit(job, state, inputs=inputs, outputs=outputs, event_time=finished,
               job_facets=job_facets, run_facets=run_facets,
               error=(res.get("message") or status) if state == "FAIL" else None)
    return w.written[start:]


# ------------------------------------------------------------------------------------------------
# ingest, mart checks, publish


def emit_ingest_events(home, run_id: str, results: Iterable, *,
                       writer: LineageWriter | None = None) -> list[Path]:
    """One run per loaded file (ingest.results.FileResult or dicts with the same fields): input
    the archived file, output raw.<kind> (rows loaded); rejected files as FAIL."""
    from openlineage.client.event_v2 import InputDataset, OutputDataset
    from openlineage.client.facet_v2 import job_type_job, output_statistics_output_dataset

    w = writer or LineageWriter(home, run_id)
    start = len(w.written)
    for r in results:
        get = r.get if isinstance(r, dict) else (lambda k, d=None, _r=r: getattr(_r, k, d))
        status, kind = get("status"), get("kind")
        if status not in ("loaded", "rejected") or not kind:
            continue
        path = get("archived_to") or get("file")
        file_name = Path(str(get("file") or path)).name
        source = InputDataset(namespace="file", name=str(path))
        out = OutputDataset(namespace=warehouse_namespace(home), name=f"raw.{kind}", outputFacets={
            "outputStatistics": output_statistics_output_dataset.OutputStatisticsOutputDatasetFacet(
                rowCount=int(get("rows_loaded", 0) or 0), size=int(get("bytes", 0) or 0) or None)})
        job = f"pbk.ingest.{kind}.{_safe(file_name)}"
        facets = {"jobType": job_type_job.JobTypeJobFacet(processingType="BATCH",
                                                          integration="PBK", jobType="INGEST")}
        w.emit(job, "START", inputs=[source], outputs=[out], job_facets=facets)
        w.emit(job, "COMPLETE" if status == "loaded" else "FAIL", inputs=[source], outputs=[out],
               job_facets=facets, error=get("reason") if status == "rejected" else None)
    return w.written[start:]


def emit_check_events(home, run_id: str, checks: Iterable, *,
                      writer: LineageWriter | None = None) -> list[Path]:
    """The GX mart suites as job `pbk.mart_checks`: each checked mart is an input with a
    dataQualityAssertions facet (rule, column, severity, success). FAIL when an error rule failed."""
    from openlineage.client.event_v2 import InputDataset
    from openlineage.client.facet_v2 import data_quality_assertions_dataset as dqa

    w = writer or LineageWriter(home, run_id)
    by_suite: dict[str, list] = {}
    failed = []
    for c in checks:
        get = c.get if isinstance(c, dict) else (lambda k, d=None, _c=c: getattr(_c, k, d))
        suite = get("suite")
        by_suite.setdefault(suite, []).append(dqa.Assertion(
            assertion=get("rule"), success=bool(get("success")), severity=get("severity"),
            name=get("rule")))
        if get("severity") == "error" and not get("success"):
            failed.append(f"{suite}: {get('rule')}")

    def tables_of(suite: str) -> list[str]:
        # suites are named after the mart they check; mart_rules checks the weight seeds
        if suite == "mart_rules":
            return ["core.rule_nka", "core.rule_sakip_component"]
        return [f"marts.{suite}"]

    inputs = [InputDataset(namespace=warehouse_namespace(home), name=name, inputFacets={
                  "dataQualityAssertions": dqa.DataQualityAssertionsDatasetFacet(assertions=a)})
              for s, a in sorted(by_suite.items()) for name in tables_of(s)]
    start = len(w.written)
    w.emit("pbk.mart_checks", "START", inputs=inputs)
    w.emit("pbk.mart_checks", "FAIL" if failed else "COMPLETE", inputs=inputs,
           error=("blocking rules failed: " + "; ".join(failed)) if failed else None)
    return w.written[start:]


def emit_publish_events(home, run_id: str, result, *, writer: LineageWriter | None = None,
                        started_at=None) -> list[Path]:
    """`pbk.publish`: warehouse core/marts -> published DuckDB tables and Parquet files; ABORT when
    blocked (nothing published)."""
    from openlineage.client.event_v2 import OutputDataset
    from openlineage.client.facet_v2 import output_statistics_output_dataset, storage_dataset

    home = Path(home).resolve()
    w = writer or LineageWriter(home, run_id)
    tables = dict(getattr(result, "tables", {}) or {})
    inputs = sorted(tables)
    outputs = []
    for name, rows in sorted(tables.items()):
        stats = {"outputStatistics": output_statistics_output_dataset.OutputStatisticsOutputDatasetFacet(
            rowCount=rows)}
        outputs.append(OutputDataset(namespace=published_namespace(home), name=name,
                                     outputFacets=stats))
        schema, table = name.split(".", 1)
        outputs.append(OutputDataset(
            namespace="file", name=str(paths(home).published / "parquet" / schema / f"{table}.parquet"),
            facets={"storage": storage_dataset.StorageDatasetFacet(storageLayer="file",
                                                                   fileFormat="parquet")},
            outputFacets=stats))
    start = len(w.written)
    w.emit("pbk.publish", "START", inputs=inputs, event_time=started_at)
    if getattr(result, "published", False):
        w.emit("pbk.publish", "COMPLETE", inputs=inputs, outputs=outputs)
    else:
        w.emit("pbk.publish", "ABORT", error=getattr(result, "reason", None) or "not published")
    return w.written[start:]


def checks_from_dq_results(home, run_id: str) -> list[dict]:
    """The mart check results of run `run_id` from ops.dq_results (for emit_check_events when the
    checks ran as Dagster asset checks). Opens the warehouse read-only; [] when unavailable."""
    import duckdb

    con = duckdb.connect(":memory:")
    try:
        con.execute(f"ATTACH {sql_literal(paths(home).warehouse)} AS wh (READ_ONLY)")
        rows = con.execute("SELECT suite, rule, severity, success, unexpected_count, message "
                           "FROM wh.ops.dq_results WHERE run_id = ? ORDER BY suite, rule",
                           [run_id]).fetchall()
    except duckdb.Error:
        return []
    finally:
        con.close()
    keys = ("suite", "rule", "severity", "success", "unexpected_count", "message")
    return [dict(zip(keys, r)) for r in rows]


def emit_pipeline_events(home, run_id: str, *, ingest_results=None,
                         checks=None, publish_result=None, started_at=None,
                         error: str | None = None, include_dbt: bool = True,
                         dbt_target: Path | None = None) -> list[Path]:
    """Everything of one nightly run after the fact: `pbk.nightly` START, the ingest runs, the dbt
    models of the last build, the mart checks, the publish, then `pbk.nightly` COMPLETE (or FAIL
    when a blocking check failed, nothing was published or `error` is given).

    ingest_results: FileResults; checks: objects or dicts with suite, rule, severity, success
    (the Dagster job passes checks_from_dq_results(home, run_id)). Returns the event files
    written."""
    w = LineageWriter(home, run_id)
    w.emit(NIGHTLY_JOB, "START", event_time=started_at, parent=False)
    if ingest_results:
        emit_ingest_events(home, run_id, ingest_results, writer=w)
    if include_dbt:
        emit_dbt_events(home, run_id, target_dir=dbt_target, writer=w)
    if checks:
        emit_check_events(home, run_id, checks, writer=w)
    if publish_result is not None:
        emit_publish_events(home, run_id, publish_result, writer=w)
    blocked = [c for c in checks or []
               if (c.get("severity") if isinstance(c, dict) else getattr(c, "severity", None)) == "error"
               and not (c.get("success") if isinstance(c, dict) else getattr(c, "success", True))]
    unpublished = publish_result is not None and not getattr(publish_result, "published", False)
    failed = error or (blocked and f"{len(blocked)} blocking mart check(s) failed") or \
        (unpublished and (getattr(publish_result, "reason", None) or "not published"))
    w.emit(NIGHTLY_JOB, "FAIL" if failed else "COMPLETE", parent=False,
           error=failed if failed else None)
    return list(w.written)
