-- Reconciliation: per fiscal year, the current budget of core.fact_budget (is_current_revision)
-- equals the raw total of the latest revision of every work unit: latest version per natural key
-- (nullable funding_source compared as ''), then only the lines of the unit's highest revision_no.
-- Computed here independently of the staging macros. Only a key with a line outside the largest
-- load can have two versions (a repeat inside one file is quarantined at ingest), so only those
-- keys are aggregated to their latest version; every other line is the only one of its key.
-- Runs after the marts (depends_on below) so that this scan of the raw table does not hold up
-- the models downstream of the fact; a failure still fails the build before anything is published.
-- depends_on: {{ ref('mart_budget_performance') }}
with raw_lines as (
    select
        fiscal_year, work_unit_code, revision_no, amount, _ingested_at, _load_id, _source_row,
        coalesce(work_unit_code, '') as k_work_unit,
        coalesce(program_code, '') as k_program,
        coalesce(activity_code, '') as k_activity,
        coalesce(output_code, '') as k_output,
        coalesce(account_code, '') as k_account,
        coalesce(funding_source, '') as k_funding
    from {{ source('raw', 'budget') }}
),

largest_load as (
    select _load_id from raw_lines group by _load_id order by count(*) desc, _load_id desc limit 1
),

contested as (
    select distinct fiscal_year, k_work_unit, k_program, k_activity, k_output, k_account,
        k_funding, revision_no
    from raw_lines
    where _load_id <> (select _load_id from largest_load)
),

tagged as (
    select r.*, c.fiscal_year is not null as is_contested
    from raw_lines as r
    left join contested as c
        on c.fiscal_year = r.fiscal_year and c.k_work_unit = r.k_work_unit
        and c.k_program = r.k_program and c.k_activity = r.k_activity
        and c.k_output = r.k_output and c.k_account = r.k_account
        and c.k_funding = r.k_funding and c.revision_no = r.revision_no
),

raw_latest as (
    select fiscal_year, work_unit_code, revision_no, amount from tagged where not is_contested
    union all
    select fiscal_year, work_unit_code, revision_no,
        {{ latest_value('amount', ['_ingested_at', '_load_id', '_source_row']) }}
    from tagged
    where is_contested
    group by fiscal_year, work_unit_code, k_work_unit, k_program, k_activity, k_output, k_account,
        k_funding, revision_no
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
