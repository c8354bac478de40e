"""`pbk trace MART --key COL=VALUE ...`: from a mart figure to the extract lines behind it.

The trace selects the mart rows matching the keys, then every core fact line that contributes to
them (each fact row carries `_load_id`, `_source_file`, `_source_sha256`, `_source_row`), and
reconciles: the sum of the traced lines against the mart's amount columns (exact, decimals), and
the mart's ratios recomputed from the traced sums (absorption %, efficiency %, achievement %,
SAKIP total). Keys are bound as query parameters; column names are checked against the mart's
catalog, never pasted from the command line.

Supported marts (docs/audit.md):

* `mart_absorption` (keys must include fiscal_year and month): budget side = current-revision
  budget lines of the rows' work unit, program and spending category; realization side = SP2D/LRA
  lines of months 1..month (realized_cumulative) and of the month (realized_amount).
* `mart_efficiency` (fiscal_year): budget lines (PAK), realization lines (RAK) and the volume
  report row (TVK, RVK) of each output; efficiency_pct recomputed.
* `mart_indicator_achievement` (fiscal_year): the indicator row (target, realization);
  achievement_pct recomputed from the polarity.
* `mart_sakip_score`, `mart_sakip_component` (fiscal_year): the LKE rows; a component counts its
  total row when there is one, else its sub-components (each capped at its weight); the component
  is capped at its weight; total_score recomputed.

By default the trace reads the published copy ($PBK_HOME/published/pbk.duckdb), which never
blocks the nightly run; `--warehouse` reads warehouse.duckdb (read-only) and `--db` any copy.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import math
import os
import sys

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Callable

from base.warehouse_file import open_duckdb
from base.files import sha256_file

EXIT_OK, EXIT_NOT_RECONCILED, EXIT_BAD_REQUEST = 0, 1, 2
MAX_LINES = 200_000       # a trace is for a figure, not a whole national year: narrow the keys
PCT_TOLERANCE = 1e-6      # ratios leave the marts rounded to 6 decimals


class TraceError(ValueError):
    """The request cannot be traced (unknown mart or column, missing key, no matching row)."""


# --------------------------------------------------------------------------------------------
# what each mart's lines are


@dataclass(frozen=True)
class Side:
    name: str
    title: str
    sql: str                       # lines joined to CTE `m` (the selected mart rows)
    detail: tuple[str, ...]        # extra columns shown per line


@dataclass(frozen=True)
class Measure:
    mart_column: str               # summed over the selected mart rows
    side: str
    value: str = "counted"         # line column summed
    only: Callable[[dict, dict], bool] | None = None   # (line, mart row) -> counts for this measure
    label: str | None = None
    digits: int | None = None      # compare after rounding the traced sum (float measures)


@dataclass(frozen=True)
class MartSpec:
    table: str
    row_key: str
    required: tuple[str, ...]
    shown: tuple[str, ...]         # mart columns printed for each selected row
    sides: tuple[Side, ...]
    measures: tuple[Measure, ...]
    derived: Callable[..., list[dict]] | None = None   # (con, rows, lines) -> checks
    summable: tuple[str, ...] = ()     # columns added up over the selected rows (the total)
    total: Callable[[dict], dict] | None = None        # ratios of the total, from its sums
    note: str = ""


# --------------------------------------------------------------------------------------------
# derived checks: the mart's ratios recomputed from the traced sums (before the specs using them)


def _f(v) -> float | None:
    return None if v is None else float(v)


def _close(a, b, tol=PCT_TOLERANCE) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= tol * max(1.0, abs(float(b)) * 1e-9)


def _sum_by_row(lines: list[dict], side: str, col: str = "counted") -> dict[str, Decimal | float]:
    """Sum of `col` over the lines of `side`, per mart row."""
    out: dict = {}
    for ln in lines:
        if ln["side"] != side or ln.get(col) is None:
            continue
        out[ln["row_key"]] = out.get(ln["row_key"], 0) + ln[col]
    return out


def _check(name: str, row: dict, row_key: str, mart_value, recomputed, formula: str) -> dict:
    return {"check": name, "row_key": row[row_key], "mart": _f(mart_value),
            "recomputed": None if recomputed is None else round(float(recomputed), 6),
            "formula": formula, "ok": _close(mart_value, recomputed)}


def _absorption_derived(con, rows, lines):
    deduct = dict(con.execute("SELECT rule_id, deduct_blocked FROM core.rule_absorption").fetchall())
    budget = _sum_by_row(lines, "budget")
    blocked = _sum_by_row(lines, "budget", "blocked_amount")
    realized = _sum_by_row(lines, "realization")
    out = []
    for r in rows:
        k = r["absorption_key"]
        b = budget.get(k, Decimal(0))
        rule_deducts = bool(deduct.get(r["rule_id"]))
        base = b - blocked.get(k, Decimal(0)) if rule_deducts else b
        formula = "budget - blocked" if rule_deducts else "budget (rule keeps blokir in the base)"
        out.append({**_check("absorption_base_amount", r, "absorption_key", r["absorption_base_amount"],
                             base, f"{formula} of the traced budget lines ({r['rule_id']})"),
                    "mart": r["absorption_base_amount"], "recomputed": base,
                    "ok": r["absorption_base_amount"] == base})
        cum = realized.get(k, Decimal(0))
        pct = float(cum) * 100 / float(base) if base > 0 else None
        out.append(_check("absorption_pct", r, "absorption_key", r["absorption_pct"], pct,
                          f"{cum:,.2f} / {base:,.2f} x 100"))
    return out


def _efficiency_derived(con, rows, lines):
    pak = _sum_by_row(lines, "budget")
    rak = _sum_by_row(lines, "realization")
    tvk = _sum_by_row(lines, "volume", "target_volume")
    rvk = _sum_by_row(lines, "volume", "realized_volume")
    out = []
    for r in rows:
        k = r["efficiency_key"]
        t, v = tvk.get(k), rvk.get(k)
        ck_uncapped = float(v) * 100 / float(t) if t and v is not None and t > 0 else None
        out.append(_check("output_achievement_uncapped", r, "efficiency_key",
                          r["output_achievement_uncapped"], ck_uncapped, f"RVK {v} / TVK {t} x 100"))
        ck = _f(r["output_achievement"])   # CK after the rule's cap/floor (none under PMK 214/2017)
        p, a = float(pak.get(k, 0)), float(rak.get(k, 0))
        earned = p * ck / 100 if ck is not None else None
        e = (earned - a) * 100 / earned if earned else None
        out.append(_check("efficiency_pct", r, "efficiency_key", r["efficiency_pct"], e,
                          f"(PAK {pak.get(k, 0)} x CK {ck} - RAK {rak.get(k, 0)}) / (PAK x CK) x 100"))
    return out


def achievement_pct(polarity, target, target_upper, realization) -> float | None:
    """Capaian kinerja (uncapped), DESIGN.md: max R/T; min (2T - R)/T; range 100 inside [L, U]."""
    if realization is None or target is None:
        return None
    t, r = float(target), float(realization)
    if polarity == "max":
        return None if t == 0 else r * 100 / t
    if polarity == "min":
        return None if t == 0 else (2 * t - r) * 100 / t
    if polarity == "range":
        if target_upper is None or float(target_upper) < t:
            return None
        u = float(target_upper)
        if t <= r <= u:
            return 100.0
        if r > u:
            return None if u == 0 else r * 100 / u
        return None if t == 0 else r * 100 / t
    return None


def _indicator_derived(con, rows, lines):
    out = []
    per_row = {ln["row_key"]: ln for ln in lines}
    for r in rows:
        ln = per_row.get(r["indicator_achievement_key"])
        if ln is None:
            out.append(_check("achievement_pct", r, "indicator_achievement_key", r["achievement_pct"],
                              None, "no indicator row"))
            continue
        pct = achievement_pct(ln["polarity"], ln["target"], ln["target_upper"], ln["amount"])
        formula = f"{ln['polarity']}: R {ln['amount']}, T {ln['target']}"
        if ln["target_upper"] is not None:
            formula += f", U {ln['target_upper']}"
        out.append(_check("achievement_pct", r, "indicator_achievement_key", r["achievement_pct"], pct,
                          formula))
    return out


def _component_scores(lines) -> dict[tuple, tuple[float, float | None]]:
    """(row_key, component) -> (raw = sum of counted lines, component weight)."""
    comp: dict[tuple, list] = {}
    for ln in lines:
        key = (ln["row_key"], ln["component_code"])
        slot = comp.setdefault(key, [0.0, ln["component_weight"]])
        slot[0] += float(ln["counted"] or 0)
    return {k: (v[0], _f(v[1])) for k, v in comp.items()}


def _capped(raw: float, weight: float | None) -> float | None:
    if weight is None:
        return None
    return min(max(raw, 0.0), weight)


def _sakip_score_derived(con, rows, lines):
    comps = _component_scores(lines)
    out = []
    for r in rows:
        k = r["sakip_score_key"]
        parts = {c: v for (rk, c), v in comps.items() if rk == k}
        total = sum(_capped(raw, w) for raw, w in parts.values() if w is not None)
        capped = [f"{c} {raw:g} capped at {w:g}" for c, (raw, w) in sorted(parts.items())
                  if w is not None and _capped(raw, w) != raw]
        out.append(_check("total_score", r, "sakip_score_key", r["total_score"], round(total, 2),
                          "sum over components of min(component score, weight)"
                          + (f"; {'; '.join(capped)}" if capped else "")))
    return out


def _sakip_component_derived(con, rows, lines):
    comps = _component_scores(lines)
    out = []
    for r in rows:
        raw, w = comps.get((r["sakip_component_key"], r["component_code"]), (None, None))
        score = _capped(raw, w) if raw is not None else None
        out.append(_check("score", r, "sakip_component_key", r["score"], score,
                          f"min(max({raw}, 0), weight {w})"))
    return out



def _lines_sql(select: str, source: str, join: str, where: str = "") -> str:
    return (f"SELECT m.{{row_key}} AS row_key, {select}, "
            f"x._source_file, x._source_sha256, x._source_row, x._load_id FROM {source} "
            f"JOIN m ON {join}" + (f" WHERE {where}" if where else ""))


_ABSORPTION_JOIN = ("m.fiscal_year = x.fiscal_year AND m.work_unit_code = x.work_unit_code "
                    "AND m.program_code IS NOT DISTINCT FROM x.program_code "
                    "AND m.spending_category = a.spending_category")

ABSORPTION = MartSpec(
    table="mart_absorption",
    row_key="absorption_key",
    required=("fiscal_year", "month"),
    shown=("fiscal_year", "month", "work_unit_code", "program_code", "spending_category",
           "budget_amount", "blocked_amount", "absorption_base_amount", "realized_amount",
           "realized_cumulative", "absorption_pct", "rule_id"),
    sides=(
        Side("budget", "Budget lines (pagu, current revision)",
             _lines_sql("x.budget_amount AS amount, x.budget_amount AS counted, x.blocked_amount, "
                        "x.revision_no, x.program_code, x.activity_code, x.output_code, x.account_code",
                        "core.fact_budget AS x JOIN core.dim_account AS a "
                        "ON a.account_code = x.account_code",
                        _ABSORPTION_JOIN, "x.is_current_revision"),
             ("revision_no", "program_code", "activity_code", "output_code", "account_code",
              "blocked_amount")),
        Side("realization", "Realization lines (SP2D / LRA), months 1..month",
             _lines_sql("x.realized_amount AS amount, x.realized_amount AS counted, x.period_month, "
                        "x.transaction_date, x.document_no, x.output_code, x.account_code, x.is_refund",
                        "core.fact_realization AS x JOIN core.dim_account AS a "
                        "ON a.account_code = x.account_code",
                        _ABSORPTION_JOIN + " AND x.period_month <= m.month"),
             ("document_no", "transaction_date", "period_month", "output_code", "account_code")),
    ),
    measures=(
        Measure("budget_amount", "budget"),
        Measure("blocked_amount", "budget", value="blocked_amount"),
        Measure("realized_cumulative", "realization"),
        Measure("realized_amount", "realization", label="realized_amount (the month)",
                only=lambda line, row: line["period_month"] == row["month"]),
        Measure("refund_amount", "realization", label="refund_amount (the month)",
                only=lambda line, row: line["period_month"] == row["month"] and line["is_refund"]),
    ),
    derived=_absorption_derived,
    summable=("budget_amount", "blocked_amount", "absorption_base_amount", "realized_amount",
              "realized_cumulative"),
    total=lambda t: {"absorption_pct": round(float(t["realized_cumulative"]) * 100
                                             / float(t["absorption_base_amount"]), 6)
                     if t.get("absorption_base_amount") else None},
    note="absorption_pct = realized_cumulative / absorption_base_amount x 100 (base = current pagu, "
         "minus blokir when the rule deducts it)",
)

EFFICIENCY = MartSpec(
    table="mart_efficiency",
    row_key="efficiency_key",
    required=("fiscal_year",),
    shown=("fiscal_year", "work_unit_code", "output_code", "budget_amount", "realized_amount",
           "target_volume", "realized_volume", "output_achievement", "efficiency_pct",
           "efficiency_score", "rule_id"),
    sides=(
        Side("budget", "Budget lines of the output (PAK, current revision)",
             _lines_sql("x.budget_amount AS amount, x.budget_amount AS counted, x.revision_no, "
                        "x.program_code, x.activity_code, x.account_code",
                        "core.fact_budget AS x",
                        "m.fiscal_year = x.fiscal_year AND m.work_unit_code = x.work_unit_code "
                        "AND m.output_code = x.output_code", "x.is_current_revision"),
             ("revision_no", "program_code", "activity_code", "account_code")),
        Side("realization", "Realization lines of the output (RAK, SP2D / LRA)",
             _lines_sql("x.realized_amount AS amount, x.realized_amount AS counted, x.transaction_date, "
                        "x.document_no, x.account_code",
                        "core.fact_realization AS x",
                        "m.fiscal_year = x.fiscal_year AND m.work_unit_code = x.work_unit_code "
                        "AND m.output_code = x.output_code"),
             ("document_no", "transaction_date", "account_code")),
        Side("volume", "Output volume report (TVK / RVK, latest month of the year)",
             _lines_sql("x.realized_volume AS amount, x.realized_volume AS counted, x.target_volume, "
                        "x.realized_volume, x.period_month, x.output_unit",
                        "core.fact_output_achievement AS x",
                        "m.fiscal_year = x.fiscal_year AND m.work_unit_code = x.work_unit_code "
                        "AND m.output_code = x.output_code AND m.volume_period_month = x.period_month"),
             ("period_month", "target_volume", "realized_volume", "output_unit")),
    ),
    measures=(
        Measure("budget_amount", "budget", label="budget_amount (PAK)"),
        Measure("realized_amount", "realization", label="realized_amount (RAK)"),
        Measure("target_volume", "volume", value="target_volume", label="target_volume (TVK)", digits=6),
        Measure("realized_volume", "volume", value="realized_volume", label="realized_volume (RVK)",
                digits=6),
    ),
    derived=_efficiency_derived,
    summable=("budget_amount", "realized_amount"),
    note="efficiency_pct = (PAK x CK - RAK) / (PAK x CK) x 100, CK = RVK / TVK x 100 (PMK 214/2017)",
)

INDICATOR = MartSpec(
    table="mart_indicator_achievement",
    row_key="indicator_achievement_key",
    required=("fiscal_year",),
    shown=("fiscal_year", "period_month", "instansi_code", "work_unit_code", "indicator_code",
           "polarity", "target", "target_upper", "realization", "achievement_pct",
           "achievement_score", "achievement_category", "rule_id"),
    sides=(
        Side("indicator", "Indicator rows (IKU/IKK, Perjanjian Kinerja)",
             _lines_sql("x.realization AS amount, x.realization AS counted, x.target, x.target_upper, "
                        "x.polarity, x.indicator_code, x.period_month",
                        "core.fact_indicator_achievement AS x",
                        "m.indicator_achievement_key = x.indicator_achievement_key"),
             ("indicator_code", "period_month", "polarity", "target", "target_upper")),
    ),
    measures=(
        Measure("realization", "indicator", digits=6),
        Measure("target", "indicator", value="target", digits=6),
    ),
    derived=_indicator_derived,
    note="achievement_pct: max R/T x 100; min (2T - R)/T x 100; range 100 inside [L, U], "
         "R/U above, R/L below",
)

_SAKIP_LINES = """
SELECT m.{row_key} AS row_key, x.score AS amount, x.component_code, x.sub_component_code,
       x.is_component_total, s.weight AS sub_component_weight,
       CASE
           WHEN c.component_code IS NULL THEN 0                  -- component unknown to the rule
           WHEN x.is_component_total THEN x.score
           WHEN bool_or(x.is_component_total) OVER (
                    PARTITION BY m.{row_key}, x.component_code) THEN 0   -- the total row counts
           WHEN s.weight IS NOT NULL AND x.score > s.weight THEN s.weight
           ELSE x.score
       END AS counted,
       CASE
           WHEN c.component_code IS NULL THEN 'not counted: component unknown to ' || m.regulation
           WHEN x.is_component_total THEN 'component total'
           WHEN bool_or(x.is_component_total) OVER (
                    PARTITION BY m.{row_key}, x.component_code) THEN 'detail (the total row counts)'
           WHEN s.weight IS NOT NULL AND x.score > s.weight
               THEN 'sub-component capped at its weight ' || s.weight
           ELSE 'sub-component'
       END AS role,
       c.weight AS component_weight,
       x._source_file, x._source_sha256, x._source_row, x._load_id
