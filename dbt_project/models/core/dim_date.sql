-- Fiscal calendar at day grain. The Indonesian fiscal year is the calendar year (UU 17/2003
-- Pasal 4), so fiscal_year = calendar year; quarters are triwulan, halves semester. Month and
-- day names in Indonesian. The spine (vars pbk_date_spine_start / pbk_date_spine_days) is trimmed
-- to the years present in the extracts (fiscal years and dates, staging.stg_extract_year).
with spine as (
    {{ dbt.generate_series(var('pbk_date_spine_days') | int) }}
),

days as (
    select
        {{ add_days("cast('" ~ var('pbk_date_spine_start') ~ "' as date)", 'generated_number - 1') }} as date_day
    from spine
),

years as (
    select calendar_year as y from {{ ref('stg_extract_year') }}
),

bounds as (
    select min(y) as first_year, max(y) as last_year from years
),

calendar as (
    select
        d.date_day,
        cast(extract(year from d.date_day) as integer) as calendar_year,
        cast(extract(month from d.date_day) as integer) as month,
        cast(extract(day from d.date_day) as integer) as day_of_month,
        cast({{ days_between("cast('1900-01-01' as date)", 'd.date_day') }} % 7 + 1 as integer) as iso_day_of_week
    from days as d
    cross join bounds as b
    where extract(year from d.date_day) between b.first_year and b.last_year
)

select
    date_day,
    cast(calendar_year * 10000 + month * 100 + day_of_month as integer) as date_key,
    calendar_year as fiscal_year,
    cast({{ quarter_of_month('month') }} as integer) as quarter,
    cast(case when month <= 6 then 1 else 2 end as integer) as semester,
    month,
    {{ indonesian_month_name('month') }} as month_name,
    day_of_month,
    iso_day_of_week,
    {{ indonesian_day_name('iso_day_of_week') }} as day_name,
    iso_day_of_week >= 6 as is_weekend,
    cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start_date,
    cast({{ dbt.last_day('date_day', 'month') }} as date) as month_end_date,
    date_day = cast({{ dbt.last_day('date_day', 'month') }} as date) as is_month_end,
    date_day = cast({{ dbt.last_day('date_day', 'month') }} as date) and month in (3, 6, 9, 12) as is_quarter_end,
    month = 12 and day_of_month = 31 as is_fiscal_year_end
from calendar
