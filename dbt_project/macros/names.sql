{#- The latest non-empty name of each key over every loaded budget line, superseded versions
    included. Names are never mandatory (a SAKTI pagu listing carries codes only), so a load
    without names must not erase the name an earlier load gave: dimensions show the latest name
    seen for the code, else the code itself (DESIGN.md, "Canonical codes"). -#}
{% macro latest_names(relation, keys, name) -%}
    select {{ keys | join(', ') }}, {{ name }} from (
        select {{ keys | join(', ') }}, {{ name }},
            row_number() over (partition by {{ keys | join(', ') }}
                order by fiscal_year desc, revision_no desc, _ingested_at desc, _source_row desc) as rn
        from {{ relation }}
        where nullif(trim({{ name }}), '') is not null
    ) as ranked
    where rn = 1
{%- endmacro %}
