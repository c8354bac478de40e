-- Indicator achievement (capaian kinerja) per fiscal year, month, institution, work unit and
-- indicator. achievement_pct is the uncapped formula of fact_indicator_achievement (max: R/T;
-- min: (2T - R)/T; range: 100 inside [L, U], R/U above, R/L below; x 100). achievement_score
-- bounds it with the rule's floor and cap (rule_achievement, subject 'indicator', e.g. 120), and
-- achievement_category bands the score (Permendagri 86/2017: > 90 sangat tinggi, > 75-90 tinggi,
-- > 65-75 sedang, > 50-65 rendah, <= 50 sangat rendah). A zero target is a data error: no
-- achievement, no score, no category (data_issue = 'target_zero').
with measurements as (
    select * from {{ ref('fact_indicator_achievement') }}
),

indicators as (
    select indicator_key, indicator_name, parent_indicator_code, level_rank
    from {{ ref('dim_indicator') }}
),

scored as (
    select
        m.*,
        i.indicator_name,
        i.parent_indicator_code,
        r.rule_id,
        {{ bounded('m.achievement_pct', 'r.floor_pct', 'r.cap_pct') }} as achievement_score
    from measurements as m
    left join indicators as i
        on i.indicator_key = m.indicator_key
    left join {{ ref('rule_achievement') }} as r
        on r.subject = 'indicator' and {{ rule_in_force('r', 'm.fiscal_year') }}
)

select
    s.indicator_achievement_key,
    s.indicator_key,
    cast(s.fiscal_year as integer) as fiscal_year,
    cast(s.period_month as integer) as period_month,
    {{ month_end_date('s.fiscal_year', 's.period_month') }} as period_end_date,
    s.instansi_code,
    s.work_unit_code,
    s.indicator_code,
    s.indicator_name,
    s.level,
    s.parent_indicator_code,
    s.polarity,
    s.unit,
    s.program_code,
    s.activity_code,
    s.output_code,
    s.target,
    s.target_upper,
    s.realization,
    cast(s.achievement_pct as {{ pbk_double() }}) as achievement_pct,
    cast(s.achievement_score as {{ pbk_double() }}) as achievement_score,
    c.category as achievement_category,
    s.data_issue,
    s.rule_id
from scored as s
left join {{ ref('rule_achievement_category') }} as c
    on c.rule_id = s.rule_id
    and {{ in_band('s.achievement_score', 'c') }}
