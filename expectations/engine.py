"""Runs the GX suites: the file context, the batch validation used by the loader, and the verdicts.

GX validates pandas frames (its SQL path to DuckDB does not work here). Frames stay small: extract
rules see the distinct key combinations of the batch (see rules.py), handed to GX in chunks of
`chunk_rows`; chunk results are merged into one verdict per rule.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import logging
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import great_expectations as gx  # noqa: E402

from .config import DQConfig, load as load_config  # noqa: E402
from .rules import Rule, extract_rules  # noqa: E402
from .schema import DQ_RESULTS_DDL  # noqa: E402

CONFIG_DIR = Path(__file__).resolve().parent / "gx"
REPO = Path(__file__).resolve().parents[1]
SAKIP_WEIGHT_SEEDS = (REPO / "dbt_project" / "seeds" / "rules" / "rule_sakip_component.csv",
                      REPO / "dbt_project" / "seeds" / "rules" / "rule_sakip_subcomponent.csv")
log = logging.getLogger(__name__)
DATASOURCE = "pbk"
FRAME_ASSET = "frames"          # declared in gx/great_expectations.yml
FRAME_BATCH = "whole_frame"
SAMPLE_SIZE = 5
# stored results: counts and up to 20 example values per expectation, which Data Docs show
RESULT_FORMAT = {"result_format": "BASIC"}


ESCAPED_MARK = "pbk_values_html_escaped"


def html_escaped(value):
    """Every string inside value (dicts, lists) HTML-escaped, for a page that does not escape."""
    if isinstance(value, str):
        return html.escape(value)
    if isinstance(value, list):
        return [html_escaped(v) for v in value]
    if isinstance(value, dict):
        return {k: html_escaped(v) for k, v in value.items()}
    return value


def suite_fingerprint(expectations: list) -> str:
    """A digest of the expectations (type, kwargs, meta), to tell whether the stored suite is
    still the one the code defines."""
    doc = [{"type": e.expectation_type, "kwargs": e.configuration.kwargs, "meta": e.meta}
           for e in expectations]
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()[:16]


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class DQContext:
    """The GX file context under $PBK_HOME/docs/dq/gx, configured from the committed file.

    The committed file declares the pandas datasource and the one dataframe asset every suite
    validates (the frames differ per suite, the asset does not), so a run never rewrites it and
    opening the context stays cheap. Each suite has a stored validation definition (no checkpoints:
    they would add no actions, Data Docs are rendered once per run, and a checkpoint run checks
    every stored object again). Suites and validation definitions are stored once and again only
    when the suite's expectations change (a fingerprint in the suite's meta).
    """

    def __init__(self, docs_dir: Path):
        self.root = docs_dir / "dq"
        gx_dir = self.root / "gx"
        gx_dir.mkdir(parents=True, exist_ok=True)
        committed = CONFIG_DIR / "great_expectations.yml"
        target = gx_dir / "great_expectations.yml"
        if not target.exists() or target.read_bytes() != committed.read_bytes():
            shutil.copyfile(committed, target)
        self.context = gx.get_context(mode="file", project_root_dir=str(self.root))
        self.batch_definition = (self.context.data_sources.get(DATASOURCE).get_asset(FRAME_ASSET)
                                 .get_batch_definition(FRAME_BATCH))
        self._validations: dict[str, tuple] = {}

    @property
    def site_index(self) -> Path:
        """The Data Docs entry point: the offline front page (expectations/offline_index.py)."""
        return self.root / "index.html"

    def validation(self, suite_name: str, expectations: list) -> tuple:
        """(validation definition, suite) validating these expectations on a whole frame."""
        if suite_name not in self._validations:
            fingerprint = suite_fingerprint(expectations)
            self._validations[suite_name] = (self._stored(suite_name, fingerprint)
                                             or self._store(suite_name, expectations, fingerprint))
        return self._validations[suite_name]

    def _store(self, suite_name: str, expectations: list, fingerprint: str) -> tuple:
        """Plain adds on a new home (a third of the cost of add_or_update, which reads back and
        compares); add_or_update when an older version is stored."""
        def new_suite():    # copies: an expectation belongs to one stored suite only
            return gx.ExpectationSuite(
                name=suite_name, expectations=[e.copy(update={"id": None}) for e in expectations],
                meta={"fingerprint": fingerprint})

        def new_validation(suite):
            return gx.ValidationDefinition(name=suite_name, data=self.batch_definition,
                                           suite=suite)

        try:
            suite = self.context.suites.add(new_suite())
            return self.context.validation_definitions.add(new_validation(suite)), suite
        except gx.exceptions.DataContextError:
            pass    # an older version (or one left by an interrupted run) is stored: update it
        suite = self.context.suites.add_or_update(new_suite())
        return self.context.validation_definitions.add_or_update(new_validation(suite)), suite

    def _stored(self, suite_name: str, fingerprint: str) -> tuple | None:
        """The stored validation definition and suite when they already validate exactly these
        expectations on the frame asset, else None."""
        try:
            vd = self.context.validation_definitions.get(suite_name)
        except gx.exceptions.DataContextError:
            return None     # not stored yet
        except Exception as exc:  # noqa: BLE001 - any unreadable file: rebuilt from the code
            # a file cut short by a crash while GX wrote it, or one naming an asset of an older
            # configuration: both files are generated from expectations/*.py, so they are removed
            # and stored again
            log.warning("GX definition of suite %s cannot be read with this configuration (%s); "
                        "storing it again", suite_name,
                        str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            for store in ("validation_definitions", "expectations"):
                (self.root / "gx" / store / f"{suite_name}.json").unlink(missing_ok=True)
            return None
        if (vd.suite.meta.get("fingerprint") != fingerprint or vd.suite.name != suite_name
                or vd.data.id != self.batch_definition.id):
            return None
        return vd, vd.suite

    def _escape_sampled_values(self, keys) -> None:
        """GX renders the values it samples from a frame (unexpected values, observed values) into
        its pages without HTML escaping: a cell `<script>...` in an extract would run in an
        auditor's browser. The stored results of the pages about to be rendered get their values
        escaped first (once: a marker in the result's meta); the values themselves stay exact in
        ops.quarantine and ops.dq_results."""
        store = self.context.validation_results_store
        for key in keys:
            if not hasattr(key, "batch_identifier"):   # an expectation suite page: our own text
                continue
            result = store.get(key)
            if result.meta.get(ESCAPED_MARK):
                continue
            for r in result.results:
                r.result = html_escaped(r.result)
            result.meta[ESCAPED_MARK] = True
            store.set(key, result)

    def build_docs(self) -> list:
        """Render the Data Docs pages that are missing or stale: validation results without a page,
        suites stored since their page was rendered. A full rebuild re-renders every result ever
        stored and grows with each night (7.6 s after 30 nights of the sample, against 0.5 s for
        one); GX's own site index is not rebuilt for the same reason (it reads every result, and
        offline its table is empty anyway: it loads scripts from CDNs). `site/index.html` points to
        the offline front page instead. Returns the identifiers rendered."""
        site = self.root / "site"
        gx_dir = self.root / "gx"
        resources = []
        for key in self.context.validation_results_store.list_keys():
            *dirs, name = key.to_tuple()
            if not site.joinpath("validations", *dirs, f"{name}.html").exists():
                resources.append(key)
        for key in self.context.expectations_store.list_keys():
            name = key.to_tuple()[0]
            page = site / "expectations" / f"{name}.html"
            stored = gx_dir / "expectations" / f"{name}.json"
            if not page.exists() or (stored.exists()
                                     and page.stat().st_mtime_ns < stored.stat().st_mtime_ns):
                resources.append(key)
        if resources:
            self._escape_sampled_values(resources)
            self.context.build_data_docs(resource_identifiers=resources, build_index=False)
        site.mkdir(parents=True, exist_ok=True)
        redirect = site / "index.html"
        if not redirect.exists() or "pbk-front-page" not in redirect.read_text(errors="replace"):
            redirect.write_text(
                "<!doctype html><html><head><meta charset='utf-8'><meta name='pbk-front-page'>"
                "<meta http-equiv='refresh' content='0; url=../index.html'>"
                "<title>pbk data quality</title></head><body><p>The data-quality front page is "
                "<a href='../index.html'>../index.html</a>: every validation, newest first, linked "
                "to its page here.</p></body></html>", encoding="utf-8")
        return resources


@dataclass
class RuleResult:
    rule: Rule | None
    label: str
    severity: str
    column: str
    success: bool
    unexpected_count: int          # rows of the batch (or units, for per-unit rules)
    sample: list
    message: str


@dataclass
class BatchVerdict:
    results: list[RuleResult] = field(default_factory=list)
    failed_pids: dict[str, list[int]] = field(default_factory=dict)

    @property
    def rejecting(self) -> list[RuleResult]:
        return [r for r in self.results if r.severity == "reject" and not r.success]


def _validate_frame(dq: DQContext, suite_name: str, expectations: dict[str, object], frame_sql,
                    con, run_name: str, chunk_rows: int) -> dict[str, dict]:
    """Validate a DuckDB query result with GX in chunks; merge per expectation label:
    {label: {success, unexpected_pids}}. Failing expectations are re-run with the COMPLETE result
    format on their chunk to get the failing rows' __pid (SUMMARY keeps the stored results small)."""
    vd, suite = dq.validation(suite_name, list(expectations.values()))
    by_label = {label: {"success": True, "pids": []} for label in expectations}
    total = con.execute(f"SELECT count(*) FROM ({frame_sql})").fetchone()[0]
    for offset in range(0, max(total, 1), chunk_rows):
        df = con.execute(f"SELECT * FROM ({frame_sql}) WHERE __pid > {offset} AND "
                         f"__pid <= {offset + chunk_rows} ORDER BY __pid").df()
        result = vd.run(batch_parameters={"dataframe": df}, result_format=RESULT_FORMAT,
                        run_id=gx.RunIdentifier(run_name=run_name))
        failed = []
        for r in result.results:
            label = r.expectation_config.meta["label"]
            if not r.success:
                by_label[label]["success"] = False
                failed.append(label)
        if failed:
            batch = dq.batch_definition.get_batch(batch_parameters={"dataframe": df})
            rerun = gx.ExpectationSuite(name=f"{suite_name}_failed", expectations=[
                expectations[label].copy(update={"id": None}) for label in failed])
            detail = batch.validate(rerun, result_format={
                "result_format": "COMPLETE", "unexpected_index_column_names": ["__pid"],
                "return_unexpected_index_query": False})
            for r in detail.results:
                label = r.expectation_config.meta["label"]
                by_label[label]["pids"] += [int(i["__pid"]) for i in r.result.get(
                    "unexpected_index_list") or []]
    return by_label


