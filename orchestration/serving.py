"""The publish asset: after every mart and every blocking check, core and marts published for BI
tools ($PBK_HOME/published: Parquet + a DuckDB file, swapped in atomically; unchanged tables shared
with the previous version), the dbt docs site, and the run's OpenLineage events."""

from dagster import (AssetExecutionContext, AssetKey, Failure, MaterializeResult, MetadataValue,
                     asset)

from base import progress
from ingest.contracts import KINDS

from .ingest_assets import file_results_from_metadata, ingest_key
from .instance import WAREHOUSE_POOL
from .quality import DQ_REPORT_KEY, RULE_SEEDS, mart_keys
from .resources import WarehouseResource

PUBLISHED_KEY = AssetKey(["published", "pbk"])


def make_published():
    @asset(key=PUBLISHED_KEY, deps=[*mart_keys(), *RULE_SEEDS, DQ_REPORT_KEY],
           group_name="serving", pool=WAREHOUSE_POOL, kinds={"duckdb", "parquet"},
           description="core and marts published read-only in $PBK_HOME/published (Parquet "
                       "files + pbk.duckdb, DuckDB storage v1.0.0), swapped in atomically once "
                       "every blocking check passed; a table unchanged since the previous version "
                       "is shared, not written again. Also refreshes the dbt docs site and writes "
                       "OpenLineage events.")
    def published(context: AssetExecutionContext, warehouse: WarehouseResource):
        from serving.dbt_docs import generate_docs
        from serving.lineage import checks_from_dq_results, emit_pipeline_events
        from serving.publish import publish
        from serving.source_freshness import check_freshness

        p = warehouse.paths
        home = p.home
        run_id = context.run.run_id
        # gated on this run's mart checks (recorded under the Dagster run id) and on this run's
        # dbt build (its results are in the job's dbt target)
        dbt_target = p.dbt_target
        progress.report("publish", "writing the changed tables (Parquet) and pbk.duckdb")
        result = publish(home, run_id=run_id, dbt_target=dbt_target)
        progress.finished("publish", f"version {result.version} in {result.path}"
                          if result.published else f"NOT published: {result.reason}")
        checks = checks_from_dq_results(home, run_id)
        files = files_loaded_in_run(context)
        if not result.published:
            emit_pipeline_events(home, run_id, ingest_results=files, checks=checks,
                                 publish_result=result, dbt_target=dbt_target,
                                 error=result.reason)
            raise Failure(description=result.reason, allow_retries=False)
        progress.report("source freshness", "dbt source freshness of the raw extracts")
        freshness = check_freshness(p)
        progress.finished("source freshness", ", ".join(
            f"{r['source']} {r['status']}" for r in freshness if r["status"] != "pass")
            or f"{len(freshness)} sources fresh")
        progress.report("dbt docs", "generating the offline dbt docs site")
        docs = generate_docs(p)
        events = emit_pipeline_events(home, run_id, ingest_results=files, checks=checks,
                                      publish_result=result, dbt_target=dbt_target)
        return MaterializeResult(metadata={
            "version": result.version, "path": MetadataValue.path(str(result.path)),
            "tables": MetadataValue.json(result.tables),
            "tables_shared_with_previous": len(result.shared_tables),
            "dbt_docs": MetadataValue.path(str(docs)),
            "source_freshness": MetadataValue.json({r["source"]: r["status"] for r in freshness}),
            "lineage_events": len(events)})

    return published


def files_loaded_in_run(context) -> list:
    """The FileResults of this run's ingest assets (their `files` metadata), for the lineage."""
    out = []
    for kind in KINDS:
        event = context.instance.get_latest_materialization_event(ingest_key(kind))
        if event is None or event.run_id != context.run.run_id:
            continue
        files = event.asset_materialization.metadata.get("files")
        if files is not None:
            out += file_results_from_metadata(files.value)
    return out
