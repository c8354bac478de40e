{#- Every non-NULL value of the column lies within [min_value, max_value] (either bound may be
    omitted). Used for scores that a regulation bounds, e.g. NE in [0, 100]. -#}
{% test accepted_range(model, column_name, min_value=none, max_value=none) %}
select *
from {{ model }}
where {{ column_name }} is not null
  and (
      {% if min_value is not none %}{{ column_name }} < {{ min_value }}{% else %}1 = 0{% endif %}
      or {% if max_value is not none %}{{ column_name }} > {{ max_value }}{% else %}1 = 0{% endif %}
  )
{% endtest %}
