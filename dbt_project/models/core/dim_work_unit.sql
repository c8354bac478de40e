-- Work units (satker centrally, SKPD regionally) under their institution (instansi: K/L
-- bagian anggaran or pemda). Attributes are the latest seen in the budget (fiscal year, revision,
-- ingestion). Units that appear only in other extracts are kept: their institution comes from
-- the indicator extract when it names one, else from the SKPD code ('32.04.1.02.0.00.0.00.01.0000' -> pemda
-- '32.04'); their government level from the code shape. Names: the latest non-empty one seen in
-- the budget for the unit and for its institution, else the code.
with budget_units as (
    -- of the unit's latest budget line (fiscal year, revision, ingestion, row: one line)
    select work_unit_code,
        {{ latest_value('instansi_code', ['fiscal_year', 'revision_no', '_ingested_at', '_source_row']) }} as instansi_code,
        {{ latest_value('gov_level', ['fiscal_year', 'revision_no', '_ingested_at', '_source_row']) }} as gov_level
    from {{ ref('stg_budget') }}
    group by work_unit_code
),

unit_names as (
    {{ latest_names(ref('stg_budget_name'), ['work_unit_code'], 'work_unit_name') }}
),

instansi_names as (
    {{ latest_names(ref('stg_budget_name'), ['instansi_code'], 'instansi_name') }}
),

indicator_units as (
    select work_unit_code, instansi_code from (
        select work_unit_code, instansi_code,
            row_number() over (partition by work_unit_code
                order by fiscal_year desc, period_month desc, _ingested_at desc) as rn
        from {{ ref('stg_indicator') }}
        where work_unit_code is not null
    ) as ranked
    where rn = 1
),

seen as (
    select work_unit_code, fiscal_year from {{ ref('stg_budget') }}
    union
    select work_unit_code, fiscal_year from {{ ref('stg_realization') }}
    union
    select work_unit_code, fiscal_year from {{ ref('stg_budget_plan') }}
    union
    select work_unit_code, fiscal_year from {{ ref('stg_output_volume') }}
    union
    select work_unit_code, fiscal_year from {{ ref('stg_indicator') }} where work_unit_code is not null
),

units as (
    select work_unit_code, min(fiscal_year) as first_fiscal_year, max(fiscal_year) as last_fiscal_year
    from seen
    group by work_unit_code
),

resolved as (
    select
        u.work_unit_code,
        coalesce(b.instansi_code, i.instansi_code, {{ regional_instansi_of_work_unit('u.work_unit_code') }}) as instansi_code,
        b.gov_level,
        u.first_fiscal_year,
        u.last_fiscal_year,
        b.work_unit_code is not null as in_budget
    from units as u
    left join budget_units as b
        on b.work_unit_code = u.work_unit_code
    left join indicator_units as i
        on i.work_unit_code = u.work_unit_code
)

select
    r.work_unit_code,
    coalesce(n.work_unit_name, r.work_unit_code) as work_unit_name,
    r.instansi_code,
    coalesce(m.instansi_name, r.instansi_code) as instansi_name,
    coalesce(r.gov_level, {{ gov_level_of_work_unit('r.work_unit_code') }}) as gov_level,
    r.first_fiscal_year,
    r.last_fiscal_year,
    r.in_budget
from resolved as r
left join unit_names as n
    on n.work_unit_code = r.work_unit_code
left join instansi_names as m
    on m.instansi_code = r.instansi_code
