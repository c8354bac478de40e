-- Program structure of both budgeting systems in one dimension, at output grain:
-- program > activity (kegiatan) > output (rincian output '4209.EBA.994' centrally, sub-kegiatan
-- '1.02.02.2.02.0001' in SIPD). program_key = hash of (program_code, activity_code, output_code).
-- Members come from every code set seen: budget lines, realization lines and outputs reported
-- in output volumes (those without a budget or realization line stay unresolved: program and
-- activity NULL). Names are the latest seen in the budget.
with output_names as (
    -- latest budget line of every (program, activity, output): one window over the budget
    select program_code, activity_code, output_code, program_name, activity_name, output_name, gov_level,
        fiscal_year, revision_no, _ingested_at, _source_row
    from (
        select
            program_code, activity_code, output_code, program_name, activity_name, output_name,
            gov_level, fiscal_year, revision_no, _ingested_at, _source_row,
            row_number() over (partition by program_code, activity_code, output_code
                order by fiscal_year desc, revision_no desc, _ingested_at desc, _source_row desc) as rn
        from {{ ref('stg_budget') }}
    ) as ranked
    where rn = 1
),

program_names as (
    select program_code, program_name from (
        select program_code, program_name,
            row_number() over (partition by program_code
                order by fiscal_year desc, revision_no desc, _ingested_at desc, _source_row desc) as rn
        from output_names where program_name is not null
    ) as ranked where rn = 1
),

activity_names as (
    select program_code, activity_code, activity_name from (
        select program_code, activity_code, activity_name,
            row_number() over (partition by program_code, activity_code
                order by fiscal_year desc, revision_no desc, _ingested_at desc, _source_row desc) as rn
        from output_names where activity_name is not null
    ) as ranked where rn = 1
),

members as (
    select program_code, activity_code, output_code from {{ ref('fact_budget') }}
    union
    select program_code, activity_code, output_code from {{ ref('fact_realization') }}
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
    p.program_name,
    m.activity_code,
    a.activity_name,
    m.output_code,
    o.output_name,
    m.program_code is not null and m.activity_code is not null as is_resolved
from members as m
left join program_names as p
    on p.program_code = m.program_code
left join activity_names as a
    on a.program_code = m.program_code
    and a.activity_code = m.activity_code
left join output_names as o
    on o.program_code = m.program_code
    and o.activity_code = m.activity_code
    and o.output_code = m.output_code
