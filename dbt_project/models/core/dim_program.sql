-- Program structure of both budgeting systems in one dimension, at output grain:
-- program > activity (kegiatan) > output (rincian output '4209.EBA.994' centrally, sub-kegiatan
-- '1.02.02.2.02.0001' in SIPD). program_key = hash of (program_code, activity_code, output_code).
-- Members come from every code set seen: budget lines, realization lines and outputs reported
-- in output volumes (those without a budget or realization line stay unresolved: program and
-- activity NULL). Names are the latest non-empty ones seen in the budget, else the code.
with output_levels as (
    -- latest budget line of every (program, activity, output): its government level
    select program_code, activity_code, output_code,
        {{ latest_value('gov_level', ['fiscal_year', 'revision_no', '_ingested_at', '_source_row']) }} as gov_level
    from {{ ref('stg_budget') }}
    group by program_code, activity_code, output_code
),

program_names as (
    {{ latest_names(ref('stg_budget_name'), ['program_code'], 'program_name') }}
),

activity_names as (
    {{ latest_names(ref('stg_budget_name'), ['program_code', 'activity_code'], 'activity_name') }}
),

named_outputs as (
    {{ latest_names(ref('stg_budget_name'), ['program_code', 'activity_code', 'output_code'], 'output_name') }}
),

members as (
    select program_code, activity_code, output_code from {{ ref('stg_budget') }}
    union
    select program_code, activity_code, output_code from {{ ref('stg_realization') }}
    union
    select program_code, activity_code, output_code from {{ ref('int_work_unit_output') }}
)

select
    {{ pbk_key(['m.program_code', 'm.activity_code', 'm.output_code']) }} as program_key,
    coalesce(
        o.gov_level,
        case
            when m.activity_code like '%.%' then 'daerah'
            when m.activity_code is not null then 'pusat'
            when m.output_code like '%.%.%.%.%' then 'daerah'
            else 'pusat'
        end
    ) as gov_level,
    m.program_code,
    coalesce(p.program_name, m.program_code) as program_name,
    m.activity_code,
    coalesce(a.activity_name, m.activity_code) as activity_name,
    m.output_code,
    coalesce(n.output_name, m.output_code) as output_name,
    m.program_code is not null and m.activity_code is not null as is_resolved
from members as m
left join program_names as p
    on p.program_code = m.program_code
left join activity_names as a
    on a.program_code = m.program_code
    and a.activity_code = m.activity_code
left join output_levels as o
    on o.program_code = m.program_code
    and o.activity_code = m.activity_code
    and o.output_code = m.output_code
left join named_outputs as n
    on n.program_code = m.program_code
    and n.activity_code = m.activity_code
    and n.output_code = m.output_code
