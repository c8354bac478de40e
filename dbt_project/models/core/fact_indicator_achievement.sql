-- Performance indicator measurements (IKU/IKK, Perjanjian Kinerja) per fiscal year, month,
-- institution, work unit and indicator, with the uncapped achievement (capaian kinerja):
--   max: R / T x 100; min: (2T - R) / T x 100; range [L, U]: 100 inside, R / U above, R / L below.
-- A zero target is a data error (achievement NULL, data_issue = 'target_zero'), never 0 %.
-- Caps and categories are rules, applied in mart_indicator_achievement. Rounded to 6 decimals.
select
    indicator_row_key as indicator_achievement_key,
    {{ pbk_key(['fiscal_year', 'instansi_code', 'indicator_code']) }} as indicator_key,
    fiscal_year,
    period_month,
    {{ month_end_date('fiscal_year', 'period_month') }} as period_date,
    instansi_code,
    work_unit_code,
    indicator_code,
    level,
    polarity,
    unit,
    program_code,
    activity_code,
    output_code,
    target,
    target_upper,
    realization,
    {{ pbk_round(indicator_achievement_pct('polarity', 'target', 'target_upper', 'realization')) }} as achievement_pct,
    {{ indicator_data_issue('polarity', 'target', 'target_upper', 'realization') }} as data_issue,
    {{ lineage_columns() }}
from {{ ref('stg_indicator') }}
