{#- Incremental by load: which raw rows an incremental run re-derives, and how it replaces
    them. -#}

{#- Raw rows sharing a natural key with a row of a load that `target` does not contain yet: the
    only keys whose latest version can have changed since the last run. -#}
{% macro rows_of_touched_keys(raw_relation, natural_key, target) -%}
    (
        select src.*
        from {{ raw_relation }} as src
        join (
            select distinct
                {%- for col in natural_key %}
                coalesce(cast({{ col }} as {{ dbt.type_string() }}), '') as k_{{ col }}{{ "," if not loop.last }}
                {%- endfor %}
            from {{ raw_relation }}
            where _load_id in (
                select _load_id from {{ raw_relation }}
                {{ dbt.except() }}
                select _load_id from {{ target }}
            )
        ) as touched
            on {% for col in natural_key -%}
            coalesce(cast(src.{{ col }} as {{ dbt.type_string() }}), '') = touched.k_{{ col }}
            {%- if not loop.last %}
            and {% endif %}
            {%- endfor %}
    )
{%- endmacro %}

{#- How incremental models replace the rows they re-derive (by unique_key): delete+insert, or
    merge on Spark and Databricks, whose adapters offer no delete+insert. -#}
{% macro pbk_incremental_strategy() -%}
    {{ return('merge' if target.type in ('spark', 'databricks') else 'delete+insert') }}
{%- endmacro %}