def _expectation(rule_label: str, severity: str, message: str, built) -> object:
    built.meta = {"label": rule_label, "severity": severity, "message": message}
    return built


def validate_batch(con, dq: DQContext, kind: str, table: str, accepted: str, load_id: str,
                   cfg: DQConfig | None = None) -> tuple[BatchVerdict, str]:
    """Row rules on a parsed batch (temp table `table`, rows passing `accepted`). Creates temp
    table __dqfail(_source_row, rule, field, value, reason) with the rows quarantine rules send to
    ops.quarantine. Batch rules follow, on what is left: see batch_rules()."""
    cfg = cfg or load_config()
    rules = extract_rules(kind, cfg)
    if kind == "sakip_evaluation":
        _load_sakip_weights(con)
    for statement in dict.fromkeys(sql for rule in rules for sql in rule.prepare):
        con.execute(statement)
    # one projection per distinct key tuple, computed in one scan with GROUPING SETS
    key_exprs: list[str] = []
    for rule in rules:
        for k in rule.keys:
            if k not in key_exprs:
                key_exprs.append(k)
    alias = {k: f"k{i}" for i, k in enumerate(key_exprs)}
    projections: list[tuple[str, ...]] = []
    for rule in rules:
        if rule.keys not in projections:
            projections.append(rule.keys)
    # GROUPING_ID bit i (from the left, highest first) is 1 when key i is NOT in the set
    n = len(key_exprs)

    def mask(keys):
        return sum(1 << (n - 1 - key_exprs.index(k)) for k in key_exprs if k not in keys)

    frame_cols, expectations, rule_cols = [], {}, {}
    for rule in rules:
        p = projections.index(rule.keys)
        m = mask(rule.keys)
        cols = {}
        for j, k in enumerate(rule.keys):
            name = f"p{p}_k{j}"
            cols[f"k{j}"] = name
            expr = f"CASE WHEN __gid = {m} THEN {alias[k]} END AS {name}"
            if expr not in frame_cols:
                frame_cols.append(expr)
        fmt = {f"k{j}": alias[k] for j, k in enumerate(rule.keys)}
        for check, sql in rule.checks.items():
            name = f"{rule.label}__{check}"
            cols[check] = name
            frame_cols.append(f"CASE WHEN __gid = {m} THEN {sql.format(**fmt)} END AS {name}")
        rule_cols[rule.label] = (p, m)
        expectations[rule.label] = _expectation(rule.label, rule.severity, rule.message,
                                                rule.build(cols))
    sets = ", ".join("(" + ", ".join(alias[k] for k in keys) + ")" for keys in projections)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE __dqframe AS SELECT row_number() OVER () AS __pid, * FROM ("
        f"SELECT __gid, __rows, {', '.join(frame_cols)} FROM ("
        f"SELECT {', '.join(alias.values())}, GROUPING_ID({', '.join(alias.values())}) AS __gid, "
        f"count(*) AS __rows FROM (SELECT {', '.join(f'{k} AS {alias[k]}' for k in key_exprs)} "
        f"FROM {table} WHERE {accepted}) GROUP BY GROUPING SETS ({sets})))")
    outcome = _validate_frame(dq, f"extract_{kind}", expectations, "SELECT * FROM __dqframe", con,
                              load_id, cfg.chunk_rows)
    verdict = BatchVerdict()
    con.execute("CREATE OR REPLACE TEMP TABLE __dqfail (_source_row BIGINT, rule VARCHAR, "
                "field VARCHAR, value VARCHAR, reason VARCHAR)")
    for rule in rules:
        pids = outcome[rule.label]["pids"]
        verdict.failed_pids[rule.label] = pids
        rows, sample = 0, []
        if pids:
            p, m = rule_cols[rule.label]
            pid_list = ", ".join(map(str, pids))
            rows = con.execute(f"SELECT coalesce(sum(__rows), 0) FROM __dqframe WHERE __pid IN ({pid_list})"
                               ).fetchone()[0]
            key_cols = [f"p{p}_k{j}" for j in range(len(rule.keys))]
            sample = [list(r) if len(r) > 1 else r[0] for r in con.execute(
                f"SELECT {', '.join(key_cols)} FROM __dqframe WHERE __pid IN ({pid_list}) "
                f"ORDER BY __rows DESC, __pid LIMIT {SAMPLE_SIZE}").fetchall()]
            if rule.severity == "quarantine":
                join = " AND ".join(f"({k}) IS NOT DISTINCT FROM f.{c}"
                                    for k, c in zip(rule.keys, key_cols))
                reason = f"{rule.message}; expected {rule.expected}"
                con.execute(
                    f"INSERT INTO __dqfail SELECT t._source_row, ?, ?, CAST(t.\"{rule.field}\" AS "
                    f"VARCHAR), ? FROM {table} t JOIN (SELECT * FROM __dqframe WHERE __pid IN "
                    f"({pid_list})) f ON {join} WHERE {accepted}",
                    [rule.label, rule.field, reason])
        verdict.results.append(RuleResult(rule, rule.label, rule.severity, rule.field,
                                          outcome[rule.label]["success"], int(rows),
                                          _jsonable(sample), rule.message))
    return verdict, f"extract_{kind}"


