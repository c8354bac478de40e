{#- Fails on every row where the boolean expression is false (NULL counts as passing only when
    the expression itself handles it). -#}
{% test expression_is_true(model, expression) %}
select *
from {{ model }}
where not ({{ expression }})
{% endtest %}
