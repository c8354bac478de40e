{#- Deterministic surrogate key: md5 of the '|'-joined text of the columns, NULL written as ''
    (DESIGN.md: nullable natural-key columns compare with NULL = ''). Deterministic keys: a line
    has the same key in every build and every published version, so what a reader joined on
    survives a rebuild. -#}
{% macro pbk_key(columns) -%}
    {%- set parts = [] -%}
    {%- for col in columns -%}
        {%- do parts.append("coalesce(cast(" ~ col ~ " as " ~ dbt.type_string() ~ "), '')") -%}
        {%- if not loop.last -%}{%- do parts.append("'|'") -%}{%- endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}

{#- A 64-bit hash of the columns (NULL hashed as ''), for finding candidate duplicates in one
    aggregate: never stored, so it need not be stable across engine versions, and a collision
    only adds a candidate that the exact comparison of the columns then separates. DuckDB's
    hash(), Spark's xxhash64(). -#}
{% macro row_hash(columns) -%}
    {{ return(adapter.dispatch('row_hash')(columns)) }}
{%- endmacro %}

{% macro default__row_hash(columns) -%}
    hash({% for col in columns %}coalesce(cast({{ col }} as {{ dbt.type_string() }}), ''){{ ", " if not loop.last }}{% endfor %})
{%- endmacro %}

{% macro spark__row_hash(columns) -%}
    xxhash64({% for col in columns %}coalesce(cast({{ col }} as {{ dbt.type_string() }}), ''){{ ", " if not loop.last }}{% endfor %})
{%- endmacro %}

{#- The row_hash of `columns` seen on more than one row of `relation`: the candidates for a
    repeated key, in one aggregate over integers (superseded_versions in staging.sql, the
    unique_combination test). -#}
{% macro repeated_key_hashes(relation, columns) -%}
    select {{ row_hash(columns) }} as key_hash
    from {{ relation }}
    group by {{ row_hash(columns) }}
    having count(*) > 1
{%- endmacro %}
