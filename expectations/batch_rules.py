"""Batch rules: on the rows of a batch that would load, after its row rules; one implementation
per batch rule of the catalogue (base/rule_catalogue.py holds their label, severity, texts and
source). Every rule adds its own rows and columns to one frame, validated by GX as suite
`batch_<kind>`."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from base.rule_catalogue import rules_of

from .config import DQConfig, load as load_config
from .gx_context import DQContext, gx  # gx as imported there, with analytics off
from .rule_texts import rendered, text_values
from .validation import SAMPLE_SIZE, RuleResult, jsonable, validate_frame, with_meta

E = gx.expectations


@dataclass(frozen=True)
class Batch:
    """What the batch rules look at: the parsed batch (temp table `table`, rows passing `accepted`
    would load) and its counts."""
    con: object
    kind: str
    table: str
    accepted: str
    rows_read: int
    rows_quarantined: int
    scope: str                     # the batch's fiscal years, e.g. "2024,2025"
    coverage_cells: int | None     # what the batch covers (ingest/contracts.py, Contract.coverage)
    cfg: DQConfig


@dataclass(frozen=True)
class BatchCheck:
    frame_sql: str                 # the rule's rows of the frame (columns of its own)
    expectation: object
    report_columns: list[str]      # what a failing result's sample shows
    figures: dict = field(default_factory=dict)   # the batch's values its finding names
    failing_count: int | None = None  # what unexpected_count reports (default: failing frame rows)


def row_count_drop(b: Batch) -> BatchCheck:
    # Like with like: the latest earlier batch of the kind and fiscal years whose coverage is
    # within a factor `row_count_drop_coverage_factor` of this one's (a day's SP2D lines are not
    # compared with the full-year file, a full re-export is compared with the last full export).
    factor = b.cfg.row_count_drop_coverage_factor
    previous = b.con.execute(
        "SELECT rows_read FROM ops.load_log WHERE kind = ? AND scope = ? AND status = 'loaded' "
        "AND (coverage_cells IS NOT DISTINCT FROM ?::BIGINT OR coverage_cells BETWEEN ? / ? AND ? * ?)"
        " ORDER BY finished_at DESC LIMIT 1",
        [b.kind, b.scope, b.coverage_cells, b.coverage_cells, factor, b.coverage_cells, factor]
    ).fetchone()
    prev_rows = previous[0] if previous else None
    sql = (f"SELECT {b.rows_read}::BIGINT AS b_rows_read, {prev_rows if prev_rows else 'NULL'}"
           f"::BIGINT AS b_previous_rows, "
           + (f"1 - {b.rows_read} / {prev_rows}::DOUBLE" if prev_rows else "NULL::DOUBLE")
           + " AS b_row_drop_share")
    return BatchCheck(sql, E.ExpectColumnValuesToBeBetween(column="b_row_drop_share",
                                                           max_value=b.cfg.max_row_count_drop),
                      ["b_rows_read", "b_previous_rows"], {"scope": b.scope})


VERSIONED_KEYS = "__dq_versioned_realization_keys"
# the realization contract's natural key (ingest/contracts.py; this package sits below ingest)
REALIZATION_KEY = "fiscal_year, work_unit_code, document_no, output_code, account_code"


def earlier_versioned_keys(con) -> str:
    """A temp table of the realization natural keys that may have more than one version in raw:
    the keys of every load but the largest. A load holds a key at most once (in-file duplicates
    are quarantined), so a key with two versions has one outside any single load; and the set is
    as small as the loads after the first full-year file (a night's day file), so the rule's cost
    does not grow with the warehouse."""
    key = REALIZATION_KEY
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {VERSIONED_KEYS} AS
        SELECT DISTINCT {key} FROM raw.realization
        WHERE _load_id <> (SELECT _load_id FROM raw.realization GROUP BY _load_id
                           ORDER BY count(*) DESC, _load_id LIMIT 1)""")
    return VERSIONED_KEYS


def realization_within_pagu(b: Batch) -> BatchCheck:
    # earlier loads matter only when raw holds realization of these units already
    has_earlier = b.con.execute(
        f"SELECT EXISTS (SELECT 1 FROM raw.realization r SEMI JOIN (SELECT DISTINCT fiscal_year,"
        f" work_unit_code FROM {b.table} WHERE {b.accepted}) USING (fiscal_year, work_unit_code))"
    ).fetchone()[0]
    return BatchCheck(
        _over_pagu_sql(b.table, b.accepted, b.cfg,
                       earlier_versioned_keys(b.con) if has_earlier else None),
        E.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="u_pagu_limit", column_B="u_realized", or_equal=True,
            ignore_row_if="either_value_is_missing"),
        ["u_fiscal_year", "u_work_unit_code", "u_realized", "u_pagu"])


