-- A table: read by dim_program, fact_output_achievement and mart_efficiency, computed once.
-- Reads the staged budget and realization lines (the rows of core.fact_budget and
-- core.fact_realization), never the facts: core reads this model.
{{ config(materialized='table') }}
-- One row per output of a work unit and fiscal year (fiscal_year, work_unit_code, output_code),
-- the grain at which output volumes are reported (DESIGN.md output_volume natural key), with the
-- program and activity the output sits under. Output-volume rows carry no program or activity,
-- so they are resolved from the budget: the current revision first, then earlier revisions, then
-- realization lines; if an output code sits under several activities of the same unit, the one
-- with the largest amount wins (then the lowest codes). Outputs known only from volume reports
-- stay unresolved (program and activity NULL).
with budget_revisions as (
    select
        fiscal_year, work_unit_code, output_code, program_code, activity_code, revision_no,
        sum(budget_amount) as amount
    from {{ ref('stg_budget') }}
    group by 1, 2, 3, 4, 5, 6
),

budget as (
    -- the current revision of a unit and fiscal year is its highest revision_no (as in fact_budget)
    select
        fiscal_year, work_unit_code, output_code, program_code, activity_code,
        case when is_current_revision then 1 else 2 end as priority,
        sum(amount) as amount
    from (
        select
            budget_revisions.*,
            revision_no = max(revision_no) over (partition by fiscal_year, work_unit_code) as is_current_revision
        from budget_revisions
    ) as revisions
    group by 1, 2, 3, 4, 5, 6
),

realized as (
    select
        fiscal_year, work_unit_code, output_code, program_code, activity_code,
        3 as priority,
        sum(abs(realized_amount)) as amount
    from {{ ref('stg_realization') }}
    group by 1, 2, 3, 4, 5, 6
),

candidates as (
    select * from budget
    union all
    select * from realized
),

ranked as (
    select
        candidates.*,
        row_number() over (
            partition by fiscal_year, work_unit_code, output_code
            order by priority, amount desc, program_code, activity_code
        ) as candidate_rank
    from candidates
),

resolved as (
    select fiscal_year, work_unit_code, output_code, program_code, activity_code, true as is_resolved
    from ranked
    where candidate_rank = 1
),

volume_only as (
    select distinct v.fiscal_year, v.work_unit_code, v.output_code
    from {{ ref('stg_output_volume') }} as v
    left join resolved as r
        on r.fiscal_year = v.fiscal_year
        and r.work_unit_code = v.work_unit_code
        and r.output_code = v.output_code
    where r.output_code is null
),

all_outputs as (
    select * from resolved
    union all
    select
        fiscal_year, work_unit_code, output_code,
        cast(null as {{ dbt.type_string() }}) as program_code,
        cast(null as {{ dbt.type_string() }}) as activity_code,
        false as is_resolved
    from volume_only
)

select
    fiscal_year,
    work_unit_code,
    output_code,
    program_code,
    activity_code,
    {{ pbk_key(['program_code', 'activity_code', 'output_code']) }} as program_key,
    is_resolved
from all_outputs
