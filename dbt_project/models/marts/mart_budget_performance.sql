-- Budget performance score (Nilai Kinerja Anggaran, aspek implementasi) per work unit and fiscal
-- year, PMK 249/PMK.02/2011 weights (rule_nka), categories PMK 2/PMK.02/2021:
--   P  absorption_score   = realized (net of refunds, up to the as-of month) / current pagu
--                           (minus blokir per rule_absorption) x 100, capped (rule, 100).
--   K  consistency_score  = 100 - mean over months 1..as-of (with a plan) of the monthly
--                           deviation |realized - planned| / planned x 100, floored (rule, 0).
--   CK output_achievement_score = geometric mean nested output > activity > program > unit
--                           (PMK 214/PMK.02/2017; outputs 100 and 90 give 94.87).
--   E  efficiency_pct     = ratio_of_sums (PMK 214/2017, FY >= 2018):
--                             sum(PAK x CK - RAK) / sum(PAK x CK) x 100 over outputs with volume
--                           mean_per_output (PMK 249/2011, FY <= 2017):
--                             mean over outputs of [1 - (RAK/RVK) / (PAK/TVK)] x 100
--                           shown unclamped.
--   NE efficiency_score   = 50 + (E / 20) x 50 with E clamped to [-20, 20] (rule_efficiency): in
--                           [0, 100] by construction.
--   NKA = (9.7 P + 18.2 K + 43.5 CK + 28.6 NE) / 100, CK capped only when the rule says so (none
--   under PMK 214/2017, whose example CKK is 111.60 %: NKA may exceed 100); NULL (and no category) when a component is
--   missing (no budget, no plan, or no output with volume data). Scores leave rounded to 6
--   decimals; the category is banded on the score rounded to 2 decimals.
with absorption as (
    select * from {{ ref('mart_absorption') }}
),

efficiency as (
    select * from {{ ref('mart_efficiency') }}
),

units as (
    select fiscal_year, work_unit_code from absorption
    union
    select fiscal_year, work_unit_code from efficiency
),

unit_absorption as (
    select
        fiscal_year,
        work_unit_code,
        max(as_of_month) as as_of_month,
        max(rule_id) as absorption_rule_id,
        sum(case when month = as_of_month then budget_amount else 0 end) as budget_amount,
        sum(case when month = as_of_month then absorption_base_amount else 0 end) as absorption_base_amount,
        sum(realized_amount) as realized_amount
    from absorption
    group by fiscal_year, work_unit_code
),

unit_month as (
    select fiscal_year, work_unit_code, month,
        sum(realized_amount) as realized_amount,
        sum(planned_amount) as planned_amount
    from absorption
    group by fiscal_year, work_unit_code, month
),

unit_consistency as (
    select
        fiscal_year,
        work_unit_code,
        avg(case when planned_amount > 0
            then abs(cast(realized_amount as {{ pbk_double() }}) - cast(planned_amount as {{ pbk_double() }})) * 100
                 / cast(planned_amount as {{ pbk_double() }})
        end) as mean_deviation_pct,
        count(case when planned_amount > 0 then 1 end) as planned_month_count
    from unit_month
    group by fiscal_year, work_unit_code
),

measured_outputs as (
    select * from efficiency where has_volume_data
),

activity_ck as (
    select fiscal_year, work_unit_code, program_code, activity_code,
        {{ geometric_mean('output_achievement') }} as ck
    from measured_outputs
    group by fiscal_year, work_unit_code, program_code, activity_code
),

program_ck as (
    select fiscal_year, work_unit_code, program_code,
        {{ geometric_mean('ck') }} as ck
    from activity_ck
    group by fiscal_year, work_unit_code, program_code
),

unit_ck as (
    select fiscal_year, work_unit_code,
        {{ geometric_mean('ck') }} as ck
    from program_ck
    group by fiscal_year, work_unit_code
),

unit_efficiency_inputs as (
    select
        fiscal_year,
        work_unit_code,
        max(rule_id) as efficiency_rule_id,
        max(output_rule_id) as output_rule_id,
        count(*) as output_count,
        count(case when has_volume_data then 1 end) as measured_output_count,
        sum(case when has_volume_data
            then cast(budget_amount as {{ pbk_double() }}) * output_achievement / 100 end) as earned_budget_amount,
        sum(case when has_volume_data then cast(realized_amount as {{ pbk_double() }}) end) as measured_realized_amount,
        avg(efficiency_pct) as mean_output_efficiency_pct
    from efficiency
    group by fiscal_year, work_unit_code
),

