"""The marts of two builds held row by row (docs/spark.md): the same dbt project built on DuckDB
and on Spark must give the same figures. Money, counts, codes, categories, grades, dates and flags
compare exactly; DOUBLE columns (ratios, scores, percentages) within TOLERANCE, relative to the
value's size (absolute below 1).

Each side is a DuckDB relation expression per mart (a table of a warehouse file, or the Parquet
folder a Spark build exported); rows are matched on every column that is not DOUBLE.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from base.sql import quote_ident

TOLERANCE = 1e-9


@dataclass
class MartDifference:
    mart: str
    rows_left: int
    rows_right: int
    only_left: int = 0            # rows (by their exact columns) only in the left build
    only_right: int = 0
    columns_differing: dict[str, int] = field(default_factory=dict)  # DOUBLE column -> rows
    columns_mismatched: list[str] = field(default_factory=list)      # name or type differs
    max_relative_difference: float = 0.0

    @property
    def equal(self) -> bool:
        return not (self.only_left or self.only_right or self.columns_differing
                    or self.columns_mismatched or self.rows_left != self.rows_right)


def compare_mart(con, mart: str, left: str, right: str) -> MartDifference:
    """Compare relation `left` with `right` (SQL relation expressions) on connection `con`."""
    def columns(rel):
        return [(r[0], r[1]) for r in con.execute(f"DESCRIBE SELECT * FROM {rel}").fetchall()]

    lcols, rcols = columns(left), columns(right)
    diff = MartDifference(mart, con.execute(f"SELECT count(*) FROM {left}").fetchone()[0],
                          con.execute(f"SELECT count(*) FROM {right}").fetchone()[0])
    if lcols != rcols:
        diff.columns_mismatched = sorted({f"{c} {t}" for c, t in set(lcols) ^ set(rcols)})
        return diff
    exact = [c for c, t in lcols if t != "DOUBLE"]
    approx = [c for c, t in lcols if t == "DOUBLE"]
    on = " AND ".join(f"l.{quote_ident(c)} IS NOT DISTINCT FROM r.{quote_ident(c)}" for c in exact)
    # rows numbered within their exact columns, so a repeated combination pairs one to one
    number = (f"row_number() OVER (PARTITION BY {', '.join(map(quote_ident, exact))} ORDER BY "
              f"{', '.join(map(quote_ident, approx)) or '1'})") if exact else "row_number() OVER ()"
    con.execute(f"CREATE OR REPLACE TEMP TABLE __cmp AS SELECT "
                + ", ".join([f"l.{quote_ident(c)} AS l_{i}" for i, c in enumerate(approx)]
                            + [f"r.{quote_ident(c)} AS r_{i}" for i, c in enumerate(approx)]
                            + ["l.__n IS NULL AS only_right", "r.__n IS NULL AS only_left"])
                + f" FROM (SELECT *, {number} AS __n FROM {left}) l "
                  f"FULL OUTER JOIN (SELECT *, {number} AS __n FROM {right}) r "
                  f"ON {on + ' AND ' if on else ''}l.__n = r.__n")
    diff.only_left, diff.only_right = con.execute(
        "SELECT count(*) FILTER (WHERE only_left), count(*) FILTER (WHERE only_right) "
        "FROM __cmp").fetchone()
    for i, c in enumerate(approx):
        rel = f"abs(l_{i} - r_{i}) / greatest(1.0, abs(l_{i}))"
        bad, worst = con.execute(
            f"SELECT count(*) FILTER (WHERE (l_{i} IS NULL) <> (r_{i} IS NULL) OR {rel} > ?), "
            f"coalesce(max({rel}), 0) FROM __cmp WHERE NOT only_left AND NOT only_right",
            [TOLERANCE]).fetchone()
        if bad:
            diff.columns_differing[c] = bad
        diff.max_relative_difference = max(diff.max_relative_difference, float(worst))
    con.execute("DROP TABLE __cmp")
    return diff
