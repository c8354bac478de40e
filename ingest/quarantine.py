"""The quarantine: rows a batch holds back (a parse rule broken, a natural key repeated in the file,
a GX row rule failed, a malformed line), each kept in ops.quarantine with its raw cells, and the
reason a batch is rejected whole when a rejecting rule fails (the quarantine share gate, ...)."""
from __future__ import annotations

import datetime as dt

from .contracts import Contract
from .header_mapping import Mapping
from .readers import QUARANTINE_TEXT_LIMIT, Stage
from .typed_values import stage_cell
from base.rule_catalogue import CATALOGUE
from base.sql import sql_literal


def find_duplicate_keys(con, contract: Contract, mapping: Mapping, ok: str) -> int:
    """Rows of __typed (those that parsed: `ok`) repeating the natural key of an earlier row of the
    file, into __dups (row, first row, key); returns how many."""
    # A 64-bit hash of the key finds candidate keys cheaply; the exact key columns then confirm them
    # (window partitions treat NULLs equal). Optional key columns absent from the file are NULL on
    # every row: they cannot differ.
    keys = [f'"{k}"' for k in contract.natural_key if k in mapping.columns or k in mapping.derived]
    key_hash = f"hash({', '.join(keys)})"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE __dupkeys AS SELECT {key_hash} AS h FROM __typed "
        f"WHERE {ok} GROUP BY ALL HAVING count(*) > 1")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE __dups AS SELECT _source_row, first_row, key_text FROM ("
        f"SELECT _source_row, min(_source_row) OVER (PARTITION BY {', '.join(keys)}) AS first_row, "
        "concat_ws(' | ', " + ", ".join(f"coalesce(CAST({k} AS VARCHAR), '')" for k in keys)
        + f") AS key_text FROM __typed WHERE {ok} AND {key_hash} IN (SELECT h FROM __dupkeys)) "
        "WHERE _source_row > first_row")
    return con.execute("SELECT count(*) FROM __dups").fetchone()[0]


def _stage_rows(stage: Stage) -> str:
    # failing rows get their raw cells back from the stage, by data row number
    return f"(SELECT {stage.row_sql} AS _source_row, * FROM {stage.table})"


def _raw_values(stage: Stage) -> str:
    return "json_object(" + ", ".join(
        f"{sql_literal(h)}, s.{stage_cell(i)}" for i, h in enumerate(stage.headers)) + ")"


def failure_selects(stage: Stage, mapping: Mapping, contract: Contract, error_names: list[str],
                    messages: dict) -> list[str]:
    """One SELECT (row, field, value, rule, reason, raw cells) per column that can break a parse
    rule, and one for the natural-key repeats in __dups."""
    stage_rows, raw_json = _stage_rows(stage), _raw_values(stage)
    selects = []
    for name in error_names:
        cell = f"s.{stage_cell(mapping.columns[name])}" if name in mapping.columns else "NULL"
        reason_case = f"CASE q.\"__e_{name}\" " + " ".join(
            f"WHEN {sql_literal(rule)} THEN {sql_literal(text)}"
            for rule, text in messages[name].items()) + " END"
        selects.append(
            f"SELECT q._source_row, {sql_literal(name)} AS field, {cell} AS value, "
            f"q.\"__e_{name}\" AS rule, {reason_case} AS reason, {raw_json} AS raw_values "
            f"FROM (SELECT * FROM __typed WHERE \"__e_{name}\" IS NOT NULL) q "
            f"JOIN {stage_rows} s USING (_source_row)")
    key_label = ", ".join(contract.natural_key)
    selects.append(
        f"SELECT d._source_row, 'natural_key', d.key_text, 'duplicate_key_in_file', "
        f"'natural key (' || {sql_literal(key_label)} || ') repeats row ' || d.first_row || "
        f"' of this file; the first row was kept', {raw_json} "
        f"FROM __dups d JOIN {stage_rows} s USING (_source_row)")
    return selects


def dq_failure_select(stage: Stage) -> str:
    """The rows failing a GX row rule (__dqfail, written by the batch validation)."""
    return (f"SELECT q._source_row, q.field, q.value, q.rule, q.reason, {_raw_values(stage)} "
            f"FROM __dqfail q JOIN {_stage_rows(stage)} s USING (_source_row)")