unit_efficiency as (
    select
        i.*,
        case
            when e.method = 'ratio_of_sums' then
                case when i.earned_budget_amount > 0
                    then (i.earned_budget_amount - i.measured_realized_amount) * 100 / i.earned_budget_amount
                end
            when e.method = 'mean_per_output' then i.mean_output_efficiency_pct
        end as efficiency_pct,
        e.e_lower_pct, e.e_upper_pct, e.score_at_lower, e.score_at_upper
    from unit_efficiency_inputs as i
    left join {{ ref('rule_efficiency') }} as e
        on e.rule_id = i.efficiency_rule_id
),

combined as (
    select
        u.fiscal_year,
        u.work_unit_code,
        a.as_of_month,
        a.budget_amount,
        a.absorption_base_amount,
        a.realized_amount,
        case when a.absorption_base_amount > 0
            then cast(a.realized_amount as {{ pbk_double() }}) * 100 / cast(a.absorption_base_amount as {{ pbk_double() }})
        end as absorption_pct,
        c.mean_deviation_pct,
        c.planned_month_count,
        k.ck as output_achievement_score,
        e.output_count,
        e.measured_output_count,
        e.efficiency_pct,
        {{ efficiency_score('e.efficiency_pct', 'e') }} as efficiency_score,
        a.absorption_rule_id,
        e.efficiency_rule_id,
        e.output_rule_id,
        n.rule_id,
        n.weight_absorption_pct,
        n.weight_consistency_pct,
        n.weight_output_achievement_pct,
        n.weight_efficiency_pct,
        n.absorption_score_cap_pct,
        n.consistency_floor_pct,
        n.output_achievement_score_cap_pct
    from units as u
    left join unit_absorption as a
        on a.fiscal_year = u.fiscal_year and a.work_unit_code = u.work_unit_code
    left join unit_consistency as c
        on c.fiscal_year = u.fiscal_year and c.work_unit_code = u.work_unit_code
    left join unit_ck as k
        on k.fiscal_year = u.fiscal_year and k.work_unit_code = u.work_unit_code
    left join unit_efficiency as e
        on e.fiscal_year = u.fiscal_year and e.work_unit_code = u.work_unit_code
    left join {{ ref('rule_nka') }} as n
        on {{ rule_in_force('n', 'u.fiscal_year') }}
),

scored as (
    select
        combined.*,
        {{ bounded('absorption_pct', '0', 'absorption_score_cap_pct') }} as absorption_score,
        case when mean_deviation_pct is not null then
            case when 100 - mean_deviation_pct < consistency_floor_pct then consistency_floor_pct
                 else 100 - mean_deviation_pct end
        end as consistency_score
    from combined
),

nka as (
    select
        scored.*,
        (weight_absorption_pct * absorption_score
            + weight_consistency_pct * consistency_score
            + weight_output_achievement_pct
                * {{ bounded('output_achievement_score', 'null', 'output_achievement_score_cap_pct') }}
            + weight_efficiency_pct * efficiency_score) / 100 as nka_score
    from scored
)

select
    {{ pbk_key(['n.fiscal_year', 'n.work_unit_code']) }} as budget_performance_key,
    cast(n.fiscal_year as integer) as fiscal_year,
    w.instansi_code,
    w.gov_level,
    n.work_unit_code,
    cast(n.as_of_month as integer) as as_of_month,
    cast(coalesce(n.budget_amount, 0) as decimal(38, 2)) as budget_amount,
    cast(coalesce(n.absorption_base_amount, 0) as decimal(38, 2)) as absorption_base_amount,
    cast(coalesce(n.realized_amount, 0) as decimal(38, 2)) as realized_amount,
    {{ pbk_round('n.absorption_pct') }} as absorption_pct,
    {{ pbk_round('n.absorption_score') }} as absorption_score,
    {{ pbk_round('n.mean_deviation_pct') }} as mean_deviation_pct,
    cast(coalesce(n.planned_month_count, 0) as bigint) as planned_month_count,
    {{ pbk_round('n.consistency_score') }} as consistency_score,
    cast(coalesce(n.output_count, 0) as bigint) as output_count,
    cast(coalesce(n.measured_output_count, 0) as bigint) as measured_output_count,
    {{ pbk_round('n.output_achievement_score') }} as output_achievement_score,
    {{ pbk_round('n.efficiency_pct') }} as efficiency_pct,
    {{ pbk_round('n.efficiency_score') }} as efficiency_score,
    {{ pbk_round('n.nka_score') }} as nka_score,
    c.category as nka_category,
    n.nka_score is not null as is_complete,
    n.rule_id,
    n.absorption_rule_id,
    n.efficiency_rule_id,
    n.output_rule_id
from nka as n
left join {{ ref('rule_nka_category') }} as c
    on c.rule_id = n.rule_id
    and {{ in_band('n.nka_score', 'c') }}
left join {{ ref('dim_work_unit') }} as w
    on w.work_unit_code = n.work_unit_code
