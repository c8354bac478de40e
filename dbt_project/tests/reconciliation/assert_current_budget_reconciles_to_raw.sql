-- Reconciliation: per fiscal year, the current budget of core.fact_budget (is_current_revision)
-- equals the raw total of the latest revision of every work unit: latest version per natural key
-- (nullable funding_source compared as ''), then only the lines of the unit's highest revision_no.
-- Computed here independently of the staging macros. Only a key with a line outside the largest
-- load can have two versions (a repeat inside one file is quarantined at ingest), so only those
-- keys are aggregated to their latest version; every other line is the only one of its key. Each
-- branch scans raw.budget itself (a CTE read twice would be materialised).
-- Runs after the marts (depends_on below) so that this scan of the raw table does not hold up
-- the models downstream of the fact; a failure still fails the build before anything is published.
-- depends_on: {{ ref('mart_budget_performance') }}
{%- set raw = source('raw', 'budget') %}
{%- set keys = ['fiscal_year', 'work_unit_code', 'program_code', 'activity_code', 'output_code',
                'account_code', 'funding_source', 'revision_no'] %}
with contested as (
    select distinct
        {%- for k in keys %}
        coalesce(cast({{ k }} as {{ dbt.type_string() }}), '') as k_{{ k }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ raw }}
    where _load_id <> (
        select _load_id from {{ raw }} group by _load_id order by count(*) desc, _load_id desc limit 1
    )
),

raw_latest as (
    select r.fiscal_year, r.work_unit_code, r.revision_no, r.amount
    from {{ raw }} as r
    left join contested as c
        on {% for k in keys -%}
        c.k_{{ k }} = coalesce(cast(r.{{ k }} as {{ dbt.type_string() }}), ''){{ " and " if not loop.last }}
        {%- endfor %}
    where c.k_fiscal_year is null
    union all
    select r.fiscal_year, r.work_unit_code, r.revision_no,
        {{ latest_value('r.amount', ['r._ingested_at', 'r._load_id', 'r._source_row']) }}
    from {{ raw }} as r
    join contested as c
        on {% for k in keys -%}
        c.k_{{ k }} = coalesce(cast(r.{{ k }} as {{ dbt.type_string() }}), ''){{ " and " if not loop.last }}
        {%- endfor %}
    group by r.fiscal_year, r.work_unit_code, r.revision_no{% for k in keys %}, c.k_{{ k }}{% endfor %}
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
