-- Efficiency per output (fiscal_year, work_unit_code, output_code), PMK 214/PMK.02/2017 terms:
--   PAK = current pagu of the output (budget_amount), RAK = realization net of refunds
--   (realized_amount), TVK / RVK = target / realized volume of the latest volume report of the
--   year, CK = RVK / TVK x 100 (output_achievement; capped only when rule_achievement says so,
--   never under PMK 214/2017).
--   efficiency_pct (per output) = (PAK x CK - RAK) / (PAK x CK) x 100, which is algebraically
--   PMK 249/PMK.02/2011's [1 - (RAK / RVK) / (PAK / TVK)] x 100. The unit-level E (ratio of sums
--   or mean, by rule) is in mart_budget_performance. efficiency_score is the output's NE =
--   50 + (E / 20) x 50 with E clamped to [-20, 20] (rule_efficiency), within [0, 100].
--   planned_unit_cost = PAK / TVK; realized_unit_cost = RAK / RVK; cost_standard_unit_cost is the
--   SBK/SBM unit cost named by the volume report (the work unit's province first, else national).
-- E is never derived from absorption ratios. NULL when PAK x CK is 0 or there is no volume data.
-- Percentages rounded to 6 decimals, unit costs and earned budget to the cent.
with outputs as (
    select * from {{ ref('int_work_unit_output') }}
),

pak as (
    select fiscal_year, work_unit_code, output_code, sum(budget_amount) as budget_amount
    from {{ ref('fact_budget') }}
    where is_current_revision
    group by fiscal_year, work_unit_code, output_code
),

rak as (
    select fiscal_year, work_unit_code, output_code, sum(realized_amount) as realized_amount
    from {{ ref('fact_realization') }}
    group by fiscal_year, work_unit_code, output_code
),

volumes as (
    select * from (
        select
            v.*,
            row_number() over (
                partition by fiscal_year, work_unit_code, output_code
                order by period_month desc
            ) as rn
        from {{ ref('fact_output_achievement') }} as v
    ) as ranked
    where rn = 1
),

units as (
    select work_unit_code, instansi_code, gov_level from {{ ref('dim_work_unit') }}
),

cost_candidates as (
    select
        v.fiscal_year, v.work_unit_code, v.output_code,
        c.unit_cost,
        row_number() over (
            partition by v.fiscal_year, v.work_unit_code, v.output_code
            order by case when c.region_code is not null then 0 else 1 end
        ) as rn
    from volumes as v
    join {{ ref('dim_cost_standard') }} as c
        on c.fiscal_year = v.fiscal_year
        and c.standard_code = v.cost_standard_code
        and (
            c.region_code is null
            or (v.work_unit_code like '%.%' and c.region_code = substr(v.work_unit_code, 1, 2))
        )
),

base as (
    select
        o.fiscal_year,
        o.work_unit_code,
        o.output_code,
        o.program_code,
        o.activity_code,
        o.program_key,
        o.is_resolved,
        cast(coalesce(p.budget_amount, 0) as decimal(38, 2)) as budget_amount,
        cast(coalesce(r.realized_amount, 0) as decimal(38, 2)) as realized_amount,
        v.period_month as volume_period_month,
        v.output_unit,
        v.target_volume,
        v.realized_volume,
        v.output_achievement_pct,
        v.data_issue as volume_data_issue,
        v.cost_standard_code,
        cc.unit_cost as cost_standard_unit_cost,
        e.rule_id,
        e.e_lower_pct,
        e.e_upper_pct,
        e.score_at_lower,
        e.score_at_upper,
        ck.rule_id as output_rule_id,
        {{ bounded('v.output_achievement_pct', 'ck.floor_pct', 'ck.cap_pct') }} as output_achievement
    from outputs as o
    left join pak as p
        on p.fiscal_year = o.fiscal_year and p.work_unit_code = o.work_unit_code and p.output_code = o.output_code
    left join rak as r
        on r.fiscal_year = o.fiscal_year and r.work_unit_code = o.work_unit_code and r.output_code = o.output_code
    left join volumes as v
        on v.fiscal_year = o.fiscal_year and v.work_unit_code = o.work_unit_code and v.output_code = o.output_code
    left join cost_candidates as cc
        on cc.fiscal_year = o.fiscal_year and cc.work_unit_code = o.work_unit_code
        and cc.output_code = o.output_code and cc.rn = 1
    left join {{ ref('rule_efficiency') }} as e
        on {{ rule_in_force('e', 'o.fiscal_year') }}
    left join {{ ref('rule_achievement') }} as ck
        on ck.subject = 'output' and {{ rule_in_force('ck', 'o.fiscal_year') }}
),

earned as (
    select
        base.*,
        output_achievement is not null as has_volume_data,
        -- PAK x CK: the budget earned by the output delivered
        case when output_achievement is not null
            then cast(budget_amount as {{ pbk_double() }}) * output_achievement / 100
        end as earned_budget_amount
    from base
),

computed as (
    select
        earned.*,
        case when earned_budget_amount > 0
            then (earned_budget_amount - cast(realized_amount as {{ pbk_double() }})) * 100 / earned_budget_amount
        end as efficiency_raw
    from earned
)

select
    {{ pbk_key(['c.fiscal_year', 'c.work_unit_code', 'c.output_code']) }} as efficiency_key,
    cast(c.fiscal_year as integer) as fiscal_year,
    u.instansi_code,
    u.gov_level,
    c.work_unit_code,
    c.program_key,
    c.program_code,
    c.activity_code,
    c.output_code,
    c.is_resolved,
    c.budget_amount,
    c.realized_amount,
    cast(c.volume_period_month as integer) as volume_period_month,
    c.output_unit,
    cast(c.target_volume as {{ pbk_double() }}) as target_volume,
    cast(c.realized_volume as {{ pbk_double() }}) as realized_volume,
    {{ pbk_round('c.output_achievement') }} as output_achievement,
    {{ pbk_round('c.output_achievement_pct') }} as output_achievement_uncapped,
    c.has_volume_data,
    c.volume_data_issue,
    {{ pbk_round('c.earned_budget_amount', 2) }} as earned_budget_amount,
    {{ pbk_round(safe_divide('c.budget_amount', 'c.target_volume'), 2) }} as planned_unit_cost,
    {{ pbk_round(safe_divide('c.realized_amount', 'c.realized_volume'), 2) }} as realized_unit_cost,
    c.cost_standard_code,
    cast(c.cost_standard_unit_cost as decimal(38, 2)) as cost_standard_unit_cost,
    {{ pbk_round('c.efficiency_raw') }} as efficiency_pct,
    {{ pbk_round(efficiency_score('c.efficiency_raw', 'c')) }} as efficiency_score,
    c.rule_id,
    c.output_rule_id
from computed as c
left join units as u
    on u.work_unit_code = c.work_unit_code
