-- Reconciliation: per fiscal year, the current budget of core.fact_budget (is_current_revision)
-- equals the raw total of the latest revision of every work unit: latest version per natural key
-- (nullable funding_source compared as ''), then only the lines of the unit's highest revision_no.
-- Runs after the marts (depends_on below) so that this scan of the raw table does not hold up
-- the models downstream of the fact; a failure still fails the build before anything is published.
-- depends_on: {{ ref('mart_budget_performance') }}
with raw_ranked as (
    select
        fiscal_year, work_unit_code, revision_no, amount,
        row_number() over (
            partition by fiscal_year, work_unit_code, program_code, activity_code, output_code,
                account_code, coalesce(funding_source, ''), revision_no
            order by _ingested_at desc, _load_id desc, _source_row desc
        ) as version_rank
    from {{ source('raw', 'budget') }}
),

raw_latest as (
    select *, max(revision_no) over (partition by fiscal_year, work_unit_code) as last_revision
    from raw_ranked
    where version_rank = 1
),

raw_totals as (
    select fiscal_year, sum(amount) as raw_amount
    from raw_latest
    where revision_no = last_revision
    group by fiscal_year
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
