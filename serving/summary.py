"""What a finance user reads first after a run: row counts of the marts, the work units with the
lowest absorption, and the distribution of SAKIP grades."""
from __future__ import annotations

from base.dbt import MARTS
from base.warehouse_file import open_duckdb


def mart_summary(database) -> dict:
    con = open_duckdb(database, read_only=True)
    try:
        counts = {m: con.execute(f"SELECT count(*) FROM marts.{m}").fetchone()[0] for m in MARTS}
        # latest month of the latest fiscal year; absorption per unit as a ratio of sums
        lowest = con.execute("""
            WITH latest AS (
                SELECT fiscal_year, max(month) AS month FROM marts.mart_absorption
                WHERE fiscal_year = (SELECT max(fiscal_year) FROM marts.mart_absorption)
                GROUP BY ALL)
            SELECT a.fiscal_year, a.month, a.work_unit_code, any_value(w.work_unit_name),
                   sum(a.budget_amount) AS budget, sum(a.realized_cumulative) AS realized,
                   round(100 * sum(a.realized_cumulative) / nullif(sum(a.budget_amount), 0), 2)
            FROM marts.mart_absorption a JOIN latest USING (fiscal_year, month)
            LEFT JOIN core.dim_work_unit w USING (work_unit_code)
            GROUP BY ALL HAVING sum(a.budget_amount) > 0 ORDER BY 7, 3 LIMIT 5""").fetchall()
        grades = con.execute("""
            SELECT fiscal_year, regulation, coalesce(grade, '(incomplete)'), count(*)
            FROM marts.mart_sakip_score GROUP BY ALL
            ORDER BY fiscal_year DESC, regulation, min(coalesce(total_score, -1)) DESC""").fetchall()
    finally:
        con.close()
    return {
        "row_counts": counts,
        "lowest_absorption": [dict(zip(("fiscal_year", "month", "work_unit_code", "work_unit_name",
                                        "budget_amount", "realized_cumulative", "absorption_pct"),
                                       r)) for r in lowest],
        "sakip_grades": [dict(zip(("fiscal_year", "regulation", "grade", "institutions"), r))
                         for r in grades],
    }


