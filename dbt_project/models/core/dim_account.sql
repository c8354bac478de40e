-- Accounts of both systems: central akun (6 digits, the first two are the spending type) and
-- regional kode rekening (Permendagri 90/2019, '5.1.02.01.01.0001'), each mapped through
-- ref_spending_type to one conformed spending_category (pegawai, barang, modal, bansos, hibah,
-- lainnya). Members are every account code seen in budget or realization lines; names are the
-- latest non-empty ones seen in the budget, else the code. A code whose spending type is not in the reference maps to
-- 'lainnya' with is_mapped = false.
with names as (
    {{ latest_names(ref('stg_budget_name'), ['account_code'], 'account_name') }}
),

codes as (
    select account_code from {{ ref('stg_budget') }}
    union
    select account_code from {{ ref('stg_realization') }}
),

typed as (
    select
        account_code,
        {{ spending_type_code('account_code') }} as spending_type_code
    from codes
)

select
    t.account_code,
    coalesce(n.account_name, t.account_code) as account_name,
    case when t.account_code like '%.%' then 'daerah' else 'pusat' end as gov_level,
    t.spending_type_code,
    s.spending_type_name,
    coalesce(s.spending_category, 'lainnya') as spending_category,
    s.spending_type_code is not null as is_mapped
from typed as t
left join names as n
    on n.account_code = t.account_code
left join {{ ref('ref_spending_type') }} as s
    on s.spending_type_code = t.spending_type_code
