"""Data quality after dbt: the GX mart suites as asset checks, and the data-quality report asset.

Every mart rule of the catalogue (base/rule_catalogue.py; decided in expectations/marts.py) is one
asset check on the mart it validates (the rule-seed weights check sits on core/rule_nka and reads
core/rule_sakip_component too). Rules of severity ``error`` are blocking: when one fails, nothing
downstream of that mart runs in that run (the data-quality report now, publishing once it exists),
the run fails and names the rule. ``warn`` rules are reported and do not block. Results also land
in ops.dq_results under the Dagster run id, as `pbk dq` and `pbk status` read them.
"""
from dagster import (AssetCheckResult, AssetCheckSeverity, AssetCheckSpec, AssetExecutionContext,
                     AssetKey, MaterializeResult, MetadataValue, asset, multi_asset_check)

from expectations.config import load as load_dq_config
from expectations.marts import mart_suites
from ingest.contracts import KINDS
from ingest.raw_tables import connect
from base import progress
from base.settings import Paths

from .instance import WAREHOUSE_POOL
from .resources import WarehouseResource

MART_CHECK_OP_NAME = "gx_mart_suites"
DQ_REPORT_KEY = AssetKey(["quality", "dq_report"])
RULE_SEEDS = (AssetKey(["core", "rule_nka"]), AssetKey(["core", "rule_sakip_component"]))


def mart_key(suite: str) -> AssetKey:
    return AssetKey(["marts", suite])


def mart_check_specs() -> dict[str, tuple[str, AssetCheckSpec]]:
    """rule label -> (suite, check spec)."""
    out = {}
    for suite, (_, rules) in mart_suites(load_dq_config(), with_expectations=False).items():
        if suite == "mart_rules":
            asset, extra = RULE_SEEDS[0], list(RULE_SEEDS[1:])
        else:
            asset, extra = mart_key(suite), []
        for rule in rules:
            name = "gx_" + rule.label.split(".", 1)[-1]
            out[rule.label] = (suite, AssetCheckSpec(
                name, asset=asset, additional_deps=extra, blocking=rule.severity == "error",
                description=f"GX {rule.severity} rule {rule.label}: {rule.message}"
                            + (" (blocks what is downstream)" if rule.severity == "error" else ""),
                metadata={"rule": rule.label, "severity": rule.severity, "suite": suite}))
    return out


def mart_keys() -> list[AssetKey]:
    return [mart_key(s) for s in mart_suites(load_dq_config(), with_expectations=False)
            if s != "mart_rules"]


def make_mart_checks():
    by_label = mart_check_specs()

    @multi_asset_check(specs=[spec for _, spec in by_label.values()], name=MART_CHECK_OP_NAME,
                       can_subset=True, pool=WAREHOUSE_POOL,
                       description="GX suites on the marts (expectations/marts.py)")
    def gx_mart_suites(context, warehouse: WarehouseResource):
        from expectations.gx_context import DQContext, refresh_data_docs
        from expectations.marts import validate_marts

        p = warehouse.paths
        selected = context.selected_asset_check_keys
        suites = sorted({suite for suite, spec in by_label.values() if spec.key in selected})
        con = connect(p)
        try:
            progress.report("mart checks (GX)", f"{len(suites)} suites on the marts")
            dq = DQContext(p.docs)
            results = validate_marts(con, dq, context.run.run_id, suites=suites)
            failing = sum(1 for _, r in results if not r.success)
            progress.finished("mart checks (GX)", f"{len(results)} rules, {failing} failing")
            blocked = False
            for suite, r in results:
                _, spec = by_label[r.label]
                if spec.key not in selected:
                    continue
                blocked |= spec.blocking and not r.success
                yield AssetCheckResult(
                    asset_key=spec.asset_key, check_name=spec.name, passed=r.success,
                    severity=(AssetCheckSeverity.ERROR if r.severity == "error"
                              else AssetCheckSeverity.WARN),
                    description=None if r.success else
                    f"{r.unexpected_count:,} failing row(s): {r.message}",
                    metadata={"rule": r.label, "severity": r.severity,
                              "unexpected_count": r.unexpected_count,
                              "sample": MetadataValue.json(r.sample)})
            if blocked:
                # the report asset will not run: document the failure now
                refresh_data_docs(con, p.docs, dq)
        finally:
            con.close()

    return gx_mart_suites


def make_dq_report():
    deps = [AssetKey(["raw", k]) for k in KINDS] + mart_keys()

    @asset(key=DQ_REPORT_KEY, deps=deps, group_name="quality", pool=WAREHOUSE_POOL,
           kinds={"great_expectations", "html"},
           description="The data-quality report: GX Data Docs and the offline front page "
                       "$PBK_HOME/docs/dq/index.html (failing rules, quarantined rows, rejected "
                       "files) rebuilt from ops.dq_results, ops.quarantine and ops.load_log once "
                       "the batches are loaded and the marts have passed their blocking checks.")
    def dq_report(context: AssetExecutionContext, warehouse: WarehouseResource):
        from expectations.gx_context import refresh_data_docs

        p: Paths = warehouse.paths
        con = connect(p)
        try:
            progress.report("data-quality pages", "rendering the GX pages and the front page")
            index = refresh_data_docs(con, p.docs)
            progress.finished("data-quality pages", str(index))
            mart_rules = con.execute(
                "SELECT count(*), count(*) FILTER (WHERE NOT success), "
                "list(rule ORDER BY rule) FILTER (WHERE NOT success) "
                "FROM ops.dq_results WHERE run_id = ?", [context.run.run_id]).fetchone()
            quarantined = con.execute("SELECT count(*) FROM ops.quarantine").fetchone()[0]
        finally:
            con.close()
        return MaterializeResult(metadata={
            "front_page": MetadataValue.path(str(index)),
            "data_docs": MetadataValue.path(str(index)),   # GX's pages lead to the front page
            "mart_rules_checked": int(mart_rules[0] or 0),
            "mart_rules_failing_warn": MetadataValue.json(mart_rules[2] or []),
            "quarantined_rows_total": int(quarantined),
        })

    return dq_report
