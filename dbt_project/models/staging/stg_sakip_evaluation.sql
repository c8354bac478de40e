-- SAKIP evaluation results (LKE): latest version per natural key (fiscal_year, instansi_code,
-- component_code, sub_component_code; NULL sub-component = '' = the component's total).
with latest as (
    {{ latest_version(source('raw', 'sakip_evaluation'),
        ['fiscal_year', 'instansi_code', 'component_code', 'sub_component_code']) }}
)

select
    {{ pbk_key(['fiscal_year', 'instansi_code', 'component_code', 'sub_component_code']) }} as sakip_evaluation_key,
    cast(fiscal_year as integer) as fiscal_year,
    {{ clean_code('instansi_code') }} as instansi_code,
    trim(instansi_name) as instansi_name,
    trim(regulation) as regulation,
    lower(trim(component_code)) as component_code,
    lower(nullif(trim(sub_component_code), '')) as sub_component_code,
    cast(score as double) as score,
    trim(evaluator) as evaluator,
    {{ lineage_columns() }}
from latest