FROM core.fact_sakip_evaluation AS x
JOIN m ON m.fiscal_year = x.fiscal_year AND m.instansi_code = x.instansi_code
    AND m.regulation = x.regulation {component_join}
LEFT JOIN core.rule_sakip_component AS c
    ON c.regulation = x.regulation AND c.component_code = x.component_code
    AND x.fiscal_year BETWEEN c.fiscal_year_from AND c.fiscal_year_to
LEFT JOIN core.rule_sakip_subcomponent AS s
    ON s.regulation = x.regulation AND s.component_code = x.component_code
    AND s.sub_component_code = x.sub_component_code
    AND x.fiscal_year BETWEEN s.fiscal_year_from AND s.fiscal_year_to
"""


def _sakip_side(component: bool) -> Side:
    return Side("evaluation", "LKE evaluation rows (SAKIP)",
                _SAKIP_LINES.replace("{component_join}",
                                     "AND m.component_code = x.component_code" if component else ""),
                ("component_code", "sub_component_code", "role"))


SAKIP_SCORE = MartSpec(
    table="mart_sakip_score",
    row_key="sakip_score_key",
    required=("fiscal_year",),
    shown=("fiscal_year", "instansi_code", "regulation", "total_score", "complete", "grade",
           "grade_label", "rule_id"),
    sides=(_sakip_side(False),),
    measures=(),
    derived=_sakip_score_derived,
    note="a component counts its total row when the LKE has one, else its sub-components (each "
         "capped at its weight); a component is capped at its weight; total = sum of components",
)

SAKIP_COMPONENT = MartSpec(
    table="mart_sakip_component",
    row_key="sakip_component_key",
    required=("fiscal_year",),
    shown=("fiscal_year", "instansi_code", "regulation", "component_code", "weight", "raw_score",
           "score", "rule_id"),
    sides=(_sakip_side(True),),
    measures=(Measure("raw_score", "evaluation", digits=6),),
    derived=_sakip_component_derived,
    note=SAKIP_SCORE.note,
)


MARTS: dict[str, MartSpec] = {s.table: s for s in (ABSORPTION, EFFICIENCY, INDICATOR, SAKIP_SCORE,
                                                    SAKIP_COMPONENT)}


# --------------------------------------------------------------------------------------------
# the trace


@dataclass
class TraceResult:
    mart: str
    database: str
    keys: dict
    rows: list[dict]
    lines: list[dict]
    reconciliation: list[dict]
    checks: list[dict]
    files: list[dict]
    note: str = ""
    published_version: str | None = None
    sides: dict[str, str] = field(default_factory=dict)
    total: dict = field(default_factory=dict)     # the figure over all selected rows

    @property
    def reconciled(self) -> bool:
        """The figures add up, every check passes, and no archived source file was found
        altered (--verify-source): an auditor cannot rely on lines whose file does not match."""
        return (all(r["ok"] for r in self.reconciliation) and all(c["ok"] for c in self.checks)
                and not any(f.get("sha256_verified") is False for f in self.files))

    def as_dict(self) -> dict:
        return {"mart": self.mart, "database": self.database,
                "published_version": self.published_version, "keys": self.keys,
                "reconciled": self.reconciled, "note": self.note, "rows": self.rows,
                "total": self.total, "reconciliation": self.reconciliation,
                "checks": self.checks, "files": self.files,
                "sides": self.sides, "lines": self.lines}


def parse_keys(pairs: list[str]) -> dict[str, str | None]:
    keys: dict[str, str | None] = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise TraceError(f"--key {pair!r}: expected COLUMN=VALUE")
        col, value = pair.split("=", 1)
        col = col.strip()
        if not col:
            raise TraceError(f"--key {pair!r}: empty column name")
        keys[col] = value.strip() if value.strip() != "" else None
    return keys


def _coerce(value: str | None, data_type: str, column: str):
    if value is None:
        return None
    t = data_type.upper()
    try:
        if t in ("INTEGER", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT", "UINTEGER"):
            return int(value)
        if t.startswith("DECIMAL"):
            return Decimal(value)
        if t in ("DOUBLE", "FLOAT", "REAL"):
            return float(value)
        if t == "BOOLEAN":
            if value.lower() in ("true", "t", "1", "yes"):
                return True
            if value.lower() in ("false", "f", "0", "no"):
                return False
            raise ValueError(value)
        if t == "DATE":
            return dt.date.fromisoformat(value)
    except (ValueError, ArithmeticError):
        raise TraceError(f"--key {column}={value}: not a valid {data_type}") from None
    return value


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _records(cur) -> list[dict]:
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def trace(con, mart: str, keys: dict[str, str | None], *, home: Path | None = None,
          database: str = "", published_version: str | None = None,
          max_lines: int | None = MAX_LINES) -> TraceResult:
    """Trace the rows of marts.<mart> matching `keys` (column -> text value, None = NULL).
    Raises TraceError when the selection has more than `max_lines` source lines (None: no limit)."""
    mart = mart.removeprefix("marts.")
    spec = MARTS.get(mart)
    if spec is None:
        raise TraceError(f"cannot trace {mart!r}: supported marts are {', '.join(sorted(MARTS))}")
    types = dict(con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'marts' AND table_name = ? ORDER BY ordinal_position",
        [spec.table]).fetchall())
    if not types:
        raise TraceError(f"marts.{spec.table} does not exist in {database or 'the database'}")
    missing = [k for k in spec.required if k not in keys]
    if missing:
        raise TraceError(f"{spec.table} needs --key {' --key '.join(f'{k}=...' for k in missing)}")
    where, params = [], []
    for col, value in keys.items():
        if col not in types:
            raise TraceError(f"{spec.table} has no column {col!r} (columns: {', '.join(types)})")
        v = _coerce(value, types[col], col)
        if v is None:
            where.append(f"{_quote(col)} IS NULL")
        else:
            where.append(f"{_quote(col)} = ?")
            params.append(v)
    cte = f"WITH m AS (SELECT * FROM marts.{_quote(spec.table)} WHERE {' AND '.join(where)}) "
    rows = _records(con.execute(cte + "SELECT * FROM m ORDER BY ALL", params))
    if not rows:
        raise TraceError(f"no row of {spec.table} matches "
                         + ", ".join(f"{k}={v if v is not None else 'NULL'}" for k, v in keys.items()))
    by_key = {r[spec.row_key]: r for r in rows}
    side_sql = {side.name: side.sql.replace("{row_key}", spec.row_key) for side in spec.sides}
    if max_lines is not None:
        total = sum(con.execute(cte + f"SELECT count(*) FROM ({sql})", params).fetchone()[0]
                    for sql in side_sql.values())
        if total > max_lines:
            raise TraceError(f"{len(rows):,} rows of {spec.table} with {total:,} source lines, "
                             f"more than {max_lines:,}: add keys (e.g. work_unit_code) or raise "
                             "--max-lines")
    lines: list[dict] = []
    for side in spec.sides:
        sql = cte + side_sql[side.name] + " ORDER BY x._source_file, x._source_row, x._load_id"
        for ln in _records(con.execute(sql, params)):
            ln["side"] = side.name
            lines.append(ln)

    reconciliation = []
    for ms in spec.measures:
        mart_sum = _sum_mart(rows, ms.mart_column)
        traced = [ln for ln in lines if ln["side"] == ms.side
                  and (ms.only is None or ms.only(ln, by_key[ln["row_key"]]))]
        traced_sum = _sum_values(ln[ms.value] for ln in traced)
        if traced_sum is None and isinstance(mart_sum, Decimal):
            traced_sum = mart_sum - mart_sum      # no line: zero, in the mart's scale
        if ms.digits is not None and traced_sum is not None:
            traced_cmp = round(float(traced_sum), ms.digits)
            ok = mart_sum is not None and round(float(mart_sum), ms.digits) == traced_cmp
        else:
            ok = _zero_if_none(mart_sum) == _zero_if_none(traced_sum)
        diff = None
        if mart_sum is not None or traced_sum is not None:
            diff = _zero_if_none(mart_sum) - _zero_if_none(traced_sum)
            if ms.digits is not None:
                diff = round(float(diff), ms.digits)
        reconciliation.append({"measure": ms.label or ms.mart_column, "mart_column": ms.mart_column,
                               "side": ms.side, "mart": mart_sum, "traced": traced_sum,
                               "difference": diff, "lines": len(traced), "ok": ok})
    checks = spec.derived(con, rows, lines) if spec.derived else []
    files = _files(lines, home)
    total = {c: _sum_mart(rows, c) for c in spec.summable}
    if spec.total:
        total.update(spec.total(total))
    return TraceResult(spec.table, database, keys, rows, lines, reconciliation, checks, files,
                       spec.note, published_version, {s.name: s.title for s in spec.sides}, total)


def _zero_if_none(v):
    return 0 if v is None else v


def _sum_mart(rows, column):
    values = [r[column] for r in rows if r[column] is not None]
    return _sum_values(values) if values else None


def _sum_values(values):
    total = None
    for v in values:
        if v is None:
            continue
        total = v if total is None else total + v
    return total


def _files(lines: list[dict], home: Path | None) -> list[dict]:
    seen: dict[tuple, dict] = {}
    for ln in lines:
        key = (ln["_source_file"], ln["_source_sha256"], ln["_load_id"])
        if key not in seen:
            archived = None
            if home is not None:
                candidate = Path(home) / "archive" / ln["_load_id"] / ln["_source_file"]
                archived = str(candidate) if candidate.exists() else None
            seen[key] = {"source_file": ln["_source_file"], "sha256": ln["_source_sha256"],
                         "load_id": ln["_load_id"], "archived_file": archived, "lines": 0}
        seen[key]["lines"] += 1
    return sorted(seen.values(), key=lambda f: (f["source_file"], f["load_id"]))


# --------------------------------------------------------------------------------------------
# the source files themselves (--verify-source)


def source_rows(path: Path, rows: set[int]) -> dict[int, tuple[str, str]]:
    """{data row: (where, text)} of an archived extract, data rows 1-based after the header: CSV
    records as in the file ('line N' of the file); Parquet rows as values ('row N'); XLSX is not
    read here (title rows above the header vary: open the sheet)."""
    path = Path(path)
    with open(path, "rb") as fh:
        magic = fh.read(4)
    if magic == b"PAR1":
        import duckdb


        con = duckdb.connect()
        try:
            out = {}
            for n in sorted(rows):
                rec = con.execute("SELECT * FROM read_parquet(?) LIMIT 1 OFFSET ?",
                                  [str(path), n - 1]).fetchone()
                if rec is not None:
                    out[n] = (f"row {n}", " | ".join("" if v is None else str(v) for v in rec))
            return out
        finally:
            con.close()
    if magic[:2] == b"PK":
        return {}
    from ingest.readers import detect_delimiter

    with open(path, "rb") as fh:
        bom = fh.read(2)
    # as the loader read it: UTF-16 with a byte-order mark, else UTF-8, else Windows-1252
    encodings = ("utf-16",) if bom in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            with open(path, "r", encoding=encoding, newline="") as fh:
                delimiter = detect_delimiter(fh.readline().rstrip("\r\n"))
                fh.seek(0)
                reader = csv.reader(fh, delimiter=delimiter)
                next(reader, None)
                out, last = {}, max(rows) if rows else 0
                for n, rec in enumerate(reader, start=1):
                    if n in rows:
                        out[n] = (f"line {reader.line_num}", delimiter.join(rec))
                    if n >= last:
                        break
                return out
        except UnicodeDecodeError:
            continue
    return {}


def verify_sources(result: TraceResult) -> None:
    """Check each archived file's sha256 against the lineage and attach the source text of every
    traced line (`source_text`)."""
    wanted: dict[tuple, set[int]] = {}
    for ln in result.lines:
        wanted.setdefault((ln["_source_file"], ln["_load_id"]), set()).add(ln["_source_row"])
    texts: dict[tuple, dict[int, str]] = {}
    for f in result.files:
        f["sha256_verified"] = None
        if f["archived_file"]:
            f["sha256_verified"] = sha256_file(Path(f["archived_file"])) == f["sha256"]
            texts[(f["source_file"], f["load_id"])] = source_rows(
                Path(f["archived_file"]), wanted.get((f["source_file"], f["load_id"]), set()))
    for ln in result.lines:
        where, text = texts.get((ln["_source_file"], ln["_load_id"]), {}).get(ln["_source_row"],
                                                                               (None, None))
        ln["source_location"], ln["source_text"] = where, text


# --------------------------------------------------------------------------------------------
# opening the right database


def resolve_database(home: Path, db: str | None = None, warehouse: bool = False
                     ) -> tuple[Path, str | None]:
    """(database file, published version or None). Default: the published copy (the version
    current now, resolved once), else the warehouse."""
    if db:
        return Path(db), None
    from .publish import current_version_dir

    if not warehouse:
        current = current_version_dir(home)
        if current is not None:
            return current / "pbk.duckdb", current.name
    return Path(home) / "warehouse.duckdb", None


def run_trace(home: Path, mart: str, keys: dict, *, db: str | None = None, warehouse: bool = False,
              verify: bool = False, max_lines: int | None = MAX_LINES) -> TraceResult:
    import duckdb

    path, version = resolve_database(home, db, warehouse)
    if not path.exists():
        raise TraceError(f"no database at {path}: run the pipeline (pbk run / pbk demo) first")
    try:
        con = open_duckdb(path, read_only=True)
    except duckdb.IOException as exc:
        raise TraceError(f"cannot open {path} read-only ({exc}); the warehouse is busy during a run: "
                         "trace the published copy (the default) instead") from None
    try:
        result = trace(con, mart, keys, home=home, database=str(path), published_version=version,
                       max_lines=max_lines)
    finally:
        con.close()
    if verify:
        verify_sources(result)
    return result


# --------------------------------------------------------------------------------------------
# command line


def add_trace_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "trace", help="the source files, sha256s, rows and amounts behind a mart figure, reconciled",
        description="Trace a mart figure to the extract lines behind it. Example: pbk trace "
                    "mart_absorption --key fiscal_year=2025 --key work_unit_code=019012 --key month=6")
    p.add_argument("mart", choices=sorted(MARTS), metavar="MART",
                   help="one of: " + ", ".join(sorted(MARTS)))
    p.add_argument("--key", action="append", default=[], metavar="COL=VALUE",
                   help="mart column and value (repeat); an empty value matches NULL")
    p.add_argument("--json", action="store_true", help="one JSON document on stdout")
    p.add_argument("--verify-source", action="store_true",
                   help="re-hash the archived files and show each line's text from the file")
    p.add_argument("--limit", type=int, default=None,
                   help="print at most this many lines per side (the reconciliation uses all)")
    p.add_argument("--max-lines", type=int, default=MAX_LINES,
                   help=f"refuse selections with more source lines than this (default {MAX_LINES:,})")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--warehouse", action="store_true",
                       help="read warehouse.duckdb instead of the published copy")
    where.add_argument("--db", help="read this DuckDB file")
    p.set_defaults(func=cmd_trace)


def _jsonable(v):
    if isinstance(v, Decimal):
        return str(v)     # exact Rupiah, never a binary float
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return None
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return v


def _to_json(obj):
    if isinstance(obj, dict):
        return {k: _to_json(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_to_json(v) for v in obj]
    return _jsonable(obj)


def cmd_trace(args) -> int:
    from base import settings

    home = settings.paths().home
    try:
        result = run_trace(home, args.mart, parse_keys(args.key), db=args.db,
                           warehouse=args.warehouse, verify=args.verify_source,
                           max_lines=args.max_lines or None)
    except TraceError as exc:
        if args.json:
            json.dump({"error": str(exc)}, sys.stdout, indent=2)
            sys.stdout.write("\n")
        else:
            print(f"pbk trace: {exc}", file=sys.stderr)
        return EXIT_BAD_REQUEST
    try:
        if args.json:
            json.dump(_to_json(result.as_dict()), sys.stdout, indent=2)
            sys.stdout.write("\n")
        else:
            print_trace(result, limit=args.limit)
        sys.stdout.flush()
    except BrokenPipeError:  # `pbk trace ... | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_OK if result.reconciled else EXIT_NOT_RECONCILED


def _fmt(v) -> str:
    if v is None:
        return "-"
    if isinstance(v, Decimal):
        return f"{v:,.2f}"
    if isinstance(v, float):
        return f"{v:,.6f}".rstrip("0").rstrip(".") if v != int(v) or abs(v) < 1e15 else f"{v:,.0f}"
    if isinstance(v, bool):
        return "yes" if v else "no"
    return str(v)


def print_trace(result: TraceResult, limit: int | None = None, out=None) -> None:
    out = out or sys.stdout
    w = lambda s="": print(s, file=out)  # noqa: E731
    spec = MARTS[result.mart]
    keys = " ".join(f"{k}={v if v is not None else 'NULL'}" for k, v in result.keys.items())
    w(f"{result.mart}  {keys}")
    src = result.database + (f"  (published version {result.published_version})"
                             if result.published_version else "")
    w(f"database: {src}")
    w()
    w(f"Figure ({len(result.rows)} mart row{'s' if len(result.rows) != 1 else ''}):")
    shown = [c for c in spec.shown if c in result.rows[0]]
    widths = {c: max(len(c), *(len(_fmt(r[c])) for r in result.rows)) for c in shown}
    w("  " + "  ".join(c.rjust(widths[c]) for c in shown))
    for r in result.rows:
        w("  " + "  ".join(_fmt(r[c]).rjust(widths[c]) for c in shown))
    if len(result.rows) > 1 and result.total:
        w("  " + "  ".join(_fmt(result.total.get(c, "" if i else "total")).rjust(widths[c])
                           for i, c in enumerate(shown)))
    if result.note:
        w(f"  ({result.note})")
    w()
    w("Source files:")
    for f in result.files:
        verified = {True: "  sha256 verified", False: "  SHA256 MISMATCH", None: ""}[
            f.get("sha256_verified")] if "sha256_verified" in f else ""
        w(f"  {f['source_file']}  sha256 {f['sha256']}  load {f['load_id']}  "
          f"{f['lines']:,} line(s){verified}")
        if f["archived_file"]:
            w(f"    archived: {f['archived_file']}")
    for side in spec.sides:
        side_lines = [ln for ln in result.lines if ln["side"] == side.name]
        w()
        w(f"{side.title}: {len(side_lines):,} line(s)")
        if not side_lines:
            continue
        counted = any(ln["counted"] != ln["amount"] for ln in side_lines)
        w(f"  {'file':<22} {'sha256':<12} {'row':>7}  {'load id':<32} {'amount':>20} "
          + (f"{'counted':>10} " if counted else "") + " detail")
        for ln in side_lines[:limit] if limit else side_lines:
            detail = ", ".join(f"{c}={_fmt(ln.get(c))}" for c in side.detail if ln.get(c) is not None)
            w(f"  {ln['_source_file'][:22]:<22} {ln['_source_sha256'][:12]:<12} {ln['_source_row']:>7}  "
              f"{ln['_load_id']:<32} {_fmt(ln['amount']):>20} "
              + (f"{_fmt(ln['counted']):>10} " if counted else "") + f" {detail}")
            if ln.get("source_text") is not None:
                w(f"      {ln['source_location']} of the file: {ln['source_text']}")
        if limit and len(side_lines) > limit:
            w(f"  ... {len(side_lines) - limit:,} more (--json lists all)")
    w()
    w("Reconciliation:")
    for r in result.reconciliation:
        status = "OK" if r["ok"] else f"DIFFERENCE {_fmt(r['difference'])}"
        w(f"  {r['measure']:<30} mart {_fmt(r['mart']):>22}   traced {_fmt(r['traced']):>22}"
          f"   ({r['lines']:,} {r['side']} line(s))  {status}")
    bad = [c for c in result.checks if not c["ok"]]
    if result.checks:
        names = sorted({c["check"] for c in result.checks})
        if len(result.checks) <= 5:
            for c in result.checks:
                w(f"  {c['check']:<30} mart {_fmt(c['mart']):>22}   recomputed "
                  f"{_fmt(c['recomputed']):>18}   = {c['formula']}  {'OK' if c['ok'] else 'MISMATCH'}")
        else:
            n_rows = len({c["row_key"] for c in result.checks})
            w(f"  {', '.join(names)}: recomputed from the traced lines for each of the {n_rows} rows: "
              + ("all equal the mart" if not bad else f"{len(bad)} of {len(result.checks)} differ"))
            for c in bad[:10]:
                w(f"    MISMATCH {c['check']} row {c['row_key']}: mart {_fmt(c['mart'])}, "
                  f"recomputed {_fmt(c['recomputed'])} = {c['formula']}")
    w()
    w("RECONCILED: the traced lines give the mart figure" if result.reconciled else
      "NOT RECONCILED: see the differences above")
