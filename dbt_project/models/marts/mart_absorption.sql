-- Monthly budget absorption (penyerapan anggaran) per work unit, program and conformed spending
-- category, against the plan (Halaman III DIPA / anggaran kas) and the IKPA quarterly targets.
--
--   absorption_pct = cumulative realization (net of refunds) / current pagu x 100
--     current pagu = the lines of the unit's latest revision (DESIGN.md), for every month of the
--     year, also months before a mid-year revision; minus blokir when the rule says so
--     (rule_absorption.deduct_blocked; PER-5/PB/2024 Pasal 9).
--   deviation_pct = |realized in month - planned in month| / planned in month x 100 (IKPA
--     deviasi Halaman III DIPA); NULL when nothing was planned for the month.
--   quarter_target_pct = cumulative IKPA target of the month's quarter for the spending
--     category (aggregate '*' row when the category has none); month_target_pct pro-rates it
--     linearly from the previous quarter's target, so at quarter ends (March, June, September,
--     December) it equals the quarter target; on_track = absorption_pct >= month_target_pct.
--
-- The plan exists per work unit and spending type only (no program): it is allocated to the
-- unit's programs by their share of the category's current pagu (equally when that pagu is 0;
-- to a row with program_code NULL when the category has no budget nor realization at all), so
-- summing planned amounts over programs gives the unit's plan (up to cent rounding).
-- Months run from 1 to the latest month with realization in the fiscal year (12 when none).
-- Percentages are ratios of sums (aggregate the amount columns, never the percentages), rounded
-- to 6 decimals; on_track compares unrounded values.
with accounts as (
    select account_code, spending_category from {{ ref('dim_account') }}
),

units as (
    select work_unit_code, instansi_code, gov_level from {{ ref('dim_work_unit') }}
),

current_budget as (
    select
        b.fiscal_year,
        b.work_unit_code,
        b.program_code,
        a.spending_category,
        sum(b.budget_amount) as budget_amount,
        sum(b.blocked_amount) as blocked_amount,
        max(b.current_revision_no) as current_revision_no
    from {{ ref('fact_budget') }} as b
    join accounts as a
        on a.account_code = b.account_code
    where b.is_current_revision
    group by b.fiscal_year, b.work_unit_code, b.program_code, a.spending_category
),

realized_month as (
    select
        r.fiscal_year,
        r.work_unit_code,
        r.program_code,
        a.spending_category,
        r.period_month as month,
        sum(r.realized_amount) as realized_amount,
        sum(case when r.is_refund then r.realized_amount else 0 end) as refund_amount,
        count(*) as transaction_count
    from {{ ref('fact_realization') }} as r
    join accounts as a
        on a.account_code = r.account_code
    group by r.fiscal_year, r.work_unit_code, r.program_code, a.spending_category, r.period_month
),

plan_month as (
    select fiscal_year, work_unit_code, spending_category, month, sum(planned_amount) as planned_amount
    from {{ ref('fact_budget_plan') }}
    where is_current_revision
    group by fiscal_year, work_unit_code, spending_category, month
),

as_of as (
    -- from the monthly sums, not the lines again: a second read of the 20M lines would be
    -- materialised by DuckDB as a common subplan (every account of a line is in dim_account, so
    -- the months are the same)
    select fiscal_year, max(month) as as_of_month
    from realized_month
    group by fiscal_year
),

program_grain as (
    select fiscal_year, work_unit_code, program_code, spending_category from current_budget
    union
    select fiscal_year, work_unit_code, program_code, spending_category from realized_month
),

category_totals as (
    select
        g.fiscal_year, g.work_unit_code, g.spending_category,
        sum(coalesce(cb.budget_amount, 0)) as category_budget_amount,
        count(*) as program_count
    from program_grain as g
    left join current_budget as cb
        on cb.fiscal_year = g.fiscal_year
        and cb.work_unit_code = g.work_unit_code
        and cb.program_code = g.program_code
        and cb.spending_category = g.spending_category
    group by g.fiscal_year, g.work_unit_code, g.spending_category
),

plan_only_grain as (
    select distinct
        p.fiscal_year, p.work_unit_code,
        cast(null as {{ dbt.type_string() }}) as program_code,
        p.spending_category
    from plan_month as p
    left join category_totals as c
        on c.fiscal_year = p.fiscal_year
        and c.work_unit_code = p.work_unit_code
        and c.spending_category = p.spending_category
    where c.fiscal_year is null
),

grain as (
    select
        g.fiscal_year, g.work_unit_code, g.program_code, g.spending_category,
        case
            when c.category_budget_amount > 0
                then cast(coalesce(cb.budget_amount, 0) as {{ pbk_double() }}) / c.category_budget_amount
            else 1.0 / c.program_count
        end as plan_share
    from program_grain as g
    join category_totals as c
        on c.fiscal_year = g.fiscal_year
        and c.work_unit_code = g.work_unit_code
        and c.spending_category = g.spending_category
    left join current_budget as cb
        on cb.fiscal_year = g.fiscal_year
        and cb.work_unit_code = g.work_unit_code
        and cb.program_code = g.program_code
        and cb.spending_category = g.spending_category
    union all
    select fiscal_year, work_unit_code, program_code, spending_category, 1.0 as plan_share
    from plan_only_grain
),

months as (
    {%- for m in range(1, 13) %}
    select {{ m }} as month{% if not loop.last %} union all{% endif %}
    {%- endfor %}
),

spine as (
    select
        g.*,
        m.month,
        {{ quarter_of_month('m.month') }} as quarter,
        coalesce(o.as_of_month, 12) as as_of_month
    from grain as g
    cross join months as m
    left join as_of as o
        on o.fiscal_year = g.fiscal_year
    where m.month <= coalesce(o.as_of_month, 12)
),

