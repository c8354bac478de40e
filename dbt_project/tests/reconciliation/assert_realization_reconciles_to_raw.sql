-- Reconciliation: per fiscal year, the sum of core.fact_realization equals the sum of the latest
-- raw realization lines (latest version per natural key, computed here independently of the
-- staging macros: latest _ingested_at, then _load_id, then _source_row). Returns the fiscal years
-- that do not reconcile, with both totals.
-- Only a key with a line outside the largest load can have two versions (a repeat inside one
-- file is quarantined at ingest), so only those keys are aggregated to their latest version;
-- every other line is the only one of its key. Each branch scans raw.realization itself: a CTE
-- read twice would be materialised, 20M rows under the memory limit.
-- Runs after the marts (depends_on below) so that this scan of the raw table does not hold up
-- the models downstream of the fact; a failure still fails the build before anything is published.
-- depends_on: {{ ref('mart_budget_performance') }}
{%- set raw = source('raw', 'realization') %}
{%- set keys = ['fiscal_year', 'work_unit_code', 'document_no', 'output_code', 'account_code'] %}
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
    select r.fiscal_year, r.amount
    from {{ raw }} as r
    left join contested as c
        on {% for k in keys -%}
        c.k_{{ k }} = coalesce(cast(r.{{ k }} as {{ dbt.type_string() }}), ''){{ " and " if not loop.last }}
        {%- endfor %}
    where c.k_fiscal_year is null
    union all
    select r.fiscal_year, {{ latest_value('r.amount', ['r._ingested_at', 'r._load_id', 'r._source_row']) }}
    from {{ raw }} as r
    join contested as c
        on {% for k in keys -%}
        c.k_{{ k }} = coalesce(cast(r.{{ k }} as {{ dbt.type_string() }}), ''){{ " and " if not loop.last }}
        {%- endfor %}
    group by r.fiscal_year{% for k in keys %}, c.k_{{ k }}{% endfor %}
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
