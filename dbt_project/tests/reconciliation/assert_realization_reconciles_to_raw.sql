-- Reconciliation: per fiscal year, the sum of core.fact_realization equals the sum of the latest
-- raw realization lines (latest version per natural key, computed here independently of the
-- staging macros: latest _ingested_at, then _load_id, then _source_row). Returns the fiscal years
-- that do not reconcile, with both totals.
-- How the latest lines are read: macros/reconciliation.sql.
-- Runs after the marts (depends_on below) so that this scan of the raw table does not hold up
-- the models downstream of the fact; a failure still fails the build before anything is published.
-- depends_on: {{ ref('mart_budget_performance') }}
with raw_latest as (
    {{ raw_latest_lines(source('raw', 'realization'),
        ['fiscal_year', 'work_unit_code', 'document_no', 'output_code', 'account_code'],
        ['fiscal_year']) | indent(4) }}
),

raw_totals as (
    select fiscal_year, sum(amount) as raw_amount, count(*) as raw_lines
    from raw_latest
    group by fiscal_year
),

fact_totals as (
    select fiscal_year, sum(realized_amount) as fact_amount, count(*) as fact_lines
    from {{ ref('fact_realization') }}
    group by fiscal_year
)

select
    coalesce(r.fiscal_year, f.fiscal_year) as fiscal_year,
    r.raw_amount, f.fact_amount, r.raw_lines, f.fact_lines
from raw_totals as r
full outer join fact_totals as f
    on f.fiscal_year = r.fiscal_year
where r.raw_amount is null or f.fact_amount is null
   or r.raw_amount <> f.fact_amount
   or r.raw_lines <> f.fact_lines
