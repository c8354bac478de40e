"""The mart's ratios recomputed from the traced lines (the `checks` of a trace): absorption %,
efficiency %, achievement %, SAKIP scores. Each `*_checks(con, rows, lines)` returns one check per
selected mart row: the mart's value, the recomputed one, the formula with its numbers, ok."""
from __future__ import annotations

from decimal import Decimal

PCT_TOLERANCE = 1e-6      # ratios leave the marts rounded to 6 decimals


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


def absorption_checks(con, rows, lines):
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


def efficiency_checks(con, rows, lines):
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


def indicator_checks(con, rows, lines):
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


def sakip_score_checks(con, rows, lines):
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


def sakip_component_checks(con, rows, lines):
    comps = _component_scores(lines)
    out = []
    for r in rows:
        raw, w = comps.get((r["sakip_component_key"], r["component_code"]), (None, None))
        score = _capped(raw, w) if raw is not None else None
        out.append(_check("score", r, "sakip_component_key", r["score"], score,
                          f"min(max({raw}, 0), weight {w})"))
    return out
