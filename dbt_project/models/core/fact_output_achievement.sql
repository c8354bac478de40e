-- Output volume achievement (capaian keluaran) per work unit, output and month (cumulative as of
-- the end of period_month). CK = realized_volume / target_volume x 100 (PMK 214/PMK.02/2017),
-- uncapped here (caps are rules, applied in the marts). A missing or non-positive target is a
-- data error: CK is NULL and data_issue says why. CK is rounded to 6 decimals.
with volumes as (
    select * from {{ ref('stg_output_volume') }}
),

outputs as (
    select fiscal_year, work_unit_code, output_code, program_key, program_code, activity_code
    from {{ ref('int_work_unit_output') }}
)

select
    v.output_volume_key as output_achievement_key,
    v.fiscal_year,
    v.period_month,
    {{ month_end_date('v.fiscal_year', 'v.period_month') }} as period_date,
    v.work_unit_code,
    o.program_key,
    o.program_code,
    o.activity_code,
    v.output_code,
    v.output_unit,
    v.target_volume,
    v.realized_volume,
    {{ pbk_round('case when v.target_volume > 0 and v.realized_volume is not null
            then v.realized_volume * 100 / v.target_volume end') }} as output_achievement_pct,
    case
        when v.target_volume is null then 'target_missing'
        when v.target_volume = 0 then 'target_zero'
        when v.target_volume < 0 then 'target_negative'
        when v.realized_volume is null then 'realization_missing'
    end as data_issue,
    v.cost_standard_code,
    v._load_id,
    v._source_file,
    v._source_sha256,
    v._source_row,
    v._ingested_at
from volumes as v
left join outputs as o
    on o.fiscal_year = v.fiscal_year
    and o.work_unit_code = v.work_unit_code
    and o.output_code = v.output_code
