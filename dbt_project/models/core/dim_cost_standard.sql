-- Cost standards per fiscal year: SBM (standar biaya masukan, input unit costs) and SBK (standar
-- biaya keluaran, output unit costs), national (region_code NULL) or per region.
select
    cost_standard_key,
    fiscal_year,
    standard_type,
    standard_code,
    description,
    unit,
    region_code,
    unit_cost
from {{ ref('stg_cost_standard') }}
