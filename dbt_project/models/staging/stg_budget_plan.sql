-- Disbursement plan (RPD / Halaman III DIPA / anggaran kas): latest version per natural key
-- (fiscal_year, work_unit_code, spending_type, month, revision_no; NULL revision = '').
with latest as (
    {{ latest_version(source('raw', 'budget_plan'),
        ['fiscal_year', 'work_unit_code', 'spending_type', 'month', 'revision_no']) }}
)

select
    {{ pbk_key(['fiscal_year', 'work_unit_code', 'spending_type', 'month', 'revision_no']) }} as budget_plan_key,
    cast(fiscal_year as integer) as fiscal_year,
    {{ clean_code('work_unit_code') }} as work_unit_code,
    {{ clean_code('spending_type') }} as spending_type,
    cast(month as integer) as month,
    cast(planned_amount as decimal(38, 2)) as planned_amount,
    cast(revision_no as integer) as revision_no,
    {{ lineage_columns() }}
from latest