def _jsonable(values):
    return json.loads(json.dumps(values, default=str))


def _load_sakip_weights(con) -> None:
    """Item weights from the dbt rule seeds: the one source of the regulation's numbers."""
    comp, sub = (str(p) for p in SAKIP_WEIGHT_SEEDS)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE __sakip_weights AS "
        f"SELECT regulation, component_code, NULL::VARCHAR AS sub_component_code, weight::DOUBLE AS w "
        f"FROM read_csv('{comp}', header = true, all_varchar = true) UNION ALL "
        f"SELECT regulation, component_code, sub_component_code, weight::DOUBLE "
        f"FROM read_csv('{sub}', header = true, all_varchar = true)")


def _batch_rules(con, kind, table, accepted, rows_read, scope, cfg) -> tuple[dict, str, dict]:
    """Batch-to-batch rules, as extra rows of the same frame (their own columns). Returns the
    expectations, the frame SQL and, per label, the message naming this batch's figures (the stored
    suite's meta stays the same from batch to batch)."""
    E = gx.expectations
    expectations, selects, batch_messages = {}, [], {}
    previous = con.execute(
        "SELECT rows_read FROM ops.load_log WHERE kind = ? AND scope = ? AND status = 'loaded' "
        "ORDER BY finished_at DESC LIMIT 1", [kind, scope]).fetchone()
    prev_rows = previous[0] if previous else None
    selects.append(f"SELECT {rows_read}::BIGINT AS b_rows_read, {prev_rows if prev_rows else 'NULL'}"
                   f"::BIGINT AS b_previous_rows, "
                   + (f"1 - {rows_read} / {prev_rows}::DOUBLE" if prev_rows else "NULL::DOUBLE")
                   + " AS b_row_drop_share")
    exp = E.ExpectColumnValuesToBeBetween(column="b_row_drop_share", max_value=cfg.max_row_count_drop)
    exp.meta = {"label": "row_count_drop", "severity": "warn", "column": "rows_read",
                "message": f"batch has over {cfg.max_row_count_drop:.0%} fewer rows than the "
                           f"previous batch of {kind} for the same fiscal year(s)",
                "report_columns": ["b_rows_read", "b_previous_rows"]}
    batch_messages["row_count_drop"] = (f"batch has over {cfg.max_row_count_drop:.0%} fewer rows than the "
                         f"previous batch of {kind} for fiscal year(s) {scope}")
    expectations["row_count_drop"] = exp
    if kind == "realization":
        # earlier loads matter only when raw holds realization of these units already
        has_earlier = con.execute(
            f"SELECT EXISTS (SELECT 1 FROM raw.realization r SEMI JOIN (SELECT DISTINCT fiscal_year,"
            f" work_unit_code FROM {table} WHERE {accepted}) USING (fiscal_year, work_unit_code))"
        ).fetchone()[0]
        selects.append(_over_pagu_sql(table, accepted, cfg, has_earlier))
        exp = E.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="u_pagu_limit", column_B="u_realized", or_equal=True,
            ignore_row_if="either_value_is_missing")
        exp.meta = {"label": "realization_within_pagu", "severity": "warn",
                    "column": "work_unit_code",
                    "message": "cumulative realization of a work unit passes its current pagu"
                               + (f" by more than {cfg.realization_over_pagu_tolerance:.0%}"
                                  if cfg.realization_over_pagu_tolerance else ""),
                    "report_columns": ["u_fiscal_year", "u_work_unit_code", "u_realized", "u_pagu"]}
        expectations["realization_within_pagu"] = exp
    return (expectations, " UNION ALL BY NAME ".join(f"(SELECT * FROM ({q}))" for q in selects),
            batch_messages)


