{#- Deterministic surrogate key: md5 of the '|'-joined text of the columns, NULL written as ''
    (DESIGN.md: nullable natural-key columns compare with NULL = ''). Deterministic keys let the
    incremental fact keep joining to dimensions rebuilt in full every run. -#}
{% macro pbk_key(columns) -%}
    {%- set parts = [] -%}
    {%- for col in columns -%}
        {%- do parts.append("coalesce(cast(" ~ col ~ " as " ~ dbt.type_string() ~ "), '')") -%}
        {%- if not loop.last -%}{%- do parts.append("'|'") -%}{%- endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}
