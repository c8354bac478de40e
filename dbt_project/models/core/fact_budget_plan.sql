-- Disbursement plan (RPD / Halaman III DIPA / anggaran kas) by work unit, native spending type and
-- month, every revision kept. Like the budget, a plan revision restates the unit's plan: the
-- current plan is the highest revision_no of the unit and fiscal year (NULL revision = 0).
with plans as (
    select
        *,
        coalesce(revision_no, 0) as revision_no_effective,
        max(coalesce(revision_no, 0)) over (partition by fiscal_year, work_unit_code) as current_revision_no
    from {{ ref('stg_budget_plan') }}
),

types as (
    select spending_type_code, spending_category from {{ ref('ref_spending_type') }}
)

select
    p.budget_plan_key,
    p.fiscal_year,
    p.work_unit_code,
    p.spending_type as spending_type_code,
    coalesce(t.spending_category, 'lainnya') as spending_category,
    p.month,
    {{ month_end_date('p.fiscal_year', 'p.month') }} as period_date,
    p.revision_no,
    p.current_revision_no,
    p.revision_no_effective = p.current_revision_no as is_current_revision,
    p.planned_amount,
    p._load_id,
    p._source_file,
    p._source_sha256,
    p._source_row,
    p._ingested_at
from plans as p
left join types as t
    on t.spending_type_code = {{ spending_type_code('p.spending_type') }}
