{#- Every combination of `columns` in the model exists as `to_columns` in `to` (NULL compared as '',
    as pbk_key writes it): the relationship of a key made of those columns (keys.sql pbk_key),
    tested on the columns themselves, so no key is hashed to test it. -#}
{% test relationships_by_columns(model, columns, to, to_columns) %}
{%- set pairs = [] -%}
{%- for c in columns -%}
    {%- do pairs.append("coalesce(cast(m." ~ c ~ " as " ~ dbt.type_string() ~ "), '') = coalesce(cast(t." ~ to_columns[loop.index0] ~ " as " ~ dbt.type_string() ~ "), '')") -%}
{%- endfor %}
select distinct {% for c in columns %}m.{{ c }}{{ ", " if not loop.last }}{% endfor %}
from {{ model }} as m
where not exists (
    select 1 from {{ to }} as t
    where {{ pairs | join(' and ') }}
)
{% endtest %}
