{#- The value of `value` on the row with the greatest (order_columns...) of each group, as one
    aggregate (no sort of the rows): DuckDB's arg_max_null over a row of the ordering columns
    (arg_max would skip a NULL value), Spark's max_by over a struct of them. The ordering columns
    must not be NULL. -#}
{% macro latest_value(value, order_columns) -%}
    {{ return(adapter.dispatch('latest_value')(value, order_columns)) }}
{%- endmacro %}

{% macro default__latest_value(value, order_columns) -%}
    arg_max_null({{ value }}, row({{ order_columns | join(', ') }}))
{%- endmacro %}

{% macro spark__latest_value(value, order_columns) -%}
    max_by({{ value }}, struct({{ order_columns | join(', ') }}))
{%- endmacro %}
