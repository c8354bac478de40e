{#- The latest non-empty name of each key over every loaded budget line, superseded versions
    included. Names are never mandatory (a SAKTI pagu listing carries codes only), so a load
    without names must not erase the name an earlier load gave: dimensions show the latest name
    seen for the code, else the code itself (DESIGN.md, "Canonical codes"). -#}
{% macro latest_names(relation, keys, name) -%}
    {#- one aggregate per key (latest_value.sql), not a ranking of every budget line -#}
    select {{ keys | join(', ') }},
        {{ latest_value(name, ['fiscal_year', 'revision_no', '_ingested_at', '_source_row']) }} as {{ name }}
    from {{ relation }}
    where nullif(trim({{ name }}), '') is not null
    group by {{ keys | join(', ') }}
{%- endmacro %}
