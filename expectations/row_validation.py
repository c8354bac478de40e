"""Row rules on a parsed batch: one frame of the distinct key combinations every rule reads (one
scan, GROUPING SETS), validated by GX; the rows behind failing combinations of quarantine rules are
collected for ops.quarantine."""
from __future__ import annotations

import re

from .config import DQConfig, load as load_config
from .gx_context import DQContext
from .rules import extract_rules
from .validation import SAMPLE_SIZE, BatchVerdict, RuleResult, jsonable, validate_frame, with_meta


def frame_column_names(rule) -> dict[str, str]:
    """{k0.., check: frame column}: named after the rule, so the sections of its Data Docs page
    are. The column the expectation reads is the rule's label; the others add what they hold."""
    decided_by_check = len(rule.checks) == 1
    names = {}
    for j, key in enumerate(rule.keys):
        column = key.strip('"')
        column = column if re.fullmatch(r"[a-z_][a-z0-9_]*", column) else f"k{j}"
        names[f"k{j}"] = (rule.label if len(rule.keys) == 1 and not rule.checks
                          else f"{rule.label}__{column}")
    for check in rule.checks:
        names[check] = rule.label if decided_by_check else f"{rule.label}__{check}"
    return names


def validate_batch(con, dq: DQContext, kind: str, table: str, accepted: str, load_id: str,
                   cfg: DQConfig | None = None) -> tuple[BatchVerdict, str]:
    """Row rules on a parsed batch (temp table `table`, rows passing `accepted`). Creates temp
    table __dqfail(_source_row, rule, field, value, reason) with the rows quarantine rules send to
    ops.quarantine. Batch rules follow, on what is left: see batch_rules()."""
    cfg = cfg or load_config()
    rules = extract_rules(kind, cfg)
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
        m = mask(rule.keys)
        # each rule's columns are named after it: the sections of its Data Docs page are
        cols = frame_column_names(rule)
        for j, k in enumerate(rule.keys):
            frame_cols.append(f"CASE WHEN __gid = {m} THEN {alias[k]} END AS {cols[f'k{j}']}")
        fmt = {f"k{j}": alias[k] for j, k in enumerate(rule.keys)}
        for check, sql in rule.checks.items():
            frame_cols.append(f"CASE WHEN __gid = {m} THEN {sql.format(**fmt)} END AS {cols[check]}")
        rule_cols[rule.label] = [cols[f"k{j}"] for j in range(len(rule.keys))]
        expectations[rule.label] = with_meta(rule.build(cols), label=rule.label,
                                              severity=rule.severity, message=rule.message)
    sets = ", ".join("(" + ", ".join(alias[k] for k in keys) + ")" for keys in projections)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE __dqframe AS SELECT row_number() OVER () AS __pid, * FROM ("
        f"SELECT __gid, __rows, {', '.join(frame_cols)} FROM ("
        f"SELECT {', '.join(alias.values())}, GROUPING_ID({', '.join(alias.values())}) AS __gid, "
        f"count(*) AS __rows FROM (SELECT {', '.join(f'{k} AS {alias[k]}' for k in key_exprs)} "
        f"FROM {table} WHERE {accepted}) GROUP BY GROUPING SETS ({sets})))")
    outcome = validate_frame(dq, f"extract_{kind}", expectations, "SELECT * FROM __dqframe", con,
                              load_id, cfg.chunk_rows)
    verdict = BatchVerdict()
    con.execute("CREATE OR REPLACE TEMP TABLE __dqfail (_source_row BIGINT, rule VARCHAR, "
                "field VARCHAR, value VARCHAR, reason VARCHAR)")
    for rule in rules:
        pids = outcome[rule.label]["pids"]
        verdict.failed_pids[rule.label] = pids
        rows, sample = 0, []
        if pids:
            key_cols = rule_cols[rule.label]
            pid_list = ", ".join(map(str, pids))
            rows = con.execute(f"SELECT coalesce(sum(__rows), 0) FROM __dqframe WHERE __pid IN ({pid_list})"
                               ).fetchone()[0]
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
                                          jsonable(sample), rule.message))
    return verdict, f"extract_{kind}"
