{#- The sources on Spark (docs/spark.md). On DuckDB raw.* and ops.* are tables of the warehouse
    file and nothing is done. On Spark they are the Parquet folders of $PBK_HOME/lake (the raw
    batches, one file per load, ingest/lake.py; the ops tables as of this build), registered
    before every build as external tables with the warehouse's own columns, which the run passes
    in PBK_SPARK_LAKE_TABLES (ingest.lake.spark_tables). Re-created each time: a new batch file is
    seen, and a contract that gained a column gets it. -#}
{% macro register_lake_tables() -%}
    {{ return(adapter.dispatch('register_lake_tables')()) }}
{%- endmacro %}

{% macro default__register_lake_tables() -%}
{%- endmacro %}

{% macro spark__register_lake_tables() -%}
    {%- if execute -%}
    {%- set tables = fromjson(env_var('PBK_SPARK_LAKE_TABLES', '{}')) -%}
    {%- for name, table in tables.items() -%}
        {%- do run_query('create database if not exists ' ~ name.split('.')[0]) -%}
        {%- do run_query('drop table if exists ' ~ name) -%}
        {%- set columns = [] -%}
        {%- for column in table['columns'] -%}
            {%- do columns.append('`' ~ column[0] ~ '` ' ~ column[1]) -%}
        {%- endfor -%}
        {%- do run_query('create table ' ~ name ~ ' (' ~ columns | join(', ') ~ ') using parquet'
                         ~ " location '" ~ table['location'] ~ "'") -%}
    {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{#- After a Spark build, every built relation of core and marts (views included) is written as
    Parquet to $PBK_HOME/spark/built/<schema>/<name>/: what the mart checks and the publish read
    (orchestration/engines.py puts views over these folders into the warehouse file), so
    everything after dbt is the same on both engines. (audit.* are views of the ops tables, which
    DuckDB holds: engines.py builds them there.) -#}
{% macro export_built_relations(results) -%}
    {{ return(adapter.dispatch('export_built_relations')(results)) }}
{%- endmacro %}

{% macro default__export_built_relations(results) -%}
{%- endmacro %}

{% macro spark__export_built_relations(results) -%}
    {%- if execute -%}
    {%- set root = env_var('PBK_HOME', '.pbk') ~ '/spark/built' -%}
    {%- for result in results
          if result.node.resource_type in ('model', 'seed') and result.status == 'success'
             and result.node.schema in ('core', 'marts') -%}
        {%- set node = result.node -%}
        {%- do run_query("insert overwrite directory '" ~ root ~ "/" ~ node.schema ~ "/"
                         ~ (node.alias or node.name) ~ "' using parquet select * from "
                         ~ node.schema ~ "." ~ (node.alias or node.name)) -%}
    {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
