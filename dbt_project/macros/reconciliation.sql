{#- The reconciliation tests' own reading of raw (tests/reconciliation/), written apart from the
    staging macros so that a mistake in one is caught by the other: the latest version of every
    natural key, as rows of `columns` and `amount`.

    Only a key with a line outside the largest load can have two versions (a repeat inside one
    file is quarantined at ingest), so only those keys are aggregated to their latest version
    (latest _ingested_at, then _load_id, then _source_row); every other line is the only one of
    its key. Each branch scans the raw table itself: a CTE read twice would be materialised, 20M
    rows under the memory limit. -#}
{% macro raw_latest_lines(raw, natural_key, columns) -%}
    {%- set key_matches -%}
        {% for k in natural_key -%}
        contested.k_{{ k }} = coalesce(cast(r.{{ k }} as {{ dbt.type_string() }}), ''){{ " and " if not loop.last }}
        {%- endfor %}
    {%- endset -%}
    with contested as (
        select distinct
            {%- for k in natural_key %}
            coalesce(cast({{ k }} as {{ dbt.type_string() }}), '') as k_{{ k }}{{ "," if not loop.last }}
            {%- endfor %}
        from {{ raw }}
        where _load_id <> (
            select _load_id from {{ raw }} group by _load_id order by count(*) desc, _load_id desc limit 1
        )
    )

    select {% for c in columns %}r.{{ c }}, {% endfor %}r.amount
    from {{ raw }} as r
    left join contested
        on {{ key_matches }}
    where contested.k_{{ natural_key[0] }} is null
    union all
    select {% for c in columns %}r.{{ c }}, {% endfor %}
        {{ latest_value('r.amount', ['r._ingested_at', 'r._load_id', 'r._source_row']) }} as amount
    from {{ raw }} as r
    join contested
        on {{ key_matches }}
    group by {% for c in columns %}r.{{ c }}, {% endfor %}{% for k in natural_key %}contested.k_{{ k }}{{ ", " if not loop.last }}{% endfor %}
{%- endmacro %}
