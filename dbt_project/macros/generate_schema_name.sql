{#- Schemas are exactly raw, ops, staging, intermediate, core and marts (DESIGN.md "Tables";
    the dbt layers in docs/architecture.md): a model's custom schema is used as is, never
    prefixed with the target schema. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema | trim }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
