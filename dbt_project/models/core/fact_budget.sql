{{
    config(
        materialized='incremental',
        unique_key='budget_line_key',
        incremental_strategy=pbk_incremental_strategy(),
        on_schema_change='fail'
    )
}}
-- Budget lines (pagu) at line x revision grain. A revision restates the work unit's whole
-- DIPA/DPA (DESIGN.md): the current budget of a unit for a fiscal year is the set of lines of its
-- highest revision_no, flagged is_current_revision; lines absent from it were removed. Earlier
-- revisions stay for history.
--
-- Incremental by load: a run re-derives every line of the (fiscal year, work unit) pairs that have
-- lines from loads not yet in the table (their current revision may have changed) and replaces
-- them (delete+insert on budget_line_key); other units cannot have changed. Staging lines never
-- disappear (raw is append-only), so this equals a full refresh.
with staged as (
    select * from {{ ref('stg_budget') }}
),

{% if is_incremental() %}
touched_units as (
    select distinct fiscal_year, work_unit_code
    from staged
    where _load_id in (
        select _load_id from staged
        {{ dbt.except() }}
        select _load_id from {{ this }}
    )
),

scoped as (
    select s.*
    from staged as s
    join touched_units as t
        on t.fiscal_year = s.fiscal_year
        and t.work_unit_code = s.work_unit_code
),
{% else %}
scoped as (
    select * from staged
),
{% endif %}

lines as (
    select
        scoped.*,
        max(revision_no) over (partition by fiscal_year, work_unit_code) as current_revision_no
    from scoped
)

select
    budget_line_key,
    budget_item_key,
    fiscal_year,
    gov_level,
    instansi_code,
    work_unit_code,
    {{ pbk_key(['program_code', 'activity_code', 'output_code']) }} as program_key,
    program_code,
    activity_code,
    output_code,
    account_code,
    funding_source,
    revision_no,
    revision_date,
    current_revision_no,
    revision_no = current_revision_no as is_current_revision,
    budget_amount,
    coalesce(blocked_amount, cast(0 as decimal(38, 2))) as blocked_amount,
    {{ lineage_columns() }}
from lines
