-- Cost standards SBM (input) / SBK (output): latest version per natural key (fiscal_year,
-- standard_code, region_code; NULL region = '' = national).
with latest as (
    {{ latest_version(source('raw', 'cost_standard'),
        ['fiscal_year', 'standard_code', 'region_code']) }}
)

select
    {{ pbk_key(['fiscal_year', 'standard_code', 'region_code']) }} as cost_standard_key,
    cast(fiscal_year as integer) as fiscal_year,
    upper(trim(standard_type)) as standard_type,
    {{ clean_code('standard_code') }} as standard_code,
    trim(description) as description,
    trim(unit) as unit,
    {{ clean_code('region_code') }} as region_code,
    cast(unit_cost as decimal(38, 2)) as unit_cost,
    {{ lineage_columns() }}
from latest