measured as (
    select
        s.fiscal_year,
        s.month,
        s.quarter,
        s.as_of_month,
        s.work_unit_code,
        s.program_code,
        s.spending_category,
        cb.current_revision_no,
        cast(coalesce(cb.budget_amount, 0) as decimal(38, 2)) as budget_amount,
        cast(coalesce(cb.blocked_amount, 0) as decimal(38, 2)) as blocked_amount,
        cast(coalesce(rm.realized_amount, 0) as decimal(38, 2)) as realized_amount,
        cast(coalesce(rm.refund_amount, 0) as decimal(38, 2)) as refund_amount,
        coalesce(rm.transaction_count, 0) as transaction_count,
        cast(coalesce(p.planned_amount, 0) * s.plan_share as decimal(38, 2)) as planned_amount,
        s.plan_share
    from spine as s
    left join current_budget as cb
        on cb.fiscal_year = s.fiscal_year
        and cb.work_unit_code = s.work_unit_code
        and cb.program_code = s.program_code
        and cb.spending_category = s.spending_category
    left join realized_month as rm
        on rm.fiscal_year = s.fiscal_year
        and rm.work_unit_code = s.work_unit_code
        and rm.program_code = s.program_code
        and rm.spending_category = s.spending_category
        and rm.month = s.month
    left join plan_month as p
        on p.fiscal_year = s.fiscal_year
        and p.work_unit_code = s.work_unit_code
        and p.spending_category = s.spending_category
        and p.month = s.month
),

cumulated as (
    select
        measured.*,
        sum(realized_amount) over (
            partition by fiscal_year, work_unit_code, program_code, spending_category
            order by month rows between unbounded preceding and current row
        ) as realized_cumulative,
        sum(planned_amount) over (
            partition by fiscal_year, work_unit_code, program_code, spending_category
            order by month rows between unbounded preceding and current row
        ) as planned_cumulative
    from measured
),

ruled as (
    select
        c.*,
        r.rule_id,
        r.deduct_blocked,
        r.deviation_tolerance_pct,
        case when r.deduct_blocked then c.budget_amount - c.blocked_amount else c.budget_amount end
            as absorption_base_amount,
        coalesce(t_cat.target_pct, t_all.target_pct) as quarter_target_pct,
        case when c.quarter = 1 then 0 else coalesce(p_cat.target_pct, p_all.target_pct) end
            as previous_quarter_target_pct
    from cumulated as c
    left join {{ ref('rule_absorption') }} as r
        on {{ rule_in_force('r', 'c.fiscal_year') }}
    left join {{ ref('rule_absorption_target') }} as t_cat
        on t_cat.rule_id = r.rule_id and t_cat.quarter = c.quarter
        and t_cat.spending_category = c.spending_category
    left join {{ ref('rule_absorption_target') }} as t_all
        on t_all.rule_id = r.rule_id and t_all.quarter = c.quarter
        and t_all.spending_category = '*'
    left join {{ ref('rule_absorption_target') }} as p_cat
        on p_cat.rule_id = r.rule_id and p_cat.quarter = c.quarter - 1
        and p_cat.spending_category = c.spending_category
    left join {{ ref('rule_absorption_target') }} as p_all
        on p_all.rule_id = r.rule_id and p_all.quarter = c.quarter - 1
        and p_all.spending_category = '*'
),

scored as (
    select
        ruled.*,
        case when absorption_base_amount > 0
            then cast(realized_cumulative as {{ pbk_double() }}) * 100 / cast(absorption_base_amount as {{ pbk_double() }})
        end as absorption_pct,
        case when planned_amount > 0
            then abs(cast(realized_amount as {{ pbk_double() }}) - cast(planned_amount as {{ pbk_double() }})) * 100
                 / cast(planned_amount as {{ pbk_double() }})
        end as deviation_pct,
        previous_quarter_target_pct
            + (quarter_target_pct - previous_quarter_target_pct) * (month - 3 * (quarter - 1)) / 3.0
            as month_target_pct
    from ruled
)

select
    {{ pbk_key(['s.fiscal_year', 's.month', 's.work_unit_code', 's.program_code', 's.spending_category']) }} as absorption_key,
    cast(s.fiscal_year as integer) as fiscal_year,
    cast(s.month as integer) as month,
    {{ month_end_date('s.fiscal_year', 's.month') }} as month_end_date,
    cast(s.quarter as integer) as quarter,
    cast(s.as_of_month as integer) as as_of_month,
    u.instansi_code,
    u.gov_level,
    s.work_unit_code,
    s.program_code,
    s.spending_category,
    cast(s.current_revision_no as integer) as current_revision_no,
    s.budget_amount,
    s.blocked_amount,
    cast(s.absorption_base_amount as decimal(38, 2)) as absorption_base_amount,
    s.realized_amount,
    s.refund_amount,
    cast(s.transaction_count as bigint) as transaction_count,
    cast(s.realized_cumulative as decimal(38, 2)) as realized_cumulative,
    {{ pbk_round('s.absorption_pct') }} as absorption_pct,
    s.planned_amount,
    cast(s.planned_cumulative as decimal(38, 2)) as planned_cumulative,
    {{ pbk_round('s.plan_share', 9) }} as plan_share,
    {{ pbk_round('s.deviation_pct') }} as deviation_pct,
    s.deviation_pct <= s.deviation_tolerance_pct as deviation_within_tolerance,
    cast(s.quarter_target_pct as {{ pbk_double() }}) as quarter_target_pct,
    {{ pbk_round('s.month_target_pct') }} as month_target_pct,
    s.absorption_pct >= s.month_target_pct as on_track,
    s.rule_id
from scored as s
left join units as u
    on u.work_unit_code = s.work_unit_code