def _over_pagu_sql(table, accepted, cfg, has_earlier: bool) -> str:
    """Per unit and fiscal year: realization (this batch + earlier loads, latest per natural key,
    lines the batch restates excluded) against the current pagu (the unit's highest revision,
    latest load per line). Line-level deduplication runs only for revisions loaded more than once:
    grouping half a million budget lines by their eight key columns was most of this rule's cost."""
    key = "fiscal_year, work_unit_code, document_no, output_code, account_code"
    budget_key = ("fiscal_year, work_unit_code, program_code, activity_code, output_code, "
                  "account_code, funding_source, revision_no")
    latest = "ORDER BY _ingested_at DESC, _load_id DESC, _source_row DESC"
    earlier = (f"""
            SELECT fiscal_year, work_unit_code, sum(amount) AS amount FROM (
                SELECT * FROM raw.realization SEMI JOIN batch USING (fiscal_year, work_unit_code)
                QUALIFY row_number() OVER (PARTITION BY {key} {latest}) = 1) r
            ANTI JOIN (SELECT {key} FROM {table} WHERE {accepted}) USING ({key})
            GROUP BY ALL""" if has_earlier else
               "SELECT NULL::INTEGER AS fiscal_year, NULL::VARCHAR AS work_unit_code, "
               "NULL::DECIMAL(38,2) AS amount WHERE false")
    return f"""
        WITH batch AS MATERIALIZED (
            SELECT fiscal_year, work_unit_code, sum(amount) AS amount FROM {table}
            WHERE {accepted} GROUP BY ALL),
        earlier AS ({earlier}),
        per_load AS (  -- pagu per unit, revision and load: few groups, one cheap pass
            SELECT fiscal_year, work_unit_code, revision_no, _load_id, sum(amount) AS amount
            FROM raw.budget SEMI JOIN batch USING (fiscal_year, work_unit_code) GROUP BY ALL),
        resent AS (  -- revisions sent in more than one load: lines may replace earlier ones
            SELECT fiscal_year, work_unit_code, revision_no FROM per_load GROUP BY ALL
            HAVING count(*) > 1),
        resent_lines AS (  -- for those only, the latest load of each budget line
            SELECT {budget_key}, arg_max(amount, (_ingested_at, _load_id, _source_row)) AS amount
            FROM raw.budget SEMI JOIN resent USING (fiscal_year, work_unit_code, revision_no)
            GROUP BY ALL),
        revisions AS (  -- a line appears once per load (in-file duplicates are quarantined)
            SELECT fiscal_year, work_unit_code, revision_no, sum(amount) AS pagu FROM (
                SELECT fiscal_year, work_unit_code, revision_no, amount FROM per_load
                ANTI JOIN resent USING (fiscal_year, work_unit_code, revision_no)
                UNION ALL
                SELECT fiscal_year, work_unit_code, revision_no, amount FROM resent_lines)
            GROUP BY ALL),
        current AS (  -- the pagu of the unit's highest revision
            SELECT fiscal_year, work_unit_code, arg_max(pagu, revision_no) AS pagu FROM revisions
            GROUP BY ALL)
        SELECT b.fiscal_year AS u_fiscal_year, b.work_unit_code AS u_work_unit_code,
               (b.amount + coalesce(e.amount, 0))::DOUBLE AS u_realized, c.pagu::DOUBLE AS u_pagu,
               c.pagu::DOUBLE * (1 + {cfg.realization_over_pagu_tolerance}) AS u_pagu_limit
        FROM batch b LEFT JOIN earlier e USING (fiscal_year, work_unit_code)
        LEFT JOIN current c USING (fiscal_year, work_unit_code)"""


