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