def held_rows(con, quarantine_selects: list[str], stage: Stage) -> list:
    """Rows the batch holds back, per rule and field: (rule, field, rows, first row, its value,
    reason), most rows first. What a rejection names and `pbk dq` lists."""
    held = con.execute(
        "SELECT rule, field, count(DISTINCT _source_row), min(_source_row), "
        "arg_min(value, _source_row), arg_min(reason, _source_row) FROM ("
        + " UNION ALL ".join(quarantine_selects) + ") GROUP BY rule, field").fetchall()
    if stage.malformed:
        first = stage.malformed[0]
        held.append(("malformed_line", None, len(stage.malformed), first["row"],
                     first["text"], f"line {first['line']}: {first['error']}"))
    return sorted(held, key=lambda h: (-h[2], h[0], h[1] or ""))


def rejection_reason(rejecting: list, held: list) -> str:
    """Why a batch is rejected whole: the rejecting rules, then the rows held, most first."""
    return "rejected by data-quality rule(s): " + "; ".join(
        f"{r.label}: {r.message}" for r in rejecting) + "; rows held: " + "; ".join(
        f"{rule} on {field_ or 'the whole line'}: {count:,} row(s), the first row {first_row} "
        f"({_clip_short(first_value)})" for rule, field_, count, first_row, first_value, _
        in held[:5]) + (f"; and {len(held) - 5} more rule(s)" if len(held) > 5 else "")


QUARANTINE_COLUMNS = ("load_id, source_file, source_row, kind, field, value, rule, reason, "
                      "raw_values, quarantined_at, amount")


def write_quarantine(con, quarantine_selects: list[str], stage: Stage, load_id: str, file: str,
                     kind: str, now: dt.datetime, money: str | None) -> None:
    """Every held row into ops.quarantine, inside the batch's transaction, with its Rupiah
    (`money`, a column of __typed) when the kind is accounted in money and the amount parsed."""
    amount = (f'(SELECT t."{money}" FROM __typed t WHERE t._source_row = q._source_row)'
              if money else "NULL")
    con.execute(
        f"INSERT INTO ops.quarantine ({QUARANTINE_COLUMNS}) SELECT ?, ?, _source_row, ?, field, "
        f"value, rule, reason, raw_values, ?, {amount} FROM ("
        + " UNION ALL ".join(quarantine_selects) + ") q",
        [load_id, file, kind, now])
    for m in stage.malformed:
        con.execute(
            f"INSERT INTO ops.quarantine ({QUARANTINE_COLUMNS}) VALUES (?, ?, ?, ?, NULL, ?, "
            "'malformed_line', ?, NULL, ?, NULL)",
            [load_id, file, m["row"], kind, _clip(m["text"]),
             f"line {m['line']}: {CATALOGUE['malformed_line'].message} ({m['error']})", now])


def quarantined_rows(con, load_id: str) -> tuple[dict[str, int], int]:
    """(rows per rule, rows) in ops.quarantine for the load: a row breaking two rules counts once."""
    by_rule = dict(con.execute(
        "SELECT rule, count(DISTINCT source_row) FROM ops.quarantine WHERE load_id = ? "
        "GROUP BY rule ORDER BY rule", [load_id]).fetchall())
    in_quarantine = con.execute(
        "SELECT count(DISTINCT source_row) FROM ops.quarantine WHERE load_id = ?",
        [load_id]).fetchone()[0]
    return by_rule, in_quarantine


def _clip_short(value) -> str:
    text = "empty" if value is None else repr(str(value))
    return text if len(text) <= 80 else text[:77] + "...'"


def _clip(text: str | None) -> str | None:
    """A bad line as kept in ops.quarantine: whole up to QUARANTINE_TEXT_LIMIT characters."""
    if text is None or len(text) <= QUARANTINE_TEXT_LIMIT:
        return text
    return text[:QUARANTINE_TEXT_LIMIT] + f"... ({len(text) - QUARANTINE_TEXT_LIMIT:,} more characters)"