def quarantine_share(b: Batch) -> BatchCheck:
    share = b.rows_quarantined / b.rows_read if b.rows_read else 0.0
    over_gate = (share > b.cfg.max_quarantine_share
                 and b.rows_quarantined > b.cfg.max_quarantine_rows)
    return BatchCheck(
        f"SELECT {b.rows_quarantined}::BIGINT AS g_rows_quarantined, "
        f"{share}::DOUBLE AS g_quarantined_share, {over_gate} AS g_over_both_thresholds",
        E.ExpectColumnValuesToBeInSet(column="g_over_both_thresholds", value_set=[False]),
        ["g_rows_quarantined", "g_quarantined_share"],
        {"rows_quarantined": b.rows_quarantined, "rows_read": b.rows_read,
         "quarantined_share": share},
        failing_count=b.rows_quarantined)


# label -> implementation, in the order a suite runs them
BATCH_CHECKS: dict[str, Callable[[Batch], BatchCheck]] = {
    "row_count_drop": row_count_drop,
    "realization_within_pagu": realization_within_pagu,
    "quarantine_share": quarantine_share,
}


def _over_pagu_sql(table, accepted, cfg, versioned_keys: str | None) -> str:
    """Per unit and fiscal year: realization (this batch + earlier loads, latest per natural key,
    lines the batch restates excluded) against the current pagu (the unit's highest revision,
    latest load per line). Line-level deduplication runs only where it can change a figure: for
    realization, the keys in `versioned_keys` (earlier_versioned_keys); for the budget, revisions
    loaded more than once (grouping half a million budget lines by their eight key columns was
    most of this rule's cost). `versioned_keys` None: raw holds no earlier realization of these
    units."""
    key = REALIZATION_KEY
    budget_key = ("fiscal_year, work_unit_code, program_code, activity_code, output_code, "
                  "account_code, funding_source, revision_no")
    latest = "ORDER BY _ingested_at DESC, _load_id DESC, _source_row DESC"
    lines = f"(SELECT {key}, amount, _ingested_at, _load_id, _source_row FROM raw.realization)"
    restated = f"(SELECT {key} FROM {table} WHERE {accepted})"
    # keys with one version in raw need no window: their one line is the latest (a scan)
    earlier = (f"""
            SELECT fiscal_year, work_unit_code, sum(amount) AS amount FROM (
                SELECT fiscal_year, work_unit_code, amount FROM {lines}
                ANTI JOIN {versioned_keys} USING ({key}) ANTI JOIN {restated} USING ({key})
                UNION ALL
                SELECT fiscal_year, work_unit_code, amount FROM (
                    SELECT * FROM {lines} SEMI JOIN {versioned_keys} USING ({key})
                    QUALIFY row_number() OVER (PARTITION BY {key} {latest}) = 1)
                ANTI JOIN {restated} USING ({key}))
            SEMI JOIN batch USING (fiscal_year, work_unit_code)
            GROUP BY ALL""" if versioned_keys else
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
                rows_read: int, rows_quarantined: int, scope: str, coverage_cells: int | None = None,
                cfg: DQConfig | None = None) -> tuple[list[RuleResult], str]:
    """The batch rules of the kind, on the rows that would load (`accepted`): the quarantine-share
    gate (reject), row count against the previous batch (warn), realization against pagu per unit
    (warn). A failing result's message names this batch's figures; the stored suite's meta keeps
    the rule's message, the same from batch to batch."""
    cfg = cfg or load_config()
    batch = Batch(con, kind, table, accepted, rows_read, rows_quarantined, scope, coverage_cells,
                  cfg)
    applicable = {r.label: rendered(r, cfg, kind) for r in rules_of("batch", kind)}
    expectations, checks = {}, {}
    for label, decide in BATCH_CHECKS.items():
        if label not in applicable:
            continue
        rule, check = applicable[label], decide(batch)
        checks[label] = check
        expectations[label] = with_meta(
            check.expectation, label=label, severity=rule.severity, column=rule.column,
            message=rule.message, report_columns=check.report_columns)
    frame = " UNION ALL BY NAME ".join(f"(SELECT * FROM ({c.frame_sql}))" for c in checks.values())
    con.execute(f"CREATE OR REPLACE TEMP TABLE __dqbatch AS SELECT row_number() OVER () AS __pid, "
                f"* FROM ({frame})")
    suite = f"batch_{kind}"
    outcome = validate_frame(dq, suite, expectations, "SELECT * FROM __dqbatch", con, load_id,
                             cfg.chunk_rows)
    results = []
    for label, check in checks.items():
        rule, pids = applicable[label], outcome[label]["pids"]
        sample = []
        if pids:
            cols = check.report_columns
            sample = [list(r) for r in con.execute(
                f"SELECT {', '.join(cols)} FROM __dqbatch WHERE __pid IN "
                f"({', '.join(map(str, pids))}) ORDER BY {', '.join(cols)} LIMIT {SAMPLE_SIZE}"
            ).fetchall()]
        failing = len(pids) if check.failing_count is None else check.failing_count
        message = (rule.finding.format(**text_values(cfg, kind, **check.figures))
                   if rule.finding else rule.message)
        results.append(RuleResult(None, label, rule.severity, rule.column,
                                  outcome[label]["success"],
                                  0 if outcome[label]["success"] else failing,
                                  jsonable(sample), message))
    return results, suite
