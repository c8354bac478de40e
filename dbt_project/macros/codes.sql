{#- Spending type of a native account code (DESIGN.md "Extract contracts"):
    central akun (6 digits): the first two digits ('521211' -> '52');
    regional kode rekening (Permendagri 90/2019): '5.1.xx' for belanja operasi
    ('5.1.02.01.01.0001' -> '5.1.02'), '5.2' / '5.3' / '5.4' otherwise.
    Also accepts a spending type given as such ('52', '5.1.02', '5.2'). -#}
{% macro spending_type_code(code) -%}
    (case
        when {{ code }} is null then null
        when {{ code }} not like '%.%' then substr({{ code }}, 1, 2)
        when {{ code }} like '5.1.%' then substr({{ code }}, 1, 6)
        else substr({{ code }}, 1, 3)
    end)
{%- endmacro %}

{#- Government level from the shape of a work-unit code: regional units are a pemda code and
    SIPD's SKPD code ('32.73.1.02.0.00.0.00.01.0000'), central satker codes are 6 digits
    (ingest/codes.py holds the catalogue). -#}
{% macro gov_level_of_work_unit(code) -%}
    (case when {{ code }} like '%.%' then 'daerah' else 'pusat' end)
{%- endmacro %}

{#- Pemda (instansi) of a regional work unit: the code before its 22-character SKPD part
    ('32.73.1.02.0.00.0.00.01.0000' -> '32.73', '32.1.02.0.00.0.00.01.0000' -> '32'). NULL for
    central satker and for an SKPD code loaded without its pemda. -#}
{% macro regional_instansi_of_work_unit(code) -%}
    (case
        when {{ code }} like '%.%' and {{ dbt.length(code) }} in (25, 28)
            then substr({{ code }}, 1, {{ dbt.length(code) }} - 23)
        else null
    end)
{%- endmacro %}

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
