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

{#- Latest version per natural key (DESIGN.md "Extract contracts"; latest load wins): among rows
    with the same natural key keep the one with the latest _ingested_at, ties broken by _load_id
    desc then _source_row desc. Nullable key columns compare with NULL = ''. Returns a subquery
    of the relation's columns. -#}
{% macro latest_version(relation, natural_key) -%}
    select * from (
        select
            src.*,
            row_number() over (
                partition by
                {%- for col in natural_key %}
                    coalesce(cast(src.{{ col }} as {{ dbt.type_string() }}), ''){{ "," if not loop.last }}
                {%- endfor %}
                order by src._ingested_at desc, src._load_id desc, src._source_row desc
            ) as _version_rank
        from {{ relation }} as src
    ) as versions
    where _version_rank = 1
{%- endmacro %}

{#- Text code cleaning for staging: trimmed, empty string -> NULL. -#}
{% macro clean_code(col) -%}
    nullif(trim({{ col }}), '')
{%- endmacro %}

{#- How incremental models replace the rows they re-derive (by unique_key): delete+insert, or
    merge on Spark and Databricks, whose adapters offer no delete+insert. -#}
{% macro pbk_incremental_strategy() -%}
    {{ return('merge' if target.type in ('spark', 'databricks') else 'delete+insert') }}
{%- endmacro %}
