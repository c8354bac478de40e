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
    (base/codes.py holds the catalogue). -#}
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
