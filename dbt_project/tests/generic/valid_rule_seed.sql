{#- One test per rule seed (keeps the nightly build lean): returns a row per violation of
      - rule_id, fiscal_year_from, fiscal_year_to and source present, fiscal_year_from <= fiscal_year_to;
      - `key` columns unique;
      - fiscal-year ranges of different rule_ids that share the `partition_by` columns do not
        overlap, so every fiscal year resolves to one rule;
      - every column in `accepted` holds only its listed values. -#}
{% test valid_rule_seed(model, key, partition_by=[], accepted={}) %}
with rows_ as (
    select * from {{ model }}
),

missing as (
    select 'missing rule_id, years or source' as violation, cast(rule_id as {{ dbt.type_string() }}) as detail
    from rows_
    where rule_id is null or fiscal_year_from is null or fiscal_year_to is null or source is null
       or fiscal_year_from > fiscal_year_to
),

duplicates as (
    select 'duplicate key' as violation, cast(max(rule_id) as {{ dbt.type_string() }}) as detail
    from rows_
    group by {{ key | join(', ') }}
    having count(*) > 1
),

ranges as (
    select distinct rule_id, fiscal_year_from, fiscal_year_to{% for c in partition_by %}, {{ c }}{% endfor %}
    from rows_
),

overlapping as (
    select 'overlapping fiscal years' as violation,
        cast({{ dbt.concat(["a.rule_id", "' / '", "b.rule_id"]) }} as {{ dbt.type_string() }}) as detail
    from ranges as a
    join ranges as b
        on a.rule_id < b.rule_id
        {%- for c in partition_by %}
        and a.{{ c }} = b.{{ c }}
        {%- endfor %}
        and a.fiscal_year_from <= b.fiscal_year_to
        and b.fiscal_year_from <= a.fiscal_year_to
)

{%- for col, values in accepted.items() %},

accepted_{{ loop.index }} as (
    select 'unexpected {{ col }}' as violation, cast({{ col }} as {{ dbt.type_string() }}) as detail
    from rows_
    where {{ col }} is not null and cast({{ col }} as {{ dbt.type_string() }}) not in (
        {%- for v in values %}'{{ v }}'{{ ", " if not loop.last }}{% endfor -%}
    )
)
{%- endfor %}

select * from missing
union all select * from duplicates
union all select * from overlapping
{%- for col in accepted %}
union all select * from accepted_{{ loop.index }}
{%- endfor %}
{% endtest %}
