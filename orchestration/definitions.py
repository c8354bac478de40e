"""The one Definitions object of pbk-warehouse: landing -> raw.* -> staging -> core -> marts ->
data-quality report, with dbt tests and GX suites as asset checks, the nightly schedule, the
landing sensor, and the in-process executor (DuckDB takes one writer: steps of a run never write
in parallel; runs are serialised by the instance's run queue and the warehouse lock).

`build_definitions(home)` builds it for a PBK_HOME (default: the PBK_HOME environment variable, else
.pbk/ in the working directory); `orchestration.defs` is what `dagster dev -m orchestration` loads.
"""
from collections.abc import Mapping, Sequence
from pathlib import Path

from dagster import AssetKey, AssetSelection, Definitions, in_process_executor
from dagster._core.definitions.assets.graph.asset_graph import AssetGraph

from ingest.contracts import KINDS
from base.settings import Paths, paths

from .serving import make_published
from .automation import make_jobs, make_landing_sensor, make_schedule
from .dbt_models import (dbt_cli, dbt_environment, dbt_project_for, make_dbt_assets,
                         prepare_manifest)
from .engines import default_engine
from .ingest_assets import ingest_key, make_ingest_assets, ops_table_assets
from .instance import ensure_instance
from .quality import make_dq_report, make_mart_checks
from .resources import WarehouseResource

_CACHE: dict[Path, Definitions] = {}


def build_definitions(home: str | Path | None = None) -> Definitions:
    p = paths(home)
    if p.home in _CACHE:
        return _CACHE[p.home]
    p.ensure()
    ensure_instance(p)
    dbt_environment(p)
    project = dbt_project_for(p)
    manifest = prepare_manifest(p, project)
    assets = [make_ingest_assets(), *ops_table_assets(), make_dbt_assets(p, project, manifest),
              make_dq_report(), make_published()]
    checks = [make_mart_checks()]
    nightly, ingest_and_build = make_jobs()
    downstream = downstream_by_kind(assets, checks)
    defs = Definitions(
        assets=assets,
        asset_checks=checks,
        jobs=[nightly, ingest_and_build],
        schedules=[make_schedule(nightly, p, downstream)],
        sensors=[make_landing_sensor(p, ingest_and_build, downstream)],
        resources={"warehouse": WarehouseResource(home=str(p.home), engine=default_engine()),
                   "dbt": dbt_cli(project)},
        executor=in_process_executor,
    )
    _CACHE[p.home] = defs
    return defs


def downstream_by_kind(assets, checks) -> Mapping[str, Sequence[AssetKey]]:
    """kind -> its ingest asset and every asset downstream of it (what a new file can change)."""
    graph = AssetGraph.from_assets([*assets, *checks])
    return {kind: sorted(AssetSelection.assets(ingest_key(kind)).downstream().resolve(graph),
                         key=lambda k: k.path)
            for kind in KINDS}


def home_of(defs: Definitions) -> Paths:
    return paths(defs.resources["warehouse"].home)
