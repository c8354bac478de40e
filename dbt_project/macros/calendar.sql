{#- Calendar helpers of dim_date and the monthly marts: quarters, month ends, Indonesian names. -#}

{#- Quarter (triwulan) of a month number 1..12. -#}
{% macro quarter_of_month(month) -%}
    (case when {{ month }} <= 3 then 1 when {{ month }} <= 6 then 2 when {{ month }} <= 9 then 3 else 4 end)
{%- endmacro %}

{#- Last day of a (year, month) as a DATE, portable. -#}
{% macro month_end_date(year, month) -%}
    {{ dbt.last_day(
        "cast(" ~ dbt.concat(["cast(" ~ year ~ " as " ~ dbt.type_string() ~ ")", "'-'",
                                "lpad(cast(" ~ month ~ " as " ~ dbt.type_string() ~ "), 2, '0')", "'-01'"]) ~ " as date)",
        "month") }}
{%- endmacro %}

{#- Indonesian month name of a month number. -#}
{% macro indonesian_month_name(month) -%}
    (case {{ month }}
        when 1 then 'Januari' when 2 then 'Februari' when 3 then 'Maret' when 4 then 'April'
        when 5 then 'Mei' when 6 then 'Juni' when 7 then 'Juli' when 8 then 'Agustus'
        when 9 then 'September' when 10 then 'Oktober' when 11 then 'November' when 12 then 'Desember'
    end)
{%- endmacro %}

{#- Indonesian day name of an ISO day of week (1 = Monday). -#}
{% macro indonesian_day_name(iso_dow) -%}
    (case {{ iso_dow }}
        when 1 then 'Senin' when 2 then 'Selasa' when 3 then 'Rabu' when 4 then 'Kamis'
        when 5 then 'Jumat' when 6 then 'Sabtu' when 7 then 'Minggu'
    end)
{%- endmacro %}

{#- A date plus a number of days, and the days from one date to another. dbt's cross-database
    dateadd/datediff on Spark go through Unix timestamps and lose the dates under
    spark.sql.timestampType=TIMESTAMP_NTZ; Spark's own date_add/datediff are exact. -#}
{% macro add_days(date_expr, days) -%}
    {{ return(adapter.dispatch('add_days')(date_expr, days)) }}
{%- endmacro %}

{% macro default__add_days(date_expr, days) -%}
    cast({{ dbt.dateadd('day', days, date_expr) }} as date)
{%- endmacro %}

{% macro spark__add_days(date_expr, days) -%}
    date_add({{ date_expr }}, cast({{ days }} as int))
{%- endmacro %}

{% macro days_between(start_date, end_date) -%}
    {{ return(adapter.dispatch('days_between')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__days_between(start_date, end_date) -%}
    {{ dbt.datediff(start_date, end_date, 'day') }}
{%- endmacro %}

{% macro spark__days_between(start_date, end_date) -%}
    datediff({{ end_date }}, {{ start_date }})
{%- endmacro %}

{#- dbt.last_day on Spark: Spark's last_day for a month (dbt's default goes through dateadd, see
    add_days). -#}
{% macro spark__last_day(date, datepart) -%}
    {%- if datepart == 'month' -%}
        last_day({{ date }})
    {%- else -%}
        {{ dbt.default_last_day(date, datepart) }}
    {%- endif -%}
{%- endmacro %}
