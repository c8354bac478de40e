{{
    config(
        materialized='incremental',
        unique_key='realization_key',
        incremental_strategy=pbk_incremental_strategy(),
        on_schema_change='fail'
    )
}}
-- Spending lines (SP2D / LRA): the latest version per natural key (fiscal_year, work_unit_code,
-- document_no, output_code, account_code), so a corrected re-send replaces the earlier line.
-- Refunds and corrections stay as negative amounts. With the month the line counts in and the key
-- of its output in core.dim_program, so core.fact_realization is a plain projection of it.
--
-- Realization is the largest extract, and the facts, three dimensions and int_work_unit_output all
-- read it, so this is the one pass over it: a table maintained incrementally by load. A run looks
-- at the loads not yet in the table, takes every raw row that shares a natural key with a row of
-- those loads, keeps the latest version of each such key (stg_realization_select) and replaces
-- the rows with the same realization_key (delete+insert on DuckDB, merge on Spark). Keys untouched
-- by new loads cannot have changed, so the table equals a full refresh; a corrected re-send
-- replaces the earlier line in both paths.
with lines as (
{% if is_incremental() %}
    {{ stg_realization_select(rows_of_touched_keys(source('raw', 'realization'), realization_natural_key(), this)) | indent(4) }}
{% else %}
    {{ stg_realization_select(source('raw', 'realization')) | indent(4) }}
{% endif %}
)

select
    realization_key,
    fiscal_year,
    transaction_date,
    -- month the line counts in for its fiscal year: a date outside the fiscal year (e.g. a
    -- correction posted in January for the previous year) counts in the nearest month of it
    cast(case
        when extract(year from transaction_date) < fiscal_year then 1
        when extract(year from transaction_date) > fiscal_year then 12
        else extract(month from transaction_date)
    end as integer) as period_month,
    document_no,
    work_unit_code,
    {{ pbk_key(['program_code', 'activity_code', 'output_code']) }} as program_key,
    program_code,
    activity_code,
    output_code,
    account_code,
    funding_source,
    realized_amount,
    is_refund,
    description,
    {{ lineage_columns() }}
from lines
