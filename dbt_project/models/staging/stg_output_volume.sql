-- Output volume (capaian RO / sub-kegiatan), cumulative as of the end of period_month: latest
-- version per natural key (fiscal_year, period_month, work_unit_code, output_code).
with latest as (
    {{ latest_version(source('raw', 'output_volume'),
        ['fiscal_year', 'period_month', 'work_unit_code', 'output_code']) }}
)

select
    {{ pbk_key(['fiscal_year', 'period_month', 'work_unit_code', 'output_code']) }} as output_volume_key,
    cast(fiscal_year as integer) as fiscal_year,
    cast(period_month as integer) as period_month,
    {{ clean_code('work_unit_code') }} as work_unit_code,
    {{ clean_code('output_code') }} as output_code,
    trim(output_unit) as output_unit,
    cast(target_volume as double) as target_volume,
    cast(realized_volume as double) as realized_volume,
    {{ clean_code('cost_standard_code') }} as cost_standard_code,
    {{ lineage_columns() }}
from latest
