-- Reconciliation: per fiscal year, the current budget of core.fact_budget (is_current_revision)
-- equals the raw total of the latest revision of every work unit: latest version per natural key
-- (nullable funding_source compared as ''), then only the lines of the unit's highest revision_no.
-- Computed independently of the staging macros: macros/reconciliation.sql.
-- Runs after the marts (depends_on below) so that this scan of the raw table does not hold up
-- the models downstream of the fact; a failure still fails the build before anything is published.
-- depends_on: {{ ref('mart_budget_performance') }}
with raw_latest as (
    {{ raw_latest_lines(source('raw', 'budget'),
        ['fiscal_year', 'work_unit_code', 'program_code', 'activity_code', 'output_code',
         'account_code', 'funding_source', 'revision_no'],
        ['fiscal_year', 'work_unit_code', 'revision_no']) | indent(4) }}
),

last_revisions as (
    select fiscal_year, coalesce(work_unit_code, '') as k_work_unit, max(revision_no) as last_revision
    from raw_latest
    group by fiscal_year, coalesce(work_unit_code, '')
),

raw_totals as (
    select l.fiscal_year, sum(l.amount) as raw_amount
    from raw_latest as l
    join last_revisions as v
        on v.fiscal_year = l.fiscal_year and v.k_work_unit = coalesce(l.work_unit_code, '')
        and v.last_revision = l.revision_no
    group by l.fiscal_year
),

fact_totals as (
    select fiscal_year, sum(budget_amount) as fact_amount
    from {{ ref('fact_budget') }}
    where is_current_revision
    group by fiscal_year
)

select coalesce(r.fiscal_year, f.fiscal_year) as fiscal_year, r.raw_amount, f.fact_amount
from raw_totals as r
full outer join fact_totals as f
    on f.fiscal_year = r.fiscal_year
where r.raw_amount is null or f.fact_amount is null or r.raw_amount <> f.fact_amount
