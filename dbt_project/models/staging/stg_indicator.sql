-- Performance indicators (IKU/IKK, Perjanjian Kinerja): latest version per natural key
-- (fiscal_year, period_month, instansi_code, work_unit_code, indicator_code; NULL work unit = '').
with latest as (
    {{ latest_version(source('raw', 'indicator'),
        ['fiscal_year', 'period_month', 'instansi_code', 'work_unit_code', 'indicator_code']) }}
)

select
    {{ pbk_key(['fiscal_year', 'period_month', 'instansi_code', 'work_unit_code', 'indicator_code']) }} as indicator_row_key,
    cast(fiscal_year as integer) as fiscal_year,
    cast(period_month as integer) as period_month,
    {{ clean_code('instansi_code') }} as instansi_code,
    {{ clean_code('work_unit_code') }} as work_unit_code,
    {{ clean_code('indicator_code') }} as indicator_code,
    trim(indicator_name) as indicator_name,
    lower(trim(level)) as level,
    {{ clean_code('parent_indicator_code') }} as parent_indicator_code,
    {{ clean_code('program_code') }} as program_code,
    {{ clean_code('activity_code') }} as activity_code,
    {{ clean_code('output_code') }} as output_code,
    trim(unit) as unit,
    lower(trim(polarity)) as polarity,
    cast(target as double) as target,
    cast(target_upper as double) as target_upper,
    cast(realization as double) as realization,
    {{ lineage_columns() }}
from latest