def batch_rules(con, dq: DQContext, kind: str, table: str, accepted: str, load_id: str,
                rows_read: int, rows_quarantined: int, scope: str,
                cfg: DQConfig | None = None) -> tuple[list[RuleResult], str]:
    """Batch rules, after the row rules, on the rows that would load (`accepted`): the
    quarantine-share gate (reject), row count against the previous batch (warn), realization
    against pagu per unit (warn). One frame: each rule has its own columns."""
    cfg = cfg or load_config()
    expectations, sql, batch_messages = _batch_rules(con, kind, table, accepted, rows_read, scope,
                                                     cfg)
    share = rows_quarantined / rows_read if rows_read else 0.0
    over_gate = share > cfg.max_quarantine_share and rows_quarantined > cfg.max_quarantine_rows
    exp = gx.expectations.ExpectColumnValuesToBeInSet(column="g_over_both_thresholds",
                                                      value_set=[False])
    gate = (f"more than {cfg.max_quarantine_share:.0%} of its rows and more than "
            f"{cfg.max_quarantine_rows:,} rows")
    exp.meta = {"label": "quarantine_share", "severity": "reject", "column": "*",
                "message": f"the batch lost {gate} to quarantine: something systematic is wrong",
                "report_columns": ["g_rows_quarantined", "g_quarantined_share"]}
    batch_messages["quarantine_share"] = (f"{rows_quarantined:,} of {rows_read:,} rows ({share:.1%}) "
                                          f"quarantined, {gate}: something systematic is wrong")
    expectations["quarantine_share"] = exp
    gate_sql = (f"SELECT {rows_quarantined}::BIGINT AS g_rows_quarantined, "
                f"{share}::DOUBLE AS g_quarantined_share, {over_gate} AS g_over_both_thresholds")
    con.execute(f"CREATE OR REPLACE TEMP TABLE __dqbatch AS SELECT row_number() OVER () AS __pid, "
                f"* FROM ({sql} UNION ALL BY NAME ({gate_sql}))")
    suite = f"batch_{kind}"
    outcome = _validate_frame(dq, suite, expectations, "SELECT * FROM __dqbatch", con, load_id,
                              cfg.chunk_rows)
    results = []
    for label, exp in expectations.items():
        pids = outcome[label]["pids"]
        sample = []
        if pids:
            cols = exp.meta["report_columns"]
            sample = [list(r) for r in con.execute(
                f"SELECT {', '.join(cols)} FROM __dqbatch WHERE __pid IN "
                f"({', '.join(map(str, pids))}) ORDER BY {', '.join(cols)} LIMIT {SAMPLE_SIZE}"
            ).fetchall()]
        failing = len(pids) if label != "quarantine_share" else rows_quarantined
        results.append(RuleResult(None, label, exp.meta["severity"], exp.meta["column"],
                                  outcome[label]["success"],
                                  0 if outcome[label]["success"] else failing,
                                  _jsonable(sample),
                                  batch_messages.get(label, exp.meta["message"])))
    return results, suite


def record_results(con, load_id: str | None, run_id: str | None, suite: str,
                   results: list[RuleResult], source_file: str | None) -> None:
    con.execute(DQ_RESULTS_DDL)
    now = utcnow()
    for r in results:
        con.execute("INSERT INTO ops.dq_results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [load_id, run_id, suite, r.label, r.column, r.severity, r.success,
                     r.unexpected_count, json.dumps(r.sample, default=str), r.message, source_file,
                     now])
