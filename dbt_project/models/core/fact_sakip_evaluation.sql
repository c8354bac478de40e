-- SAKIP evaluation scores (LKE) per institution, component and optional sub-component. A row
-- without sub-component is the component's total. Weights, caps and grades are applied in the
-- SAKIP marts from the rule seeds of the row's regulation.
select
    sakip_evaluation_key,
    fiscal_year,
    instansi_code,
    instansi_name,
    regulation,
    component_code,
    sub_component_code,
    sub_component_code is null as is_component_total,
    score,
    evaluator,
    {{ lineage_columns() }}
from {{ ref('stg_sakip_evaluation') }}
