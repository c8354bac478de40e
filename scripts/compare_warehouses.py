"""Compare two built warehouses table by table: every table and view of `core` and `marts` (and,
with --staging, of `staging` and `intermediate`; a model that moved schema, e.g. an int_* model
from staging to intermediate, is matched by name) with EXCEPT ALL both ways.

    python scripts/compare_warehouses.py BEFORE.duckdb AFTER.duckdb [--staging]
        [--exclude _load_id,_ingested_at]

Columns are compared by name (the order may differ); columns present on one side only are
reported and left out. --exclude names columns that legitimately differ from run to run (load
ids, ingestion timestamps). Prints one line per table (rows each side, rows only before, rows
only after) and exits 1 when any table differs or exists on one side only. Both files are opened
read-only.
"""
from __future__ import annotations

import argparse
import sys

import duckdb


def relations(con, catalog: str, schemas: tuple[str, ...]) -> dict[str, str]:
    """name -> 'schema.name' of the tables and views of `schemas` in `catalog`."""
    rows = con.execute(
        "SELECT table_schema, table_name FROM information_schema.tables "
        f"WHERE table_catalog = ? AND table_schema IN ({', '.join('?' for _ in schemas)})",
        [catalog, *schemas]).fetchall()
    return {t: f"{s}.{t}" for s, t in rows}


def columns(con, catalog: str, qualified: str) -> list[str]:
    schema, table = qualified.split(".")
    return [r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_catalog = ? "
        "AND table_schema = ? AND table_name = ? ORDER BY ordinal_position",
        [catalog, schema, table]).fetchall()]


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("--staging", action="store_true", help="also staging.* and intermediate.*")
    ap.add_argument("--exclude", default="", help="comma-separated column names left out")
    args = ap.parse_args(argv)
    excluded = {c for c in args.exclude.split(",") if c}
    con = duckdb.connect()
    con.execute(f"ATTACH '{args.before}' AS a (READ_ONLY)")
    con.execute(f"ATTACH '{args.after}' AS b (READ_ONLY)")
    failed = False
    totals = {"tables": 0, "rows_before": 0, "rows_after": 0, "differing": 0, "one_side": 0}
    for layer in (("core",), ("marts",)) + ((("staging", "intermediate"),) if args.staging else ()):
        ra, rb = relations(con, "a", layer), relations(con, "b", layer)
        for name in sorted(set(ra) | set(rb)):
            if name not in ra or name not in rb:
                print(f"{(ra.get(name) or rb.get(name)):45} only {'before' if name in ra else 'after'}")
                totals["one_side"] += 1
                failed = True
                continue
            ca, cb = columns(con, "a", ra[name]), columns(con, "b", rb[name])
            cols = [c for c in ca if c in cb and c not in excluded]
            one_side = sorted((set(ca) ^ set(cb)) - excluded)
            sel = ", ".join(q(c) for c in cols)
            ta = "a." + ".".join(q(p) for p in ra[name].split("."))
            tb = "b." + ".".join(q(p) for p in rb[name].split("."))
            n_a = con.execute(f"SELECT count(*) FROM {ta}").fetchone()[0]
            n_b = con.execute(f"SELECT count(*) FROM {tb}").fetchone()[0]
            only_a = con.execute(f"SELECT count(*) FROM (SELECT {sel} FROM {ta} "
                                 f"EXCEPT ALL SELECT {sel} FROM {tb})").fetchone()[0]
            only_b = con.execute(f"SELECT count(*) FROM (SELECT {sel} FROM {tb} "
                                 f"EXCEPT ALL SELECT {sel} FROM {ta})").fetchone()[0]
            moved = "" if ra[name] == rb[name] else f" (after: {rb[name]})"
            extra = f" columns on one side only: {one_side}" if one_side else ""
            print(f"{ra[name]:45} rows {n_a:>7} / {n_b:>7}  only before {only_a}  only after {only_b}"
                  f"  ({len(cols)} columns){moved}{extra}")
            totals["tables"] += 1
            totals["rows_before"] += n_a
            totals["rows_after"] += n_b
            differs = bool(only_a or only_b or n_a != n_b)
            totals["differing"] += differs
            failed |= differs
    print(f"{totals['tables']} tables compared ({totals['rows_before']} rows before, "
          f"{totals['rows_after']} after): {totals['differing']} differ; "
          f"{totals['one_side']} on one side only")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
